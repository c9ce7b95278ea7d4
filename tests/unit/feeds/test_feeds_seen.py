"""The seen-index: claims for in-flight articles, marks read back from the compacted topic."""

from __future__ import annotations

from datetime import UTC, datetime

from faultline.feeds.seen import SeenIndex, Validators, article_mark, feed_mark
from faultline.schema import HEADER_RECORD_TYPE, HEADER_SCHEMA_VERSION

AT = datetime(2026, 8, 13, tzinfo=UTC)


def test_claims_split_new_pending_and_duplicates():
    idx = SeenIndex()
    first = idx.claim(["a", "b", "a"])
    assert first.new == ["a", "b"] and first.duplicates == 1 and first.pending == []
    second = idx.claim(["b", "c", "b"])  # b is being published by the first poll
    assert second.new == ["c"] and second.pending == ["b"] and second.duplicates == 1
    idx.confirm("a")
    idx.release("b")
    third = idx.claim(["a", "b"])
    assert third.duplicates == 1 and third.new == ["b"]
    assert "a" in idx and "b" not in idx and len(idx) == 1


def test_marks_round_trip_through_the_topic_format():
    idx = SeenIndex()
    art = article_mark("topic", "abc", "feed-1", AT)
    feed = feed_mark("topic", "feed-1", Validators('"e1"', "Wed, 12 Aug 2026 10:00:00 GMT"), AT)
    assert art.topic == "topic" and art.key == b"article/abc"
    assert dict(art.headers)[HEADER_SCHEMA_VERSION] == b"1"
    assert dict(feed.headers)[HEADER_RECORD_TYPE] == b"producer_seen_feed"
    idx.load(art.key, art.value)
    idx.load(feed.key, feed.value)
    assert "abc" in idx
    assert idx.validators["feed-1"] == Validators('"e1"', "Wed, 12 Aug 2026 10:00:00 GMT")


def test_tombstones_forget_and_garbage_is_counted_not_fatal():
    idx = SeenIndex()
    idx.load(b"article/x", b"{}")
    idx.load(b"feed/f", b'{"etag": "e"}')
    idx.load(b"article/x", None)
    idx.load(b"feed/f", None)
    assert "x" not in idx and "f" not in idx.validators
    for key, value in [(b"\xff\xfe", b"{}"), (b"other/1", b"{}"), (None, b"{}"), (b"feed/g", b"not json"),
                       (b"article/", b"{}")]:
        idx.load(key, value)
    assert idx.bad_records == 5 and len(idx) == 0


def test_old_marks_expire_and_tombstones_delete_them():
    from datetime import timedelta

    from faultline.feeds.seen import article_tombstone

    idx = SeenIndex()
    for article_id, days in (("old", 40), ("recent", 2)):
        mark = article_mark("topic", article_id, "feed-1", AT - timedelta(days=days))
        idx.load(mark.key, mark.value)
    idx.load(b"article/undated", b"{}")  # a mark without a time is never expired
    idx.confirm("fresh", AT)
    assert idx.claim(["claimed"]).new == ["claimed"]
    assert idx.expired(AT - timedelta(days=30)) == ["old"]
    tomb = article_tombstone("topic", "old")
    assert tomb.key == b"article/old" and tomb.value is None
    idx.load(tomb.key, tomb.value)
    assert "old" not in idx and all(a in idx for a in ("recent", "undated", "fresh"))
    idx.forget(["recent"])
    assert "recent" not in idx and len(idx) == 2
