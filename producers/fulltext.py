"""Optional full text: fetch each new article's page and extract its main text with trafilatura.

Off by default (``--fulltext``; install the ``fulltext`` extra). Pages go through the same fetcher, so the
same size limits and SSRF guard apply; at most ``concurrency`` pages are fetched and extracted at once.
A page that cannot be fetched or extracted leaves the article as the feed described it.
"""

from __future__ import annotations

import asyncio
import logging

from faultline.errors import ConfigError
from faultline.feeds.config import FulltextOptions
from faultline.feeds.text import clean_text, truncate
from faultline.schema import Article
from producers.fetch import HTML_ACCEPT, Fetcher, FetchError

log = logging.getLogger(__name__)


def require_trafilatura():
    try:
        import trafilatura
    except ImportError as exc:
        raise ConfigError("--fulltext needs trafilatura: pip install 'faultline[fulltext]'") from exc
    return trafilatura


class FullText:
    def __init__(self, fetcher: Fetcher, options: FulltextOptions, max_text_chars: int):
        self._trafilatura = require_trafilatura()
        self.fetcher = fetcher
        self.options = options
        self.max_text_chars = max_text_chars
        self._slots = asyncio.Semaphore(options.concurrency)
        self.failures = 0

    async def enrich(self, articles: list[Article]) -> list[Article]:
        return list(await asyncio.gather(*(self._one(a) for a in articles)))

    async def _one(self, article: Article) -> Article:
        if not article.url:
            return article
        async with self._slots:
            try:
                resp = await self.fetcher.fetch(article.url, accept=HTML_ACCEPT, max_bytes=self.options.max_bytes)
            except FetchError as exc:
                self.failures += 1
                log.debug("full text of %s: %s", article.url, exc)
                return article
            if resp.status != 200 or not resp.body:
                self.failures += 1
                return article
            text = await asyncio.to_thread(self._extract, resp.body, resp.url)
        if len(text) > len(article.body):
            return article.model_copy(update={"content": text})
        return article

    def _extract(self, body: bytes, url: str) -> str:
        try:
            extracted = self._trafilatura.extract(body, url=url, include_comments=False, include_tables=False,
                                                  favor_precision=True)
        except Exception as exc:  # noqa: BLE001 - a page trafilatura cannot read keeps the feed's text
            log.debug("trafilatura on %s: %s", url, exc)
            extracted = None
        return truncate(clean_text(extracted or ""), self.max_text_chars)
