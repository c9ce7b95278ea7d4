"""One response to articles: an odd entry is set aside for the dead-letter topic, the rest go on."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

import faultline.feeds.digest as digest_mod
from faultline.feeds.digest import digest_feed
from faultline.feeds.normalise import NormaliseOptions
from faultline.feeds.outcome import PollResult, RunSummary, http_disposition
from faultline.feeds.parse import NotAFeed
from faultline.feeds.registry import FeedSpec

NOW = datetime(2026, 8, 13, tzinfo=UTC)
FEED = FeedSpec(id="f", url="https://x.example/rss", outlet="X")
BODY = b"""<rss version="2.0"><channel><title>X</title>
<item><title>one</title><link>https://x.example/1</link></item>
<item><title>two</title><link>https://x.example/2</link></item>
<item><title>three, unidentified</title></item>
</channel></rss>"""


def _digest(body=BODY):
    return digest_feed(FEED, body, {"content-type": "application/rss+xml"}, FEED.url, NOW, NormaliseOptions(),
                       max_expansion=10**6)


def test_entries_become_articles_and_unidentified_are_counted():
    d = _digest()
    assert [a.title for a in d.articles] == ["one", "two"] and d.unidentified == 1 and d.failures == []


def test_an_entry_that_breaks_normalisation_becomes_a_failure(monkeypatch):
    real = digest_mod.normalise_entry

    def flaky(entry, *args):
        if entry.get("title") == "one":
            raise ValueError("cannot normalise")
        return real(entry, *args)

    monkeypatch.setattr(digest_mod, "normalise_entry", flaky)
    d = _digest()
    assert [a.title for a in d.articles] == ["two"]
    assert len(d.failures) == 1 and "cannot normalise" in str(d.failures[0].error)
    assert json.loads(d.failures[0].payload)["title"] == "one"


def test_not_a_feed_raises():
    with pytest.raises(NotAFeed):
        _digest(b"<html><body>maintenance</body></html>")


def test_http_disposition():
    assert [http_disposition(s) for s in (200, 203, 304, 204, 206, 404, 410, 429, 500, 503)] == [
        "parse", "parse", "not_modified", "failed", "failed", "failed", "failed", "failed", "failed", "failed"]


def test_run_summary_adds_up():
    s = RunSummary()
    s.add(PollResult("a", "ok", entries=10, published=7, duplicates=3, bozo="SAXParseException"))
    s.add(PollResult("b", "not_modified"))
    s.add(PollResult("c", "failed", error="HTTP 404"))
    s.add(PollResult("d", "publish_failed", entries=2, publish_failures=2, error="broker"))
    assert (s.feeds, s.ok, s.not_modified, s.failed, s.publish_failed) == (4, 1, 1, 1, 1)
    assert (s.entries, s.published, s.duplicates, s.publish_failures, s.bozo) == (12, 7, 3, 2, 1)
    assert s.failures == {"c": "HTTP 404", "d": "broker"}
    text = "\n".join(s.lines())
    assert "1 ok, 1 not modified, 1 failed" in text and "articles published 7" in text
    assert s.to_dict()["published"] == 7
