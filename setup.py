"""Optional mypyc compilation of the tagging core; the package metadata lives in pyproject.toml.

    FAULTLINE_COMPILE=1 python setup.py build_ext --inplace   # compiled beside the sources (`make compile`)
    FAULTLINE_COMPILE=1 pip wheel --no-deps -w dist .         # a compiled (cp311) wheel, as deploy/Dockerfile builds

Without ``FAULTLINE_COMPILE=1`` nothing is compiled (a py3-none-any wheel), and an editable install is never
compiled. ``faultline/tagging/*.py`` and ``faultline/knowledge/*.py`` (package ``__init__`` files excepted) are
compiled as one group; a successful build writes the SHA-256 of each compiled source, taken before compiling,
to ``faultline/_mypyc_sources.json``, from which ``faultline.compiled`` decides at import whether the compiled
modules are current (otherwise the whole group runs from its sources).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import re
import sys
import time
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
COMPILED = sorted(
    p.relative_to(ROOT).as_posix()
    for pattern in ("faultline/tagging/*.py", "faultline/knowledge/*.py")
    for p in ROOT.glob(pattern)
    if p.name != "__init__.py"
)


def _compiled_module() -> ModuleType:
    """faultline/compiled.py (stdlib only), loaded without importing the faultline package."""
    spec = importlib.util.spec_from_file_location("_faultline_compiled", ROOT / "faultline" / "compiled.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


compiled = _compiled_module()


def _requested() -> bool:
    return os.environ.get("FAULTLINE_COMPILE", "") in ("1", "true", "yes")


def _building() -> bool:
    """True when setuptools builds extensions: a wheel or build_ext, never an editable install."""
    if "editable_wheel" in sys.argv or "develop" in sys.argv:
        print("FAULTLINE_COMPILE ignored: editable installs stay pure Python", file=sys.stderr)
        return False
    return any(cmd in sys.argv for cmd in ("bdist_wheel", "build", "build_ext"))


def _build_requires() -> list[str]:
    """The pinned mypy (the `compile` extra), and pydantic for mypy to type-check faultline.schema."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    pydantic = [d for d in project["dependencies"] if re.split(r"[\s\[;<>=!~]", d, maxsplit=1)[0] == "pydantic"]
    return [*project["optional-dependencies"]["compile"], *pydantic]


def _build_ext_recording(digests: dict[str, str], started: float) -> type[build_ext]:
    """build_ext that records ``digests`` (taken before compiling) once the extensions are built."""

    class build_ext_with_manifest(build_ext):
        def run(self) -> None:
            if self.inplace:
                _remove_orphans()
            super().run()
            target = Path(ROOT if self.inplace else self.build_lib) / "faultline" / compiled.MANIFEST_NAME
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            # as old as the sources it describes, so that `make` rebuilds after an edit made during the build
            os.utime(target, (started, started))

        def copy_file(self, infile: str, outfile: str, *args: Any, **kwargs: Any) -> tuple[str, bool]:
            """In place, replace each binary by renaming a copy over it: a running process that has the old
            one mapped keeps a valid file (overwriting it in place could crash that process)."""
            if not self.inplace:
                return super().copy_file(infile, outfile, *args, **kwargs)
            partial = f"{outfile}.{os.getpid()}.partial"
            _, copied = super().copy_file(infile, partial, *args, **kwargs)
            os.replace(partial, outfile)
            return outfile, copied

    return build_ext_with_manifest


def _remove_orphans() -> None:
    """Compiled modules whose source is gone would still import: remove them from the tree."""
    for folder in ("faultline/tagging", "faultline/knowledge"):
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            for binary in (ROOT / folder).glob(f"*{suffix}"):
                if not binary.with_name(binary.name.removesuffix(suffix) + ".py").exists():
                    binary.unlink()


def _compilation() -> dict[str, Any]:
    """setup() arguments for the compiled build. setup_requires has setuptools.build_meta install the pinned
    mypy into an isolated build environment (pip wheel), after which this file runs again with mypyc."""
    if not _requested():
        return {}
    requires = _build_requires()
    if not _building():
        return {"setup_requires": requires}
    try:
        from mypyc.build import mypycify
    except ImportError:
        sys.exit(f"FAULTLINE_COMPILE=1 needs {' '.join(requires)} (pip install -e '.[compile]')")
    started = time.time()
    digests = {path: compiled.digest(ROOT / path) for path in COMPILED}
    return {
        "ext_modules": mypycify(COMPILED, opt_level="3", debug_level="0", group_name=compiled.GROUP),
        "setup_requires": requires,
        "cmdclass": {"build_ext": _build_ext_recording(digests, started)},
    }


setup(
    # the manifest belongs to a compiled build only: build_ext writes it, a copy in the tree is never packaged
    exclude_package_data={"faultline": [compiled.MANIFEST_NAME]},
    **_compilation(),
)
