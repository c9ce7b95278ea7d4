"""A private local stack on other ports: up (twice), status with versions, down leaves no process behind."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from deploy.local.stack import ES_VERSION, KAFKA_VERSION, _pid_alive, dist_root, port_open

pytestmark = [pytest.mark.integration]


def free_port_pair() -> int:
    """A port p with p+1 (Kafka controller) or p+100 (Elasticsearch transport) free as well."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            p = s.getsockname()[1]
        if p < 65000 and not any(port_open("127.0.0.1", q) for q in (p, p + 1, p + 100)):
            return p
    raise RuntimeError("no free port")


def cli(env: dict, *args: str, timeout: float = 400) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "faultline.cli.main", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def private_home():
    """Outside pytest's tmp tree: another pytest session resets that to 0700, locking out the ES user."""
    import shutil
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp(prefix="faultline-stack-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_private_stack_lifecycle(stack, private_home):
    tmp_path = private_home
    kafka_port, es_port = free_port_pair(), free_port_pair()
    env = dict(os.environ, FAULTLINE_HOME=str(tmp_path / "home"), FAULTLINE_DIST_DIR=str(dist_root(stack)),
               FAULTLINE_KAFKA_BOOTSTRAP=f"127.0.0.1:{kafka_port}", FAULTLINE_ES_URL=f"http://127.0.0.1:{es_port}")
    try:
        first = cli(env, "stack", "up")
        assert first.returncode == 0, first.stderr[-3000:]
        assert f"127.0.0.1:{kafka_port}" in first.stdout and f"http://127.0.0.1:{es_port}" in first.stdout
        again = cli(env, "stack", "up")
        assert again.returncode == 0, again.stderr[-3000:]

        status = cli(env, "stack", "status", "--json")
        assert status.returncode == 0, status.stderr
        st = json.loads(status.stdout)
        assert st["kafka"]["healthy"] and st["kafka"]["version"] == KAFKA_VERSION
        assert st["elasticsearch"]["healthy"] and st["elasticsearch"]["version"] == ES_VERSION
        pids = [st["kafka"]["pid"], st["elasticsearch"]["pid"]]
        assert all(pids)
    finally:
        down = cli(env, "stack", "down", timeout=200)
    assert down.returncode == 0, down.stderr
    assert not any(_pid_alive(p) for p in pids), "a service process outlived `stack down`"
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path / "home")], capture_output=True, text=True).stdout
    assert leftovers.strip() == "", f"processes still running from the stack's home: {leftovers}"
    assert not port_open("127.0.0.1", kafka_port) and not port_open("127.0.0.1", es_port)
    after = cli(env, "stack", "status", "--json")
    assert after.returncode == 1 and not json.loads(after.stdout)["kafka"]["running"]
