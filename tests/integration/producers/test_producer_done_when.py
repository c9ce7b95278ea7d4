"""The producer's acceptance check: every real and edge-case feed file, served over HTTP, through the real CLI.

Each entry feedparser finds with a link or GUID is published exactly once (by article_id, across all feeds),
nothing crashes, and a second `--once` publishes nothing.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import quote

import feedparser
import pytest
from aiohttp import web
from producer_helpers import article_ids, cli, write_registry

from faultline.feeds.parse import feedparser_headers
from faultline.feeds.urls import entry_identity

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

HEADER_RE = re.compile(rb"^Header:\s*([\w-]+):[ \t]*(.*?)\s*$", re.MULTILINE)


def served_headers(body: bytes) -> dict[str, str]:
    """The HTTP headers feedparser's own test harness serves an edge file with ("Header:" comment lines)."""
    headers = {"Content-Type": "application/xml"}
    for name, value in HEADER_RE.findall(body[:4000]):
        key = name.decode("ascii").title()
        headers["Content-Type" if key == "Content-Type" else key] = value.decode("latin-1")
    return headers


def expected_ids(body: bytes, headers: dict[str, str], url: str, feed_id: str) -> set[str]:
    """What feedparser itself finds in the file: the ids of its entries that have a link or a GUID."""
    fp_headers = feedparser_headers(headers, url)
    parsed = feedparser.parse(body, response_headers=fp_headers)
    ids = set()
    for entry in parsed.entries:
        link, guid = entry.get("link"), entry.get("id")
        identity = entry_identity(link if isinstance(link, str) else None, guid if isinstance(guid, str) else None,
                                  feed_id, fp_headers["content-location"])
        if identity is not None:
            ids.add(identity.article_id)
    return ids


def test_every_shared_feed_file_is_published_exactly_once(topics, server, shared_data, tmp_path):
    settings = topics
    files = sorted(p for sub in ("real", "edge") for p in (shared_data / "feeds" / sub).rglob("*") if p.is_file())
    assert len(files) > 1800
    feeds, expected = [], set()
    for i, path in enumerate(files):
        body = path.read_bytes()
        headers = served_headers(body)
        rel = path.relative_to(shared_data / "feeds").as_posix()
        url_path = "/" + quote(rel)
        feed_id = f"f{i:04d}-" + re.sub(r"[^a-z0-9]+", "-", path.stem.lower())[:60].strip("-")

        async def handler(request, body=body, headers=headers):
            return web.Response(body=body, headers=headers)

        url = server.route(url_path, handler)
        feeds.append({"id": feed_id, "url": url, "outlet": rel})
        expected |= expected_ids(body, headers, url, feed_id)
    registry = write_registry(tmp_path / "feeds.yaml", feeds)
    home = tmp_path / "home"

    first = cli(settings, home, "produce", "--feeds", str(registry), "--once", "--json",
                "--allow-private-addresses", "--max-per-host", "16", "--max-connections", "32")
    assert first.returncode in (0, 1), first.stderr[-4000:]
    assert "Traceback" not in first.stderr, first.stderr[-4000:]
    summary = json.loads(first.stdout)
    assert summary["feeds"] == len(files) and summary["publish_failures"] == 0 and summary["publish_failed"] == 0
    published = Counter(article_ids(settings))
    assert [k for k, n in published.items() if n > 1] == [], "an article was published twice"
    assert set(published) == expected
    assert summary["published"] == len(expected) > 0

    status = json.loads(cli(settings, home, "feeds", "status", "--json").stdout)
    assert len(status["feeds"]) == len(files)

    second = cli(settings, home, "produce", "--feeds", str(registry), "--once", "--json",
                 "--allow-private-addresses", "--max-per-host", "16", "--max-connections", "32")
    assert second.returncode in (0, 1), second.stderr[-4000:]
    again = json.loads(second.stdout)
    assert again["published"] == 0 and again["feeds"] == len(files)
    assert sum(Counter(article_ids(settings)).values()) == len(expected)
