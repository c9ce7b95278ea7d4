"""Dates to UTC and the flags that keep badly dated articles out of breaking news."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from faultline.feeds.dates import date_flags, parse_date, struct_to_utc
from faultline.schema import FLAG_FUTURE_DATED, FLAG_STALE

NOW = datetime(2026, 8, 13, 12, 0, tzinfo=UTC)


def test_feedparser_struct_time_is_utc():
    st = time.struct_time((2026, 8, 13, 3, 54, 9, 3, 225, 0))
    assert struct_to_utc(st) == datetime(2026, 8, 13, 3, 54, 9, tzinfo=UTC)
    assert struct_to_utc((2026, 6, 30, 23, 59, 60, 0, 0, 0)) == datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("bad", [None, (), (0, 1, 1, 0, 0, 0, 0, 0, 0), (2026, 13, 1, 0, 0, 0, 0, 0, 0),
                                 (1850, 1, 1, 0, 0, 0, 0, 0, 0), "garbage"])
def test_unusable_struct_time(bad):
    assert struct_to_utc(bad) is None


@pytest.mark.parametrize("text, expected", [
    ("Thu, 13 Aug 2026 03:54:09 +0300", datetime(2026, 8, 13, 0, 54, 9, tzinfo=UTC)),
    ("Thu, 13 Aug 2026 03:54:09 GMT", datetime(2026, 8, 13, 3, 54, 9, tzinfo=UTC)),
    ("2026-08-13T03:54:09Z", datetime(2026, 8, 13, 3, 54, 9, tzinfo=UTC)),
    ("2026-08-13T05:54:09+02:00", datetime(2026, 8, 13, 3, 54, 9, tzinfo=UTC)),
    ("2026-08-13 03:54:09", datetime(2026, 8, 13, 3, 54, 9, tzinfo=UTC)),
    ("2026-08-13", datetime(2026, 8, 13, tzinfo=UTC)),
    ("11 May 2025", datetime(2025, 5, 11, tzinfo=UTC)),
    ("19-OCT-1987 13:30:41.59", datetime(1987, 10, 19, 13, 30, 41, 590000, tzinfo=UTC)),
    ("May 11, 2025", datetime(2025, 5, 11, tzinfo=UTC)),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", [None, "", "   ", "yesterday", "31 Febtember 2025", "0001-01-01T00:00:00Z"])
def test_unparseable_dates(text):
    assert parse_date(text) is None


def test_flags():
    opts = dict(future_tolerance=timedelta(minutes=15), stale_after=timedelta(hours=48))
    assert date_flags(NOW, NOW, **opts) == []
    assert date_flags(NOW + timedelta(minutes=14), NOW, **opts) == []
    assert date_flags(NOW + timedelta(minutes=16), NOW, **opts) == [FLAG_FUTURE_DATED]
    assert date_flags(NOW - timedelta(hours=47), NOW, **opts) == []
    assert date_flags(NOW - timedelta(hours=49), NOW, **opts) == [FLAG_STALE]
