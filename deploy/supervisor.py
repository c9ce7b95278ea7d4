"""Run Faultline's services as supervised child processes (used by ``faultline up``).

Each child is ``python -m faultline.cli.main <verb> ...`` with its output in ``$FAULTLINE_HOME/logs/<name>.log``.
A child that dies is restarted with back-off (``faultline.supervision``) and reported; ``stop`` shuts the
children down in order (producer first, so nothing new enters while the others flush) with SIGTERM, then
SIGKILL after a grace period.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from faultline.supervision import ChildState, RestartPolicy

log = logging.getLogger(__name__)


@dataclass
class ChildSpec:
    name: str
    args: list[str]  # arguments of the `faultline` command
    env: dict[str, str] = field(default_factory=dict)
    restart: bool = True  # False for a child that is meant to finish (e.g. `produce --once`)


class Supervisor:
    def __init__(self, specs: list[ChildSpec], log_dir: Path, policy: RestartPolicy | None = None,
                 base_env: dict[str, str] | None = None, clock=time.monotonic,
                 command: list[str] | None = None):
        self.specs = {s.name: s for s in specs}
        self.order = [s.name for s in specs]
        self.log_dir = log_dir
        self.policy = policy or RestartPolicy()
        self.base_env = dict(base_env if base_env is not None else os.environ)
        self.clock = clock
        self.command = command or [sys.executable, "-m", "faultline.cli.main"]
        self.states = {s.name: ChildState(s.name) for s in specs}
        self.procs: dict[str, subprocess.Popen] = {}
        self.events: list[str] = []  # human-readable happenings, for the live view

    def log_file(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    def start_all(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name in self.order:
            self._spawn(name)

    def _spawn(self, name: str) -> None:
        spec = self.specs[name]
        env = {**self.base_env, **spec.env}
        logf = open(self.log_file(name), "ab")  # noqa: SIM115 - handed to the child
        proc = subprocess.Popen(  # noqa: S603
            [*self.command, *spec.args], env=env, stdout=logf,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        logf.close()
        st = self.states[name]
        st.pid, st.started_at, st.restart_at = proc.pid, self.clock(), None
        self.procs[name] = proc
        log.info("started %s (pid %d): faultline %s", name, proc.pid, " ".join(spec.args))

    def poll(self) -> None:
        """Reap dead children and restart them when their back-off has passed."""
        now = self.clock()
        for name in self.order:
            st, proc = self.states[name], self.procs.get(name)
            if proc is not None and proc.poll() is not None:
                code = proc.returncode
                st.pid, st.last_exit = None, code
                del self.procs[name]
                if not self.specs[name].restart:
                    self._note(name, f"{name} finished (exit {code})")
                    continue
                delay = self.policy.next_delay(st, now)
                if delay is None:
                    st.gave_up = True
                    self._note(name, f"{name} exited with {code}; giving up after {st.restarts - 1} restarts "
                               f"(see {self.log_file(name)})")
                else:
                    st.restart_at = now + delay
                    self._note(name, f"{name} exited with {code}; restarting in {delay:.1f}s (see {self.log_file(name)})")
            elif proc is None and st.restart_at is not None and now >= st.restart_at:
                self._spawn(name)

    def _note(self, name: str, message: str) -> None:
        self.events.append(message)
        self.states[name].history.append(message)
        log.warning("%s", message)

    def running(self, name: str) -> bool:
        proc = self.procs.get(name)
        return proc is not None and proc.poll() is None

    def exit_code(self, name: str) -> int | None:
        return self.states[name].last_exit

    def stop(self, names: list[str] | None = None, grace: float = 60.0) -> None:
        """SIGTERM each child in order and wait for it (its in-flight work is flushed); SIGKILL after grace."""
        for name in names or self.order:
            self.states[name].restart_at = None
            proc = self.procs.get(name)
            if proc is None:
                continue
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                try:
                    proc.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    log.warning("%s did not stop within %.0fs; killing it", name, grace)
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    proc.wait(timeout=30)
            self.states[name].pid, self.states[name].last_exit = None, proc.returncode
            self.procs.pop(name, None)
            # A restart may not be scheduled for a child we stopped on purpose.
            self.specs[name].restart = False
