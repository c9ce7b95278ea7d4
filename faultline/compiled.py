"""Whether the tagging core runs compiled (mypyc) or from its .py sources, all modules alike.

``setup.py`` (with ``FAULTLINE_COMPILE=1``) compiles ``faultline/tagging`` and ``faultline/knowledge`` as one
mypyc group and writes ``faultline/_mypyc_sources.json``: the SHA-256 of each compiled source, by path relative
to the directory holding the ``faultline`` package. The modules of a group call each other natively, so a
fresh ``.py`` beside stale compiled siblings would silently run old code: when any compiled source no longer
matches its digest (or a binary is missing, or :func:`prefer_sources` was called before the tagger was
imported), every module of the group is loaded from its ``.py`` file instead. ``faultline/__init__.py`` calls
:func:`activate` once per process; the check costs a few file reads.

The group's code lives in one top-level extension module beside the ``faultline`` package (mypyc derives
each module's ``__file__`` from its location); :func:`activate` makes it importable even when that directory
is not on ``sys.path`` (an editable install).
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import logging
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
MANIFEST_NAME = "_mypyc_sources.json"
GROUP = "faultline_tagging"  # its code is in the extension module faultline_tagging__mypyc, beside faultline/
REBUILD = "rebuild with `make compile` (or FAULTLINE_COMPILE=1 pip wheel . for a wheel)"


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes, as recorded in the manifest."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def module_name(rel: str) -> str:
    """'faultline/tagging/actors.py' -> 'faultline.tagging.actors'."""
    return rel.removesuffix(".py").replace("/", ".")


def shared_library(group: str = GROUP) -> str:
    """Dotted name of the extension module that holds the code of the whole group."""
    return f"{group}__mypyc"


def read_manifest(manifest: Path) -> dict[str, str]:
    """{relative source path: SHA-256} of a compiled build; empty when there is none (a pure install)."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{manifest}: not a mapping of source path to SHA-256")
    return data


def _binary(root: Path, dotted: str) -> Path | None:
    base = root.joinpath(*dotted.split("."))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = base.with_name(base.name + suffix)
        if candidate.exists():
            return candidate
    return None


class Assessment:
    """Which build the group runs as, and why (a plain class: this module is imported by ``import faultline``
    and stays cheap)."""

    __slots__ = ("mode", "reason", "modules", "changed", "sources", "library")

    def __init__(
        self,
        mode: str,
        reason: str,
        modules: tuple[str, ...] = (),
        changed: tuple[str, ...] = (),
        sources: Mapping[str, Path] | None = None,
        library: tuple[str, Path] | None = None,
    ) -> None:
        self.mode = mode  # "compiled" or "pure"
        self.reason = reason
        self.modules = modules  # dotted names of the group's modules (empty for a pure install)
        self.changed = changed  # relative paths whose source differs from the compiled one
        self.sources = dict(sources or {})  # dotted name -> .py path
        self.library = library  # (name, path) of the group's extension module when compiled


def assess(root: Path, manifest: Mapping[str, str], group: str = GROUP) -> Assessment:
    """Decide between the compiled group and its sources, for a package tree under ``root``."""
    if not manifest:
        return Assessment("pure", "not compiled (no mypyc build manifest)")
    sources = {module_name(rel): root / rel for rel in sorted(manifest)}
    modules = tuple(sources)
    lib_name = shared_library(group)
    binaries = {m: _binary(root, m) for m in (lib_name, *modules)}
    missing = [m for m, binary in binaries.items() if binary is None]
    if missing:
        if len(missing) == len(binaries):
            reason = f"no compiled modules for this Python ({REBUILD})"
        else:
            reason = f"compiled modules missing: {', '.join(missing)}; {REBUILD}"
        return Assessment("pure", reason, modules, (), sources)
    changed = tuple(
        rel for rel in sorted(manifest) if not (root / rel).exists() or digest(root / rel) != manifest[rel]
    )
    if changed:
        reason = f"sources changed since they were compiled: {', '.join(changed)}; {REBUILD}"
        return Assessment("pure", reason, modules, changed, sources)
    library = binaries[lib_name]
    assert library is not None
    return Assessment(
        "compiled", f"{len(modules)} modules compiled with mypyc", modules, (), sources, (lib_name, library)
    )


class PinnedFinder:
    """Meta-path finder that loads the named modules from the given files (a .py file is loaded as source
    whatever binary sits beside it; the loader follows the file's suffix)."""

    def __init__(self) -> None:
        self.files: dict[str, Path] = {}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        file = self.files.get(fullname)
        if file is None:
            return None
        return importlib.util.spec_from_file_location(fullname, file)


def is_compiled(module: ModuleType) -> bool:
    """True when a loaded module is an extension module (compiled), not Python bytecode."""
    spec = getattr(module, "__spec__", None)
    return isinstance(getattr(spec, "loader", None), importlib.machinery.ExtensionFileLoader)


_state: Assessment | None = None
_finder = PinnedFinder()


def activate() -> Assessment:
    """Decide once per process (at ``import faultline``): route the group to its sources when it runs pure,
    or make its extension module importable when it runs compiled."""
    global _state
    if _state is None:
        _state = assess(PACKAGE.parent, read_manifest(PACKAGE / MANIFEST_NAME))
        if _state.mode == "pure" and _state.sources:
            _route(_state.sources)
            log.warning("faultline tagger runs as pure Python: %s", _state.reason)
        elif _state.library is not None:
            _route(dict([_state.library]))
    return _state


def _route(files: Mapping[str, Path]) -> None:
    _finder.files = dict(files)
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def prefer_sources() -> None:
    """Run the tagging core from its .py sources even when a fresh compiled build is installed.

    Must be called before any module of the group is imported (``faultline.tagging``, ``faultline.knowledge``).
    """
    global _state
    state = activate()
    if state.mode == "pure":
        return
    loaded = [m for m in state.modules if m in sys.modules]
    if loaded:
        raise RuntimeError(
            f"prefer_sources() called after the compiled tagger was imported: {', '.join(loaded)}"
        )
    _route(state.sources)
    _state = Assessment("pure", "sources preferred by prefer_sources()", state.modules, (), state.sources)


def compiled() -> bool:
    """True when the tagging core runs compiled."""
    return activate().mode == "compiled"


def status() -> dict[str, object]:
    """{"mode": "compiled" | "pure", "reason": ..., "modules": [...], "changed": [...]} for reports and tests."""
    state = activate()
    return {
        "mode": state.mode,
        "reason": state.reason,
        "modules": list(state.modules),
        "changed": list(state.changed),
    }
