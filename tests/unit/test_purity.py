"""The core stays pure: no broker or index client on import, no clock read outside the CLI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "faultline"
FORBIDDEN_MODULES = ("faust", "kafka", "aiokafka", "elasticsearch", "elastic_transport", "aiohttp")


def test_importing_the_core_loads_no_broker_or_index_client():
    code = (
        "import sys, pkgutil, importlib, faultline\n"
        "for m in pkgutil.walk_packages(faultline.__path__, 'faultline.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN_MODULES!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"the core imported: {out.stdout.strip()}"


CLOCK_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
               ("time", "time"), ("time", "monotonic"), ("time", "time_ns")}


def _clock_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
            if (owner_name, node.func.attr) in CLOCK_CALLS:
                found.append(f"{path.relative_to(CORE.parent)}:{node.lineno} {owner_name}.{node.func.attr}()")
    return found


def test_the_core_reads_no_clock_outside_the_cli():
    offenders = []
    for path in CORE.rglob("*.py"):
        if "cli" in path.relative_to(CORE).parts:
            continue
        offenders += _clock_reads(path)
    assert offenders == [], "pass `now` in instead of reading the clock:\n" + "\n".join(offenders)


def test_the_clock_check_sees_a_clock_read(tmp_path):
    bad = tmp_path / "m.py"
    bad.write_text("import datetime\nx = datetime.datetime.now()\n")
    global CORE
    saved, CORE = CORE, tmp_path
    try:
        assert _clock_reads(bad)
    finally:
        CORE = saved
