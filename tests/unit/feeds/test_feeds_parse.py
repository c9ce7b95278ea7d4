"""feedparser over fetched bytes: hints, bozo feeds, encodings, non-feeds, entity-expansion refusal."""

from __future__ import annotations

import pytest

from faultline.feeds.parse import (
    EntityExpansionRefused,
    NotAFeed,
    check_entity_expansion,
    feedparser_headers,
    parse_feed,
)

URL = "https://news.example/feeds/world.xml"
LIMIT = 1_000_000

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel><title>Example World</title><link>https://news.example/</link><language>fr-FR</language>
<ttl>30</ttl><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>
<item><title>Frappes près de Bassora</title><link>/world/1</link><guid>n-1</guid>
<pubDate>Thu, 13 Aug 2026 03:54:09 +0300</pubDate><description>Texte « à la une »</description></item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Example</title>
<entry><title>One</title><id>tag:news.example,2026:1</id><link href="https://news.example/one"/>
<updated>2026-08-13T10:00:00Z</updated><summary>First</summary></entry></feed>"""


def test_rss_with_hints_and_relative_links():
    parsed = parse_feed(RSS, {"Content-Type": "application/rss+xml"}, URL, max_expansion=LIMIT)
    assert parsed.version == "rss20" and parsed.bozo_reason is None
    assert parsed.title == "Example World" and parsed.language == "fr-FR"
    assert parsed.hint_seconds == 1800  # the larger of <ttl> (30 min) and sy:updatePeriod (hourly/4 = 15 min)
    assert parsed.entries[0]["link"] == "https://news.example/world/1"
    assert parsed.entries[0]["title"] == "Frappes près de Bassora"


def test_atom():
    parsed = parse_feed(ATOM, {"content-type": "application/atom+xml"}, URL, max_expansion=LIMIT)
    assert parsed.version == "atom10" and parsed.entries[0]["id"] == "tag:news.example,2026:1"


def test_missing_content_type_does_not_turn_utf8_into_latin1():
    parsed = parse_feed(RSS, {}, URL, max_expansion=LIMIT)
    assert parsed.entries[0]["title"] == "Frappes près de Bassora"
    assert feedparser_headers({}, URL)["content-type"] == "application/xml"


def test_content_location_is_resolved_against_the_final_url():
    headers = feedparser_headers({"Content-Location": "/mirror/world.xml", "Content-Language": "ar"}, URL)
    assert headers["content-location"] == "https://news.example/mirror/world.xml"
    assert headers["content-language"] == "ar"


def test_ill_formed_feeds_with_entries_are_accepted_with_a_reason():
    broken = RSS.replace(b"</channel></rss>", b"<item><title>Unclosed</item></channel>")
    parsed = parse_feed(broken, {"content-type": "application/rss+xml"}, URL, max_expansion=LIMIT)
    assert parsed.bozo_reason and "SAXParseException" in parsed.bozo_reason
    assert any(e.get("title") == "Frappes près de Bassora" for e in parsed.entries)


def test_a_declared_charset_that_lies_is_recorded():
    latin = RSS.replace(b'encoding="utf-8"', b'encoding="iso-8859-1"').decode().encode("latin-1")
    parsed = parse_feed(latin, {"content-type": "text/xml; charset=utf-8"}, URL, max_expansion=LIMIT)
    assert parsed.bozo_reason and parsed.entries


@pytest.mark.parametrize("body", [b"<html><body><p>Not a feed</p></body></html>", b"", b"\x00\x01\x02 garbage",
                                  b"{\"json\": true}"])
def test_not_a_feed(body):
    with pytest.raises(NotAFeed):
        parse_feed(body, {"content-type": "text/html"}, URL, max_expansion=LIMIT)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<rss version="2.0"><channel><item><title>&f;</title><link>https://x.example/1</link></item></channel></rss>"""


def test_billion_laughs_is_refused():
    with pytest.raises(EntityExpansionRefused, match="expand"):
        parse_feed(BILLION_LAUGHS, {}, URL, max_expansion=LIMIT)


def test_quadratic_blowup_is_refused():
    big = b"x" * 50_000
    body = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY big "' + big + b'">\n]>\n<rss version="2.0"><channel>'
            + b"<item><title>" + b"&big;" * 100 + b"</title></item></channel></rss>")
    with pytest.raises(EntityExpansionRefused):
        check_entity_expansion(body, LIMIT)


def test_external_entities_are_refused_even_in_utf16():
    body = ('<?xml version="1.0" encoding="utf-16"?>\n<!DOCTYPE rss [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n'
            '<rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>').encode("utf-16")
    with pytest.raises(EntityExpansionRefused, match="external"):
        parse_feed(body, {}, URL, max_expansion=LIMIT)


def test_small_entities_and_external_dtd_modules_are_fine():
    body = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY % HTMLlat1 PUBLIC "-//W3C//ENTITIES Latin 1//EN" '
            b'"http://www.w3.org/TR/xhtml1/DTD/xhtml-lat1.ent">\n<!ENTITY site "tag:example.com,">\n]>\n'
            b'<rss version="2.0"><channel><item><guid isPermaLink="false">&site;2026:1</guid></item></channel></rss>')
    parsed = parse_feed(body, {}, URL, max_expansion=LIMIT)
    assert parsed.entries[0]["id"] == "tag:example.com,2026:1"
