"""Pure policy for supervised child processes: when to restart, when to give up.

The process handling itself is in ``deploy/supervisor.py``; this module decides, given times passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from faultline.backoff import backoff_delay


@dataclass
class RestartPolicy:
    """Restart a child that died, with back-off; a child that stayed up ``stable_after`` seconds starts afresh."""

    base: float = 1.0
    cap: float = 30.0
    stable_after: float = 60.0
    max_restarts: int | None = None  # None: forever

    def next_delay(self, state: ChildState, now: float) -> float | None:
        """Seconds to wait before restarting, or None to give up."""
        if state.started_at is not None and now - state.started_at >= self.stable_after:
            state.failures = 0
        state.failures += 1
        state.restarts += 1
        if self.max_restarts is not None and state.restarts > self.max_restarts:
            return None
        return backoff_delay(state.failures, base=self.base, cap=self.cap)


@dataclass
class ChildState:
    name: str
    pid: int | None = None
    started_at: float | None = None
    restarts: int = 0
    failures: int = 0
    last_exit: int | None = None
    restart_at: float | None = None
    gave_up: bool = False
    history: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.gave_up:
            return "failed"
        if self.pid is not None:
            return "running"
        if self.restart_at is not None:
            return "restarting"
        return "stopped" if self.last_exit in (0, None) else "exited"
