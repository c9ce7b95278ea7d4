"""When to poll a feed next: its configured interval, the hints it gives, backoff after failures, jitter.

Hints only ever slow polling down (a feed that says ``<ttl>60</ttl>`` is not polled more often than hourly),
and are capped so that a feed claiming to change once a year is still looked at. Jitter is derived from the
feed id and the poll count, so schedules spread out without any random state and tests are deterministic.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

UPDATE_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 7 * 86400, "monthly": 30 * 86400,
                  "yearly": 365 * 86400}
_MAX_AGE_RE = re.compile(r"(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*\"?(\d+)\"?", re.IGNORECASE)


@dataclass(frozen=True)
class PollPolicy:
    default_interval: int = 900  # seconds, for feeds whose registry entry gives none
    min_interval: int = 60  # never poll one feed more often, whatever the registry says
    max_hint: int = 3600  # a feed's own hints may stretch its interval up to this
    jitter: float = 0.1  # +/- fraction applied to every interval
    backoff_max: int = 6 * 3600  # longest wait after repeated failures
    startup_spread: int = 60  # first polls after start are spread over at most this many seconds

    def __post_init__(self) -> None:
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")
        if self.min_interval < 0 or self.default_interval < 1:
            raise ValueError("intervals must be positive")


# ---------------------------------------------------------------------------------------------
# Hints


def feed_hint_seconds(ttl: str | int | None = None, update_period: str | None = None,
                      update_frequency: str | int | None = None) -> int | None:
    """The feed's own idea of how often to look: RSS ``<ttl>`` (minutes) or ``sy:updatePeriod``/``Frequency``."""
    hints = []
    minutes = _int(ttl)
    if minutes and minutes > 0:
        hints.append(minutes * 60)
    if update_period:
        period = UPDATE_PERIODS.get(str(update_period).strip().lower())
        freq = _int(update_frequency) or 1
        if period and freq > 0:
            hints.append(period // freq)
    return max(hints) if hints else None


def cache_control_seconds(value: str | None) -> int | None:
    """``max-age``/``s-maxage`` of a Cache-Control header; None when absent or when caching is refused."""
    if not value or re.search(r"no-store|no-cache", value, re.IGNORECASE):
        return None
    m = _MAX_AGE_RE.search(value)
    return int(m.group(1)) if m else None


def retry_after_seconds(value: str | None, now: datetime) -> int | None:
    """Retry-After as seconds from ``now``: either delay-seconds or an HTTP date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0, int((when - now).total_seconds()))


def _int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Intervals


def base_interval(configured: int | None, policy: PollPolicy) -> int:
    return max(policy.min_interval, configured or policy.default_interval)


def poll_interval(configured: int | None, policy: PollPolicy, *hints: int | None) -> int:
    """The interval after a successful poll: the configured one, stretched by hints up to ``max_hint``."""
    interval = base_interval(configured, policy)
    hinted = max((h for h in hints if h), default=0)
    if hinted > interval:
        interval = max(interval, min(hinted, policy.max_hint))
    return interval


def backoff_delay(configured: int | None, failures: int, policy: PollPolicy, retry_after: int | None = None) -> int:
    """Wait after ``failures`` consecutive failures: the interval doubled per failure, capped;
    a server's Retry-After is honoured up to the same cap."""
    interval = base_interval(configured, policy)
    delay = min(policy.backoff_max, interval * 2 ** max(0, min(failures, 32) - 1))
    if retry_after:
        delay = max(delay, min(retry_after, policy.backoff_max))
    return max(policy.min_interval, delay)


def unit_fraction(*parts: object) -> float:
    """A stable pseudo-random number in [0, 1) derived from ``parts``."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def jittered(seconds: float, policy: PollPolicy, feed_id: str, counter: int) -> float:
    return seconds * (1 + policy.jitter * (2 * unit_fraction(feed_id, counter) - 1))


def first_poll_offset(feed_id: str, interval: int, policy: PollPolicy) -> float:
    """Seconds after start-up at which a feed is first polled, spread evenly across feeds."""
    return unit_fraction("start", feed_id) * min(interval, policy.startup_spread)
