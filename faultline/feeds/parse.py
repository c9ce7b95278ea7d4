"""Parse fetched bytes with feedparser, never a URL, and keep what the producer needs from the result.

"Bozo" feeds (not well-formed XML, wrong encoding declaration, ...) are accepted when feedparser still
finds entries; the reason is kept for the feed's status. Entity expansion is refused before parsing:
feedparser drops most entity declarations and expat limits amplification, but a document whose declared
entities could expand beyond the size limit is not worth a parser's time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import feedparser

from faultline.errors import DataError
from faultline.feeds.policy import feed_hint_seconds

_XML_TYPES_RE = re.compile(r"(xml|rss|atom|rdf)", re.IGNORECASE)
_ENTITY_DECL_RE = re.compile(r"<!ENTITY\s+(%\s+)?([^\s\"'>]+)\s+(SYSTEM|PUBLIC|\"([^\"]*)\"|'([^']*)')")
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
    (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"),
)


class NotAFeed(DataError):
    """The body is not a feed feedparser can read anything from."""


class EntityExpansionRefused(DataError):
    """The document declares entities that could expand beyond the size limit."""


@dataclass
class ParsedFeed:
    entries: list[Mapping[str, Any]]
    version: str
    title: str | None
    language: str | None
    link: str | None
    bozo_reason: str | None
    hint_seconds: int | None  # from <ttl> or sy:updatePeriod
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)


def feedparser_headers(http_headers: Mapping[str, str], url: str) -> dict[str, str]:
    """The response headers feedparser should see.

    feedparser reads a header set without Content-Type as ``text/plain``-like and decodes as Latin-1, so a
    missing type becomes ``application/xml`` (the document's own declaration then decides the encoding).
    ``Content-Location`` is made absolute against the URL the body came from, for relative links.
    """
    lower = {k.lower(): v for k, v in http_headers.items()}
    out = {"content-type": lower.get("content-type") or "application/xml"}
    if lower.get("content-language"):
        out["content-language"] = lower["content-language"]
    out["content-location"] = urljoin(url, lower.get("content-location") or "") or url
    return out


def parse_feed(body: bytes, http_headers: Mapping[str, str], url: str, *, max_expansion: int) -> ParsedFeed:
    """Parse ``body`` (fetched from ``url``). Raises ``NotAFeed`` or ``EntityExpansionRefused``."""
    check_entity_expansion(body, max_expansion)
    headers = feedparser_headers(http_headers, url)
    try:
        result = feedparser.parse(body, response_headers=headers, resolve_relative_uris=True,
                                  sanitize_html=True)
    except Exception as exc:  # noqa: BLE001 - feedparser must not take the producer down
        raise NotAFeed(f"feedparser failed: {type(exc).__name__}: {exc}") from exc
    entries = list(result.get("entries") or [])
    version = result.get("version") or ""
    bozo = _bozo_reason(result)
    if not entries and not version:
        raise NotAFeed(f"not a feed ({bozo or 'no RSS, Atom or RDF root element'})")
    feed = result.get("feed") or {}
    return ParsedFeed(
        entries=entries,
        version=version or "unknown",
        title=feed.get("title"),
        language=feed.get("language") or headers.get("content-language"),
        link=feed.get("link"),
        bozo_reason=bozo,
        hint_seconds=feed_hint_seconds(feed.get("ttl"), feed.get("sy_updateperiod"), feed.get("sy_updatefrequency")),
        base_url=headers["content-location"],
        headers=headers,
    )


def _bozo_reason(result: Mapping[str, Any]) -> str | None:
    if not result.get("bozo"):
        return None
    exc = result.get("bozo_exception")
    text = f"{type(exc).__name__}: {exc}" if exc is not None else "not well-formed"
    return text[:500]


def sniff_text(body: bytes, limit: int = 65536) -> str:
    """The start of the document as text, decoded by its BOM or its first bytes (UTF-16/32 aware)."""
    head = body[:limit]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return head.decode(codec, "ignore")
    return head.decode("latin-1")


def check_entity_expansion(body: bytes, limit: int) -> None:
    """Refuse a document whose internal DTD declares external entities, or entities whose references
    could expand to more than ``limit`` characters (billion laughs, quadratic blow-up)."""
    head = sniff_text(body)
    if "<!ENTITY" not in head:
        return
    text = head if len(body) <= len(head) else sniff_text(body, len(body))
    values: dict[str, str] = {}
    for m in _ENTITY_DECL_RE.finditer(text):
        parameter, name, kind = m.group(1), m.group(2), m.group(3)
        if kind in ("SYSTEM", "PUBLIC"):
            if parameter:
                continue  # an external parameter entity (a DTD module): feedparser never loads it
            raise EntityExpansionRefused(f"external entity {name!r} declared")
        values[name] = m.group(4) if m.group(4) is not None else (m.group(5) or "")
    if not values:
        return
    sizes: dict[str, int] = {}

    def size(name: str, depth: int = 0) -> int:
        if name in sizes:
            return sizes[name]
        if depth > 8:
            raise EntityExpansionRefused(f"entity {name!r} nests too deeply")
        value = values.get(name, "")
        total = len(value)
        for ref in re.findall(r"&([^;#\s&]+);", value):
            if ref in values:
                total += size(ref, depth + 1)
        sizes[name] = total
        return total

    expansion = 0
    for name in values:
        refs = text.count(f"&{name};")
        if refs:
            expansion += refs * size(name)
            if expansion > limit:
                raise EntityExpansionRefused(
                    f"declared entities would expand to more than {limit} characters (entity {name!r})")
