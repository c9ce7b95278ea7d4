"""The mypyc build of the tagging core: all-or-nothing fallback to the sources, and identical output."""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from faultline import compiled

REPO = Path(__file__).resolve().parents[2]
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
GROUP = "grp"

# ---------------------------------------------------------------------------------------------------------
# the decision, on a package written here (fake binaries: only their presence matters to assess())


@pytest.fixture
def tree(tmp_path):
    """A package of two modules 'compiled' as one group: (root, package name, manifest)."""
    name = f"pkg_{uuid.uuid4().hex[:8]}"
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("VALUE = 'a'\n")
    (package / "b.py").write_text(f"from {name}.a import VALUE as A\n\nVALUE = A + 'b'\n")
    for module in ("a", "b"):
        (package / f"{module}{SUFFIX}").write_bytes(b"not an extension module")
    (tmp_path / f"{compiled.shared_library(GROUP)}{SUFFIX}").write_bytes(b"")
    manifest = {f"{name}/{m}.py": compiled.digest(package / f"{m}.py") for m in ("a", "b")}
    yield tmp_path, name, manifest
    for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
        del sys.modules[module]


def test_a_build_of_the_current_sources_runs_compiled(tree):
    root, name, manifest = tree
    state = compiled.assess(root, manifest, GROUP)
    assert state.mode == "compiled"
    assert state.modules == (f"{name}.a", f"{name}.b")
    assert state.library == (compiled.shared_library(GROUP), root / f"{compiled.shared_library(GROUP)}{SUFFIX}")


def test_without_a_manifest_it_is_a_pure_install(tree):
    root, _, _ = tree
    state = compiled.assess(root, {}, GROUP)
    assert (state.mode, state.sources) == ("pure", {})
    assert compiled.read_manifest(root / "absent.json") == {}


def test_one_edited_source_sends_the_whole_group_to_its_sources(tree):
    root, name, manifest = tree
    (root / name / "b.py").write_text("VALUE = 'edited'\n")
    state = compiled.assess(root, manifest, GROUP)
    assert state.mode == "pure"
    assert state.changed == (f"{name}/b.py",)
    assert f"{name}/b.py" in state.reason and "make compile" in state.reason
    assert state.sources == {f"{name}.a": root / name / "a.py", f"{name}.b": root / name / "b.py"}


def test_a_deleted_source_counts_as_changed(tree):
    root, name, manifest = tree
    (root / name / "a.py").unlink()
    assert compiled.assess(root, manifest, GROUP).changed == (f"{name}/a.py",)


@pytest.mark.parametrize("binary", ["a", "library"])
def test_a_missing_binary_sends_the_whole_group_to_its_sources(tree, binary):
    root, name, manifest = tree
    path = root / f"{compiled.shared_library(GROUP)}{SUFFIX}" if binary == "library" else root / name / f"a{SUFFIX}"
    path.unlink()
    state = compiled.assess(root, manifest, GROUP)
    assert state.mode == "pure"
    assert "missing" in state.reason
    assert set(state.sources) == {f"{name}.a", f"{name}.b"}


def test_binaries_for_another_python_mean_pure(tree):
    root, name, manifest = tree
    for binary in root.rglob(f"*{SUFFIX}"):
        binary.unlink()
    state = compiled.assess(root, manifest, GROUP)
    assert state.mode == "pure"
    assert "no compiled modules" in state.reason


def test_the_finder_loads_sources_that_a_binary_would_shadow(tree, monkeypatch):
    root, name, manifest = tree
    monkeypatch.syspath_prepend(str(root))
    importlib.invalidate_caches()
    with pytest.raises(ImportError):  # the (broken) binary beside a.py wins over the source
        importlib.import_module(f"{name}.a")
    finder = compiled.PinnedFinder()
    finder.files = dict(compiled.assess(root, manifest, GROUP).sources)
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    module = importlib.import_module(f"{name}.b")
    assert module.VALUE == "ab"
    assert all(sys.modules[m].__file__.endswith(".py") for m in (f"{name}.a", f"{name}.b"))
    assert finder.find_spec("json") is None


def test_prefer_sources_after_the_compiled_tagger_was_imported_is_refused(monkeypatch):
    loaded = compiled.Assessment("compiled", "test", modules=("json",))
    monkeypatch.setattr(compiled, "_state", loaded)
    with pytest.raises(RuntimeError, match="json"):
        compiled.prefer_sources()


def test_the_manifest_must_map_paths_to_digests(tmp_path):
    bad = tmp_path / "manifest.json"
    bad.write_text("[1, 2]")
    with pytest.raises(ValueError):
        compiled.read_manifest(bad)


# ---------------------------------------------------------------------------------------------------------
# the real build (compiled by `make compile`; required under CI=true)


def _require_compiled(status: dict | None = None) -> dict:
    """Skip locally without a compiled build; fail under CI=true (tests/conftest.py's ``require``, loaded by
    path: several conftest modules share the name). ``status`` is a child process's, else this process's."""
    spec = importlib.util.spec_from_file_location("faultline_tests_conftest", REPO / "tests" / "conftest.py")
    assert spec is not None and spec.loader is not None
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)
    status = status or compiled.status()
    conftest.require(status["mode"] == "compiled", f"the tagger runs as pure Python here: {status['reason']}")
    return status


def test_the_compiled_build_is_in_use():
    status = _require_compiled()
    assert status["modules"], "a compiled build compiles the tagging core"
    for name in status["modules"]:
        assert compiled.is_compiled(importlib.import_module(name)), f"{name} is not compiled"


CHILD = """
import json, sys
import faultline.compiled as compiled
if sys.argv[1] == "pure":
    compiled.prefer_sources()
from faultline.tagging import Tagger
tagger = Tagger.load()
results = [tagger.tag(text, doc_id=doc_id).model_dump_json() for doc_id, text in json.load(sys.stdin)]
status = compiled.status()
loaded = {m: compiled.is_compiled(sys.modules[m]) for m in status["modules"] if m in sys.modules}
print(json.dumps({"status": status, "loaded": loaded, "results": results, "package": str(compiled.PACKAGE)}))
"""


def _tag_in_child(mode: str, docs: list[tuple[str, str]], cwd: Path = REPO) -> tuple[dict, str]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode],
        input=json.dumps(docs),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout), out.stderr


def _documents(shared_data: Path) -> list[tuple[str, str]]:
    """The seed article, the dev set and about 200 corpus articles."""
    docs = [("seed", (shared_data.parent / "seed" / "article.md").read_text(encoding="utf-8"))]
    with (shared_data / "gold" / "dev.jsonl").open(encoding="utf-8") as handle:
        docs += [(f"dev:{r['id']}", r["text"]) for r in map(json.loads, handle)]
    for name in ("aljazeera_2025_05", "bbc_news_2004_2005", "reuters21578"):
        with (shared_data / "corpus" / f"{name}.jsonl").open(encoding="utf-8") as handle:
            for n, line in zip(range(70), handle, strict=False):
                record = json.loads(line)
                parts = [str(record.get(k) or "").strip() for k in ("title", "text")]
                docs.append((f"{name}:{n}", "\n\n".join(p for p in parts if p)))
    return docs


def test_compiled_and_pure_builds_tag_alike(shared_data):
    _require_compiled()
    docs = _documents(shared_data)
    assert len(docs) > 700
    fast, _ = _tag_in_child("default", docs)
    _require_compiled(fast["status"])  # a source edited while the tests run makes the child pure
    slow, _ = _tag_in_child("pure", docs)
    assert slow["status"]["mode"] == "pure"
    assert fast["loaded"] and all(fast["loaded"].values())
    assert slow["loaded"] and not any(slow["loaded"].values())
    assert len(fast["results"]) == len(docs)
    different = [d for d, a, b in zip(docs, fast["results"], slow["results"], strict=True) if a != b]
    assert different == [], f"{len(different)} documents tagged differently, first {different[0][0]}"


@pytest.mark.parametrize("edited", [False, True])
def test_an_edited_source_in_a_compiled_tree_runs_everything_from_source(tmp_path, edited):
    """A copy of the built tree: as built it runs compiled; after one source changes, nothing does."""
    _require_compiled()
    shutil.copytree(REPO / "faultline", tmp_path / "faultline", ignore=shutil.ignore_patterns("__pycache__"))
    for library in REPO.glob(f"{compiled.shared_library()}*"):
        shutil.copy2(library, tmp_path)
    edited_source = "faultline/tagging/severity.py"
    if edited:
        with (tmp_path / edited_source).open("a", encoding="utf-8") as handle:
            handle.write("\n# edited\n")
    docs = [("d1", "Russian forces shelled Kharkiv on Monday, killing three civilians.")]
    child, stderr = _tag_in_child("default", docs, cwd=tmp_path)
    assert child["package"] == str((tmp_path / "faultline").resolve()), "the child imported the copy"
    assert child["loaded"], "the tagger imported modules of the group"
    if edited:
        assert child["status"]["mode"] == "pure"
        assert edited_source in child["status"]["changed"]
        assert edited_source in stderr and "make compile" in stderr
        assert not any(child["loaded"].values())
    else:
        _require_compiled(child["status"])  # a source edited while the tests run makes the copy pure
        assert all(child["loaded"].values())
        assert "pure Python" not in stderr
