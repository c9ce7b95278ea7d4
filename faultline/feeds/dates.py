"""Dates to UTC, and the flags that keep a wrongly dated article from ever passing for breaking news."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from faultline.schema import FLAG_FUTURE_DATED, FLAG_STALE

# Formats seen in news archives that neither ISO 8601 nor RFC 2822 parsing accepts.
_EXTRA_FORMATS = (
    "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%d-%b-%Y %H:%M:%S.%f", "%d-%b-%Y %H:%M:%S",
    "%d-%b-%Y", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d", "%d/%m/%Y %H:%M", "%d.%m.%Y %H:%M", "%d.%m.%Y",
)
_MIN_YEAR = 1900


def struct_to_utc(value: time.struct_time | tuple | None) -> datetime | None:
    """feedparser's ``*_parsed`` fields (already in UTC) as an aware datetime; None when unusable."""
    if not value:
        return None
    try:
        year, month, day, hour, minute, second = (int(v) for v in tuple(value)[:6])
        return _plausible(datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC))
    except (TypeError, ValueError, OverflowError):
        return None


def parse_date(text: str | None) -> datetime | None:
    """A date string in any common form, as UTC. Dates without a zone are taken as UTC."""
    if not text or not text.strip():
        return None
    text = " ".join(text.split())
    candidates = [text]
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        candidates.append(text.replace(" ", "T", 1).replace("Z", "+00:00"))
    for candidate in candidates:
        try:
            return _plausible(_as_utc(datetime.fromisoformat(candidate)))
        except ValueError:
            pass
    try:
        return _plausible(_as_utc(parsedate_to_datetime(text)))
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _EXTRA_FORMATS:
        try:
            return _plausible(datetime.strptime(text, fmt).replace(tzinfo=UTC))
        except ValueError:
            continue
    return None


def _as_utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _plausible(dt: datetime) -> datetime | None:
    return dt if dt.year >= _MIN_YEAR else None


def date_flags(published: datetime, now: datetime, *, future_tolerance: timedelta,
               stale_after: timedelta) -> list[str]:
    """``future_dated`` beyond the tolerance, ``stale`` when older than the horizon; else nothing."""
    if published > now + future_tolerance:
        return [FLAG_FUTURE_DATED]
    if published < now - stale_after:
        return [FLAG_STALE]
    return []
