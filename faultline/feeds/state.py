"""Per-feed state: validators for conditional GET, failures, counters, and when to poll next.

``apply_result`` is the one place that decides how a poll changes a feed's state. Validators (ETag,
Last-Modified) only move forward after a poll whose every new article the broker acknowledged: were they
saved earlier, the next poll would get a 304 and the unacknowledged articles would never come back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

from faultline.feeds.outcome import PollResult
from faultline.feeds.policy import PollPolicy, backoff_delay, base_interval, jittered, poll_interval
from faultline.feeds.registry import FeedSpec


@dataclass(frozen=True)
class FeedState:
    feed_id: str
    etag: str | None = None
    last_modified: str | None = None
    polls: int = 0
    consecutive_failures: int = 0
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_outcome: str | None = None
    last_http_status: int | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    items_seen: int = 0  # entries in the last full response
    published_total: int = 0
    duplicates_total: int = 0
    bozo: str | None = None
    moved_to: str | None = None
    interval: int | None = None  # the effective interval after the last success
    next_due: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeedState:
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if value is not None and "datetime" in str(known[key].type):
                try:
                    value = datetime.fromisoformat(value)
                except (TypeError, ValueError):
                    value = None
            values[key] = value
        return cls(**values)


def apply_result(state: FeedState, result: PollResult, feed: FeedSpec, policy: PollPolicy,
                 now: datetime) -> FeedState:
    """The state after ``result``, with the time of the next poll."""
    polls = state.polls + 1
    common: dict[str, Any] = dict(polls=polls, last_attempt=now, last_outcome=result.outcome,
                                  last_http_status=result.http_status,
                                  published_total=state.published_total + result.published,
                                  duplicates_total=state.duplicates_total + result.duplicates)
    if result.outcome in ("ok", "not_modified"):
        interval = poll_interval(feed.interval, policy, result.hint_seconds)
        update: dict[str, Any] = dict(consecutive_failures=0, last_success=now, interval=interval,
                                      next_due=now + _seconds(jittered(interval, policy, feed.id, polls)))
        if result.outcome == "ok":
            update.update(etag=result.etag, last_modified=result.last_modified, items_seen=result.entries,
                          bozo=result.bozo, moved_to=result.moved_to)
        return replace(state, **common, **update)
    if result.outcome == "publish_failed":
        # The feed is fine, the broker is not: keep the validators, so the next poll (at the feed's usual
        # pace: an outage of ours is no reason to poll outlets harder) gets the full response again.
        interval = base_interval(feed.interval, policy)
        return replace(state, **common, last_error=result.error, last_error_at=now,
                       next_due=now + _seconds(jittered(interval, policy, feed.id, polls)))
    failures = state.consecutive_failures + 1
    delay = backoff_delay(feed.interval, failures, policy, result.retry_after)
    return replace(state, **common, consecutive_failures=failures, last_error=result.error, last_error_at=now,
                   next_due=now + _seconds(max(jittered(delay, policy, feed.id, polls),
                                               result.retry_after or 0)))


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)
