"""One feed response, from bytes to articles: parse, then normalise every entry; nothing raises past here
except ``NotAFeed``/``EntityExpansionRefused`` for a body that is not a readable feed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from faultline.feeds.normalise import FeedContext, NormaliseOptions, normalise_entry
from faultline.feeds.parse import ParsedFeed, parse_feed
from faultline.feeds.registry import FeedSpec
from faultline.schema import Article


@dataclass
class EntryFailure:
    """An entry that could not become an Article: it goes to the dead-letter topic with this error."""

    payload: bytes
    error: Exception


@dataclass
class Digest:
    parsed: ParsedFeed
    articles: list[Article] = field(default_factory=list)
    unidentified: int = 0  # entries with neither link nor GUID
    failures: list[EntryFailure] = field(default_factory=list)


def digest_feed(feed: FeedSpec, body: bytes, headers: Mapping[str, str], url: str, fetched_at: datetime,
                options: NormaliseOptions, max_expansion: int) -> Digest:
    parsed = parse_feed(body, headers, url, max_expansion=max_expansion)
    ctx = FeedContext.of(feed, parsed)
    digest = Digest(parsed)
    for entry in parsed.entries:
        try:
            article = normalise_entry(entry, ctx, fetched_at, options)
        except Exception as exc:  # noqa: BLE001 - one odd entry must not cost the feed its other entries
            digest.failures.append(EntryFailure(entry_payload(entry), exc))
            continue
        if article is None:
            digest.unidentified += 1
        else:
            digest.articles.append(article)
    return digest


def entry_payload(entry: Mapping) -> bytes:
    """A feedparser entry as JSON (struct_time and other oddities as strings), for a dead letter."""
    return json.dumps(entry, default=str, ensure_ascii=False).encode("utf-8", "replace")
