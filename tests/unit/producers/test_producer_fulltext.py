"""Optional full text with trafilatura, from a page on a local server (skipped without the extra)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from faultline.feeds.config import FetchLimits, FulltextOptions
from faultline.schema import Article
from producers.fetch import Fetcher

pytest.importorskip("trafilatura")

from producers.fulltext import FullText  # noqa: E402

PARAGRAPHS = [
    "Two drones were shot down near the airport of Erbil late on Tuesday, the regional security council said.",
    "Officials said air defences intercepted both aircraft before they reached the base, and nobody was hurt.",
    "The council said it was investigating where the drones had been launched from and who had launched them.",
    "Residents reported hearing several loud explosions across the northern part of the city shortly before.",
]
PAGE = ("<html><head><title>Drones over Erbil</title></head><body><nav><a href='/'>Home</a> | <a href='/w'>World</a>"
        "</nav><article><h1>Drones shot down near Erbil airport</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</article><footer>Copyright Example News. All rights reserved.</footer></body></html>").encode()


def _article(url: str | None, summary: str = "Two drones were shot down.") -> Article:
    now = datetime(2026, 8, 13, tzinfo=UTC)
    return Article(article_id="a" * 32, url=url, title="Drones", summary=summary, published=now, fetched_at=now)


async def test_the_page_text_replaces_a_short_summary(server):
    url = server.feed("/story", PAGE, content_type="text/html; charset=utf-8")
    async with Fetcher(FetchLimits(allow_private=True)) as fetcher:
        ft = FullText(fetcher, FulltextOptions(enabled=True, concurrency=2), max_text_chars=100_000)
        missing = _article(server.url("/gone"))
        enriched, kept, no_url = await ft.enrich([_article(url), missing, _article(None)])
    assert all(p in enriched.content for p in PARAGRAPHS)
    assert "Copyright" not in enriched.content and "Home" not in enriched.content
    assert kept == missing and no_url.content == ""
    assert ft.failures == 1


async def test_a_longer_feed_text_is_kept(server):
    url = server.feed("/story", PAGE, content_type="text/html")
    long_summary = "word " * 2000
    async with Fetcher(FetchLimits(allow_private=True)) as fetcher:
        ft = FullText(fetcher, FulltextOptions(enabled=True), max_text_chars=100_000)
        (art,) = await ft.enrich([_article(url, long_summary)])
    assert art.content == ""
