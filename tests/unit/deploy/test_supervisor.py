"""The supervisor with real child processes (small Python programs, no services)."""

from __future__ import annotations

import sys
import time

from deploy.supervisor import ChildSpec, Supervisor
from faultline.supervision import RestartPolicy

PY = [sys.executable, "-c"]


def wait_for(cond, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def test_a_dying_child_is_restarted_and_reported(tmp_path):
    counter = tmp_path / "starts"
    prog = f"open({str(counter)!r}, 'a').write('x'); raise SystemExit(3)"
    sup = Supervisor([ChildSpec("flaky", [prog])], log_dir=tmp_path, command=PY,
                     policy=RestartPolicy(base=0.05, cap=0.1))
    sup.start_all()
    assert wait_for(lambda: (sup.poll(), counter.exists() and len(counter.read_text()) >= 3)[1])
    sup.stop()
    assert any("flaky exited with 3; restarting" in e for e in sup.events)
    assert sup.states["flaky"].restarts >= 2


def test_a_finishing_child_is_not_restarted(tmp_path):
    sup = Supervisor([ChildSpec("once", ["print('done')"], restart=False)], log_dir=tmp_path, command=PY)
    sup.start_all()
    assert wait_for(lambda: (sup.poll(), sup.exit_code("once") == 0)[1])
    time.sleep(0.2)
    sup.poll()
    assert not sup.running("once") and sup.states["once"].restarts == 0
    assert (tmp_path / "once.log").read_text().strip() == "done"


def test_stop_sends_sigterm_so_children_can_flush(tmp_path):
    flushed = tmp_path / "flushed"
    prog = ("import signal, sys, time\n"
            f"def bye(*a):\n    open({str(flushed)!r}, 'w').write('ok'); sys.exit(0)\n"
            "signal.signal(signal.SIGTERM, bye)\nprint('ready', flush=True)\ntime.sleep(60)\n")
    sup = Supervisor([ChildSpec("svc", [prog])], log_dir=tmp_path, command=PY)
    sup.start_all()
    assert wait_for(lambda: "ready" in (tmp_path / "svc.log").read_text())
    sup.stop(grace=10)
    assert flushed.read_text() == "ok"
    assert sup.exit_code("svc") == 0 and not sup.running("svc")


def test_a_child_ignoring_sigterm_is_killed_after_the_grace(tmp_path):
    prog = ("import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            "print('ready', flush=True)\ntime.sleep(60)\n")
    sup = Supervisor([ChildSpec("stubborn", [prog])], log_dir=tmp_path, command=PY)
    sup.start_all()
    assert wait_for(lambda: "ready" in (tmp_path / "stubborn.log").read_text())
    sup.stop(grace=0.5)
    assert not sup.running("stubborn") and sup.exit_code("stubborn") == -9
