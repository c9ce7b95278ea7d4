"""Entries and replay records to Articles: ids, clean text, UTC dates, language, flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from faultline.errors import DataError
from faultline.feeds.normalise import FeedContext, NormaliseOptions, article_from_record, normalise_entry
from faultline.feeds.parse import parse_feed
from faultline.feeds.registry import FeedSpec
from faultline.feeds.urls import article_id_for_guid, article_id_for_url
from faultline.schema import FLAG_FUTURE_DATED, FLAG_STALE

NOW = datetime(2026, 8, 13, 12, 0, tzinfo=UTC)
OPTS = NormaliseOptions(future_tolerance=timedelta(minutes=15), stale_after=timedelta(hours=48))
URL = "https://news.example/rss"

FEED_XML = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title> Example  News </title><language>en-gb</language>
<item>
  <title><![CDATA[Drone strike near <b>Erbil</b> airport &amp; base]]></title>
  <link>https://news.example/world/erbil-strike?utm_source=rss&amp;utm_medium=feed#top</link>
  <guid isPermaLink="false">erbil-1</guid>
  <pubDate>Thu, 13 Aug 2026 11:30:00 +0300</pubDate>
  <description>&lt;p&gt;Two drones were shot down.&lt;/p&gt;</description>
  <content:encoded><![CDATA[<p>Two drones were shot down.</p><p>Officials in Erbil said no one was hurt.</p>
    <script>track()</script>]]></content:encoded>
  <dc:creator>Jane Doe</dc:creator>
  <category>Middle East</category><category>Iraq</category><category>Iraq</category>
</item>
<item><title>No date, only a guid</title><guid isPermaLink="false">tag:news.example,2026:42</guid></item>
<item><title>Dated next year</title><link>https://news.example/future</link>
  <pubDate>Fri, 13 Aug 2027 10:00:00 GMT</pubDate></item>
<item><title>Old news</title><link>https://news.example/old</link><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>
<item><title>Nothing to identify me</title><description>no link, no guid</description></item>
</channel></rss>"""


def _entries(feed: FeedSpec):
    parsed = parse_feed(FEED_XML, {"content-type": "application/rss+xml"}, URL, max_expansion=10**6)
    ctx = FeedContext.of(feed, parsed)
    return [normalise_entry(e, ctx, NOW, OPTS) for e in parsed.entries]


def test_a_full_entry():
    first = _entries(FeedSpec(id="example-world", url=URL, outlet="Example"))[0]
    assert first.article_id == article_id_for_url("https://news.example/world/erbil-strike")
    assert first.url == "https://news.example/world/erbil-strike" and first.guid == "erbil-1"
    assert first.title == "Drone strike near Erbil airport & base"
    assert first.summary == "Two drones were shot down."
    assert first.content == "Two drones were shot down.\n\nOfficials in Erbil said no one was hurt."
    assert first.published == datetime(2026, 8, 13, 8, 30, tzinfo=UTC) and first.published_from == "feed"
    assert first.fetched_at == NOW and first.flags == []
    assert (first.language, first.outlet, first.feed_id) == ("en", "Example", "example-world")
    assert first.authors == ["Jane Doe"] and first.categories == ["Middle East", "Iraq"]
    assert first.breaking_eligible


def test_guid_only_dates_and_flags():
    _, guid_only, future, old, unidentified = _entries(FeedSpec(id="example-world", url=URL))
    assert guid_only.article_id == article_id_for_guid("tag:news.example,2026:42", "example-world")
    assert guid_only.url is None and guid_only.published == NOW and guid_only.published_from == "first_seen"
    assert future.flags == [FLAG_FUTURE_DATED] and not future.breaking_eligible
    assert old.flags == [FLAG_STALE] and not old.breaking_eligible
    assert unidentified is None
    assert guid_only.outlet == "Example News"  # the feed's own title when the registry names no outlet


def test_registry_language_wins_over_the_feed():
    first = _entries(FeedSpec(id="f", url=URL, language="ar"))[0]
    assert first.language == "ar"


def test_language_is_detected_when_nobody_says():
    xml = FEED_XML.replace(b"<language>en-gb</language>", b"")
    parsed = parse_feed(xml, {"content-type": "application/rss+xml"}, URL, max_expansion=10**6)
    ctx = FeedContext.of(FeedSpec(id="f", url=URL), parsed)
    assert ctx.language is None
    assert normalise_entry(parsed.entries[0], ctx, NOW, OPTS).language == "en"
    no_detect = NormaliseOptions(detect_language=False)
    assert normalise_entry(parsed.entries[0], ctx, NOW, no_detect).language is None


def test_text_is_capped():
    parsed = parse_feed(FEED_XML, {"content-type": "application/rss+xml"}, URL, max_expansion=10**6)
    ctx = FeedContext.of(FeedSpec(id="f", url=URL), parsed)
    art = normalise_entry(parsed.entries[0], ctx, NOW, NormaliseOptions(max_text_chars=20))
    assert len(art.content) <= 20 and len(art.summary) <= 20


# ---- replay records --------------------------------------------------------------------------

def test_record_with_url_and_every_optional_field():
    rec = {"id": "x-1", "url": "https://news.example/a?utm_source=x", "title": " A  title ", "text": "Body\r\n\r\n\r\ntext",
           "published": "2026-08-13T10:00:00+02:00", "outlet": "Wire", "feed_id": "wire-en", "language": "en-US"}
    art = article_from_record(rec, NOW, OPTS)
    assert art.article_id == article_id_for_url("https://news.example/a") and art.guid == "x-1"
    assert (art.title, art.content, art.summary) == ("A title", "Body\n\ntext", "")
    assert art.published == datetime(2026, 8, 13, 8, tzinfo=UTC) and art.published_from == "input"
    assert (art.outlet, art.feed_id, art.language, art.flags) == ("Wire", "wire-en", "en", [])


def test_record_derives_what_is_missing():
    rec = {"id": "bbc-business-001", "source": "BBC News", "title": "Ad sales boost profit",
           "text": "Quarterly profits at the media group rose sharply in the three months to December."}
    art = article_from_record(rec, NOW, OPTS)
    assert art.feed_id == "bbc-news" and art.outlet == "BBC News"
    assert art.article_id == article_id_for_guid("bbc-business-001", "bbc-news")
    assert art.published == NOW and art.published_from == "first_seen"
    assert art.language == "en"
    old = article_from_record({**rec, "published": "19-OCT-1987 13:30:41.59"}, NOW, OPTS)
    assert old.flags == [FLAG_STALE] and old.published.year == 1987


@pytest.mark.parametrize("rec, message", [
    ({"text": "t", "url": "https://a.example/"}, "'title'"),
    ({"title": "t", "url": "https://a.example/"}, "'text'"),
    ({"title": "t", "text": 5, "id": "1"}, "'text'"),
    ({"title": "t", "text": "x"}, "'url' or 'id'"),
    ({"title": "t", "text": "x", "id": True}, "'url' or 'id'"),
    (["not", "an", "object"], "JSON object"),
])
def test_invalid_records(rec, message):
    with pytest.raises(DataError, match=message):
        article_from_record(rec, NOW, OPTS)
