"""Polling policy: hints honoured (within reason), backoff, jitter; all pure functions of `now`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from faultline.feeds.policy import (
    PollPolicy,
    backoff_delay,
    cache_control_seconds,
    feed_hint_seconds,
    first_poll_offset,
    jittered,
    poll_interval,
    retry_after_seconds,
)

NOW = datetime(2026, 8, 13, 12, 0, tzinfo=UTC)
POLICY = PollPolicy(default_interval=900, min_interval=60, max_hint=3600, jitter=0.1, backoff_max=6 * 3600)


@pytest.mark.parametrize("ttl, period, freq, expected", [
    ("60", None, None, 3600), (15, None, None, 900), (None, "hourly", "2", 1800), (None, "daily", None, 86400),
    ("5", "hourly", "1", 3600), ("0", None, None, None), ("soon", "sometimes", "x", None), (None, None, None, None),
    (None, "HOURLY", "0", 3600),
])
def test_feed_hints(ttl, period, freq, expected):
    assert feed_hint_seconds(ttl, period, freq) == expected


@pytest.mark.parametrize("header, expected", [
    ("max-age=300", 300), ("public, s-maxage=600, max-age=60", 600), ("no-cache, max-age=300", None),
    ("private", None), (None, None), ('max-age="120"', 120),
])
def test_cache_control(header, expected):
    assert cache_control_seconds(header) == expected


def test_retry_after():
    assert retry_after_seconds("120", NOW) == 120
    assert retry_after_seconds("Thu, 13 Aug 2026 12:30:00 GMT", NOW) == 1800
    assert retry_after_seconds("Thu, 13 Aug 2026 11:00:00 GMT", NOW) == 0
    assert retry_after_seconds("whenever", NOW) is None
    assert retry_after_seconds("", NOW) is None


def test_hints_stretch_the_interval_up_to_a_cap_and_never_shorten_it():
    assert poll_interval(None, POLICY) == 900
    assert poll_interval(300, POLICY, 1800) == 1800
    assert poll_interval(300, POLICY, 86400) == 3600  # a 'daily' feed is still looked at hourly
    assert poll_interval(1200, POLICY, 600) == 1200
    assert poll_interval(7200, POLICY, 86400) == 7200  # the operator's longer interval wins
    assert poll_interval(5, POLICY) == 60  # never more often than min_interval
    assert poll_interval(300, POLICY, None, 0) == 300


def test_backoff_doubles_per_failure_up_to_the_cap():
    delays = [backoff_delay(300, n, POLICY) for n in range(1, 10)]
    assert delays[:4] == [300, 600, 1200, 2400]
    assert delays[-1] == POLICY.backoff_max
    assert delays == sorted(delays)


def test_backoff_honours_retry_after_within_the_cap():
    assert backoff_delay(300, 1, POLICY, retry_after=5000) == 5000
    assert backoff_delay(300, 1, POLICY, retry_after=10**9) == POLICY.backoff_max
    assert backoff_delay(300, 1, POLICY, retry_after=10) == 300


def test_jitter_is_bounded_deterministic_and_spreads_feeds():
    values = [jittered(1000, POLICY, f"feed-{i}", 1) for i in range(200)]
    assert all(900 <= v <= 1100 for v in values)
    assert len({round(v) for v in values}) > 100
    assert jittered(1000, POLICY, "feed-1", 1) == jittered(1000, POLICY, "feed-1", 1)
    assert jittered(1000, POLICY, "feed-1", 1) != jittered(1000, POLICY, "feed-1", 2)
    assert jittered(1000, PollPolicy(jitter=0), "x", 1) == 1000


def test_first_polls_are_spread_over_the_startup_window():
    offsets = [first_poll_offset(f"feed-{i}", 900, POLICY) for i in range(500)]
    assert all(0 <= o < POLICY.startup_spread for o in offsets)
    assert max(offsets) - min(offsets) > 0.8 * POLICY.startup_spread
    assert first_poll_offset("f", 10, POLICY) < 10


def test_policy_rejects_nonsense():
    with pytest.raises(ValueError):
        PollPolicy(jitter=1.5)
    with pytest.raises(ValueError):
        PollPolicy(default_interval=0)


def test_no_clock_is_read():
    later = NOW + timedelta(days=365)
    assert retry_after_seconds("Thu, 13 Aug 2026 12:30:00 GMT", later) == 0
