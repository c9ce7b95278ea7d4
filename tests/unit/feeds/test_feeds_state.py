"""How a poll changes a feed's state: validators, failures, counters, next poll."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from faultline.feeds.outcome import PollResult
from faultline.feeds.policy import PollPolicy
from faultline.feeds.registry import FeedSpec
from faultline.feeds.state import FeedState, apply_result

NOW = datetime(2026, 8, 13, 12, 0, tzinfo=UTC)
FEED = FeedSpec(id="f", url="https://x.example/rss", interval=600)
POLICY = PollPolicy(jitter=0.1, min_interval=60, backoff_max=3 * 3600)


def _after(state: FeedState, **kw) -> FeedState:
    return apply_result(state, PollResult(feed_id="f", **kw), FEED, POLICY, NOW)


def _due_in(state: FeedState) -> float:
    return (state.next_due - NOW).total_seconds()


def test_success_stores_validators_and_schedules_the_interval():
    st = _after(FeedState("f", consecutive_failures=3), outcome="ok", http_status=200, entries=12, published=5,
                duplicates=7, etag='"v2"', last_modified="Wed, 12 Aug 2026 10:00:00 GMT", bozo="SAXParseException")
    assert (st.etag, st.last_modified) == ('"v2"', "Wed, 12 Aug 2026 10:00:00 GMT")
    assert st.consecutive_failures == 0 and st.last_success == NOW and st.items_seen == 12
    assert (st.published_total, st.duplicates_total, st.polls) == (5, 7, 1)
    assert st.bozo == "SAXParseException"
    assert 540 <= _due_in(st) <= 660


def test_hints_stretch_the_next_poll():
    st = _after(FeedState("f"), outcome="ok", http_status=200, hint_seconds=3600)
    assert 3240 <= _due_in(st) <= 3960


def test_not_modified_keeps_validators_and_counts():
    before = FeedState("f", etag='"v1"', items_seen=9, published_total=20)
    st = _after(before, outcome="not_modified", http_status=304)
    assert st.etag == '"v1"' and st.items_seen == 9 and st.published_total == 20
    assert st.last_outcome == "not_modified" and st.last_success == NOW


def test_failures_back_off_exponentially_and_keep_validators():
    st = FeedState("f", etag='"v1"')
    dues = []
    for _ in range(6):
        st = _after(st, outcome="failed", http_status=500, error="HTTP 500")
        dues.append(_due_in(st))
    assert st.consecutive_failures == 6 and st.etag == '"v1"' and st.last_error == "HTTP 500"
    assert 540 <= dues[0] <= 660 and 1080 <= dues[1] <= 1320
    assert dues[-1] <= POLICY.backoff_max * 1.1
    assert dues[-1] > dues[0] * 8


def test_retry_after_is_honoured():
    st = _after(FeedState("f"), outcome="failed", http_status=429, retry_after=7000, error="HTTP 429")
    assert _due_in(st) >= 7000


def test_publish_failure_keeps_validators_and_the_feeds_pace():
    before = FeedState("f", etag='"v1"', last_modified="old", consecutive_failures=2)
    st = _after(before, outcome="publish_failed", http_status=200, etag='"v2"', published=3, error="broker")
    assert (st.etag, st.last_modified) == ('"v1"', "old")
    assert st.consecutive_failures == 2 and st.published_total == 3 and st.last_error == "broker"
    assert 540 <= _due_in(st) <= 660  # the feed's interval: no harder polling because the broker is away


def test_round_trip_through_json_types():
    st = _after(FeedState("f"), outcome="ok", http_status=200, etag="e")
    again = FeedState.from_dict({**st.to_dict(), "unknown": 1, "last_error_at": "not a date"})
    assert again == st
    assert isinstance(again.next_due, datetime) and again.next_due - NOW < timedelta(hours=1)
