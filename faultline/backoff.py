"""Exponential back-off, shared by every stage that retries (pure: the caller draws the randomness)."""

from __future__ import annotations


def backoff_delay(attempt: int, *, base: float = 1.0, cap: float = 60.0, jitter: float = 0.0,
                  rand: float = 0.5) -> float:
    """Exponential back-off: ``base * 2**(attempt-1)`` capped at ``cap``, spread by ±``jitter`` (a fraction).

    ``rand`` in [0, 1) is the caller's random draw, so that the function stays deterministic.
    """
    if attempt <= 0:
        return 0.0
    delay = min(cap, base * (2 ** min(attempt - 1, 30)))
    return max(0.0, delay * (1.0 + jitter * (2.0 * rand - 1.0)))
