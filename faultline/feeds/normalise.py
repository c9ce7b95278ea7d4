"""Feed entries and replay records to ``schema.Article``: ids, clean text, UTC dates, language, flags."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from faultline.errors import DataError
from faultline.feeds.dates import date_flags, parse_date, struct_to_utc
from faultline.feeds.language import detect_language, normalise_language
from faultline.feeds.parse import ParsedFeed
from faultline.feeds.registry import FeedSpec
from faultline.feeds.text import clean_text, html_to_text, one_line, plain_to_text, truncate
from faultline.feeds.urls import entry_identity
from faultline.schema import Article

MAX_TITLE_CHARS = 1000
MAX_NAMES = 50


@dataclass(frozen=True)
class NormaliseOptions:
    future_tolerance: timedelta = timedelta(minutes=15)
    stale_after: timedelta = timedelta(hours=48)
    max_text_chars: int = 100_000
    detect_language: bool = True


@dataclass(frozen=True)
class FeedContext:
    """What every article of one feed response shares."""

    feed_id: str
    outlet: str | None
    language: str | None  # the registry's, else the feed's own declaration
    base_url: str | None

    @classmethod
    def of(cls, feed: FeedSpec, parsed: ParsedFeed) -> FeedContext:
        return cls(feed_id=feed.id, outlet=feed.outlet or one_line(parsed.title) or None,
                   language=feed.language or normalise_language(parsed.language), base_url=parsed.base_url)


def normalise_entry(entry: Mapping[str, Any], ctx: FeedContext, fetched_at: datetime,
                    options: NormaliseOptions) -> Article | None:
    """One feedparser entry as an Article; None when it has neither a link nor a GUID."""
    identity = entry_identity(_str(entry.get("link")), _str(entry.get("id")), ctx.feed_id, ctx.base_url)
    if identity is None:
        return None
    limit = options.max_text_chars
    title = truncate(one_line(_detail_text(entry.get("title_detail"), entry.get("title"))), MAX_TITLE_CHARS)
    summary = truncate(_detail_text(entry.get("summary_detail"), entry.get("summary")), limit)
    content = truncate(_best_content(entry.get("content")), limit)
    if content == summary or (content and content in summary):
        content = ""
    published = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        published = struct_to_utc(entry.get(key))
        if published:
            break
    language = ctx.language or _entry_language(entry)
    if not language and options.detect_language:
        language = detect_language(" ".join(p for p in (title, summary, content[:1000]) if p))
    return Article(
        article_id=identity.article_id, url=identity.url, guid=identity.guid,
        title=title, summary=summary, content=content,
        published=published or fetched_at, published_from="feed" if published else "first_seen",
        fetched_at=fetched_at, language=language, outlet=ctx.outlet, feed_id=ctx.feed_id,
        authors=_names(_authors(entry)), categories=_names(_categories(entry)),
        flags=date_flags(published, fetched_at, future_tolerance=options.future_tolerance,
                         stale_after=options.stale_after) if published else [],
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _detail_text(detail: Any, fallback: Any) -> str:
    value = detail.get("value") if isinstance(detail, Mapping) else None
    if value is None:
        value = fallback
    if not isinstance(value, str):
        return ""
    kind = detail.get("type", "") if isinstance(detail, Mapping) else ""
    return plain_to_text(value) if kind == "text/plain" else html_to_text(value)


def _best_content(content: Any) -> str:
    if not isinstance(content, list):
        return ""
    texts = [_detail_text(c, None) for c in content if isinstance(c, Mapping)]
    return max(texts, key=len, default="")


def _entry_language(entry: Mapping[str, Any]) -> str | None:
    for key in ("title_detail", "summary_detail"):
        detail = entry.get(key)
        if isinstance(detail, Mapping) and detail.get("language"):
            return normalise_language(detail["language"])
    return None


def _authors(entry: Mapping[str, Any]) -> Iterable[Any]:
    authors = entry.get("authors")
    if isinstance(authors, list) and authors:
        return [a.get("name") if isinstance(a, Mapping) else a for a in authors]
    return [entry.get("author")]


def _categories(entry: Mapping[str, Any]) -> Iterable[Any]:
    tags = entry.get("tags")
    if not isinstance(tags, list):
        return []
    return [(t.get("term") or t.get("label")) if isinstance(t, Mapping) else t for t in tags]


def _names(values: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for v in values:
        name = one_line(v) if isinstance(v, str) else ""
        if name and name not in out:
            out.append(name[:200])
        if len(out) >= MAX_NAMES:
            break
    return out


# ---------------------------------------------------------------------------------------------
# Replay records (JSON Lines): title, text, url or id; published, outlet, feed_id, language optional


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100]


def article_from_record(record: Any, now: datetime, options: NormaliseOptions) -> Article:
    """A replay record as an Article, with absent fields derived the way feed entries derive them."""
    if not isinstance(record, Mapping):
        raise DataError("a record must be a JSON object")
    for key in ("title", "text"):
        if not isinstance(record.get(key), str):
            raise DataError(f"'{key}' is missing or not a string")
    url, rid = _str(record.get("url")), record.get("id")
    rid = str(rid) if isinstance(rid, str | int) and not isinstance(rid, bool) else None
    if not (url or rid):
        raise DataError("one of 'url' or 'id' is required")
    outlet = one_line(_str(record.get("outlet")) or _str(record.get("source"))) or None
    feed_id = one_line(_str(record.get("feed_id"))) or (_slug(outlet) if outlet else "") or "replay"
    identity = entry_identity(url, rid, feed_id)
    if identity is None:
        raise DataError("neither 'url' nor 'id' identifies the record")
    published = parse_date(_str(record.get("published")))
    title = truncate(one_line(record["title"]), MAX_TITLE_CHARS)
    content = truncate(clean_text(record["text"]), options.max_text_chars)
    language = normalise_language(_str(record.get("language")))
    if not language and options.detect_language:
        language = detect_language(f"{title} {content[:1000]}")
    return Article(
        article_id=identity.article_id, url=identity.url, guid=rid, title=title, content=content,
        published=published or now, published_from="input" if published else "first_seen", fetched_at=now,
        language=language, outlet=outlet, feed_id=feed_id,
        flags=date_flags(published, now, future_tolerance=options.future_tolerance,
                         stale_after=options.stale_after) if published else [],
    )
