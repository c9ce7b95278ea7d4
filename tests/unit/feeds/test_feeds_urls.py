"""URL canonicalisation and article ids: the same story gets one id however it was linked."""

from __future__ import annotations

import pytest

from faultline.feeds.urls import article_id_for_guid, article_id_for_url, canonical_url, entry_identity


@pytest.mark.parametrize("raw, expected", [
    ("HTTPS://WWW.Example.COM/News/Story?b=2&a=1#comments", "https://www.example.com/News/Story?a=1&b=2"),
    ("https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"),
    ("https://example.com/a?fbclid=XYZ&gclid=1&traffic_source=rss", "https://example.com/a"),
    ("https://example.com/story?xtor=RSS-3208&at_medium=RSS", "https://example.com/story"),
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("https://example.com:8443/a", "https://example.com:8443/a"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    ("https://example.com/%7euser/%2fx%2F", "https://example.com/~user/%2Fx%2F"),
    ("https://example.com/a b", "https://example.com/a%20b"),
    ("  https://example.com/a\n\t/b  ", "https://example.com/a/b"),
    ("https://user:secret@example.com/a", "https://example.com/a"),
    ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
    ("https://example.com/a?q=x+y", "https://example.com/a?q=x%20y"),
    ("https://example.com/#!/story/42", "https://example.com/#!/story/42"),
    ("https://example.com./a", "https://example.com/a"),
])
def test_canonical_form(raw, expected):
    assert canonical_url(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "javascript:alert(1)", "mailto:a@b.c", "ftp://example.com/x",
                                 "https://", "http://exa mple.com:99999/", "not a url"])
def test_not_an_http_url(raw):
    assert canonical_url(raw) is None


def test_relative_links_resolve_against_the_feed():
    assert canonical_url("/news/1?utm_campaign=x", base="https://example.com/feed.xml") == "https://example.com/news/1"
    assert canonical_url("story.html", base="https://example.com/feeds/world/") == \
        "https://example.com/feeds/world/story.html"


def test_generic_parameters_that_name_content_are_kept():
    assert canonical_url("https://example.com/view?id=3&cid=9&source=a") == \
        "https://example.com/view?cid=9&id=3&source=a"


def test_one_story_one_id_across_schemes_trackers_and_fragments():
    ids = {article_id_for_url(canonical_url(u)) for u in (
        "http://www.example.com/world/2026/08/13/story",
        "https://www.example.com/world/2026/08/13/story?utm_source=twitter",
        "https://WWW.EXAMPLE.COM/world/2026/08/13/story#top",
    )}
    assert len(ids) == 1


def test_different_stories_different_ids():
    a = article_id_for_url(canonical_url("https://example.com/a"))
    b = article_id_for_url(canonical_url("https://example.com/b"))
    c = article_id_for_url(canonical_url("https://example.com/a?page=2"))
    assert len({a, b, c}) == 3
    assert len(a) == 32 and int(a, 16) >= 0


def test_guid_ids_are_scoped_by_feed():
    assert article_id_for_guid("42", "feed-a") != article_id_for_guid("42", "feed-b")
    assert article_id_for_guid(" 42 ", "feed-a") == article_id_for_guid("42", "feed-a")


def test_identity_prefers_the_link_then_the_guid():
    by_link = entry_identity("https://example.com/a?utm_source=x", "guid-1", "f")
    assert by_link.url == "https://example.com/a" and by_link.guid == "guid-1"
    assert by_link.article_id == article_id_for_url("https://example.com/a")
    by_guid = entry_identity(None, "tag:example.com,2026:1", "f")
    assert by_guid.url is None and by_guid.article_id == article_id_for_guid("tag:example.com,2026:1", "f")
    odd_link = entry_identity("javascript:void(0)", None, "f")
    assert odd_link is not None and odd_link.url is None
    assert entry_identity(None, None, "f") is None
    assert entry_identity("  ", "   ", "f") is None
