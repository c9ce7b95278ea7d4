"""The producer on real Kafka against a local HTTP server: conditional GET, redirects, errors, timeouts, slow
servers, malformed XML, encodings, hard limits, SSRF refusal, dedup across restarts, dead letters."""

from __future__ import annotations

import asyncio
import gzip
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web
from producer_helpers import TEST_CONFIG, article_ids, articles, read_topic, run_once

from faultline.feeds.normalise import NormaliseOptions
from faultline.feeds.registry import FeedSpec
from faultline.feeds.state import FeedState
from faultline.feeds.urls import article_id_for_url
from faultline.schema import DeadLetter
from producers.status import load_states, status_path

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


def rss(*items: tuple[str, str], encoding: str = "utf-8", declare: bool = True, extra: str = "") -> bytes:
    head = f'<?xml version="1.0" encoding="{encoding}"?>\n' if declare else ""
    body = "".join(f"<item><title>{t}</title><link>{link}</link><description>{t}, in brief.</description>{extra}"
                   f"</item>" for t, link in items)
    return (head + f'<rss version="2.0"><channel><title>Test</title>{body}</channel></rss>').encode(encoding)


ITEMS = [("Strike on a depot near Basra", "https://news.example/basra"),
         ("Talks resume in Muscat", "https://news.example/muscat?utm_source=rss"),
         ("Protest in Tehran", "https://news.example/tehran")]


def feed(feed_id: str, url: str) -> FeedSpec:
    return FeedSpec(id=feed_id, url=url, outlet="Test")


def states(settings) -> dict[str, FeedState]:
    return load_states(status_path(settings))


def test_conditional_get_across_a_restart(topics, server):
    body = rss(*ITEMS)
    url = server.feed("/rss", body, conditional=True)
    first = run_once(topics, [feed("a", url)])
    assert (first.ok, first.published) == (1, 3)
    second = run_once(topics, [feed("a", url)])  # a new process: validators come back from Kafka
    assert (second.not_modified, second.published, second.entries) == (1, 0, 0)
    hits = server.hits("/rss")
    assert "If-None-Match" not in hits[0].headers and hits[1].headers["If-None-Match"] == server.etag(body)
    assert hits[1].headers["If-Modified-Since"] == server.LAST_MODIFIED
    assert sorted(Counter(article_ids(topics)).values()) == [1, 1, 1]


def test_dedup_across_restarts_without_validators(topics, server):
    state = {"body": rss(*ITEMS)}

    async def handler(request):
        return web.Response(body=state["body"], content_type="application/rss+xml")

    url = server.route("/rss", handler)
    assert run_once(topics, [feed("a", url)]).published == 3
    again = run_once(topics, [feed("a", url)])
    assert (again.ok, again.published, again.duplicates) == (1, 0, 3)
    state["body"] = rss(("Ceasefire announced", "https://news.example/ceasefire"), *ITEMS)
    third = run_once(topics, [feed("a", url)])
    assert (third.published, third.duplicates) == (1, 3)
    ids = article_ids(topics)
    assert len(ids) == len(set(ids)) == 4


def test_the_same_story_in_two_feeds_is_published_once(topics, server):
    a = server.feed("/a", rss(*ITEMS))
    b = server.feed("/b", rss(("Talks resume in Muscat", "http://NEWS.example/muscat#comments"), ITEMS[2]))
    summary = run_once(topics, [feed("a", a), feed("b", b)])
    assert (summary.published, summary.duplicates) == (3, 2)
    assert sorted(Counter(article_ids(topics)).values()) == [1, 1, 1]


def test_redirects(topics, server):
    new = server.feed("/new", rss(*ITEMS))

    async def moved(request):
        raise web.HTTPMovedPermanently("/new")

    async def loop(request):
        raise web.HTTPFound("/loop")

    server.route("/old", moved)
    server.route("/loop", loop)
    summary = run_once(topics, [feed("moved", server.url("/old")), feed("loop", server.url("/loop"))])
    assert (summary.ok, summary.failed, summary.published) == (1, 1, 3)
    st = states(topics)
    assert st["moved"].moved_to == new
    assert "more than 5 redirects" in st["loop"].last_error


def test_errors_timeouts_and_limits_fail_one_feed_not_the_run(topics, server):
    async def gone(request):
        return web.Response(status=404)

    async def busy(request):
        return web.Response(status=503, headers={"Retry-After": "3600"})

    async def silent(request):
        await asyncio.sleep(10)
        return web.Response(body=rss(*ITEMS))

    async def slow(request):
        await asyncio.sleep(1.0)
        return web.Response(body=rss(("Slow but fine", "https://news.example/slow")))

    bomb = gzip.compress(rss(*ITEMS, extra="<x>" + " " * (30 * 1024 * 1024) + "</x>"))

    async def gzip_bomb(request):
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})

    server.route("/gone", gone)
    server.route("/busy", busy)
    server.route("/silent", silent)
    server.route("/slow", slow)
    server.route("/bomb", gzip_bomb)
    server.feed("/big", rss(*ITEMS, extra="<x>" + "y" * (TEST_CONFIG.fetch.max_bytes + 10) + "</x>"))
    server.feed("/html", b"<html><body><h1>Maintenance</h1></body></html>", content_type="text/html")
    server.feed("/broken", rss(("Unclosed & broken", "https://news.example/broken"))[:-20] + b"<item><title>x")
    server.feed("/good", rss(*ITEMS))
    paths = ["gone", "busy", "silent", "slow", "bomb", "big", "html", "broken", "good"]
    before = datetime.now(UTC)
    summary = run_once(topics, [feed(p, server.url(f"/{p}")) for p in paths])
    assert (summary.feeds, summary.ok, summary.failed) == (9, 3, 6)
    st = states(topics)
    assert st["gone"].last_error == "HTTP 404" and st["gone"].consecutive_failures == 1
    assert st["busy"].next_due >= before + timedelta(seconds=3600)
    assert st["silent"].last_error.startswith("timeout")
    assert "exceeds the limit" in st["big"].last_error and "decompressed" in st["bomb"].last_error
    assert "not a feed" in st["html"].last_error
    assert st["broken"].last_outcome == "ok" and st["broken"].bozo
    assert st["slow"].last_outcome == "ok"
    titles = sorted(a["title"] for a in articles(topics))
    assert titles == sorted(["Slow but fine", "Unclosed & broken", *(t for t, _ in ITEMS)])


def test_wrong_and_missing_encodings(topics, server):
    title = "Décès à Bassora, l’armée dément"
    bodies = {
        "no-content-type": (rss((title, "https://news.example/1")), None),
        "header-lies-latin1": (rss((title.replace("’", "'"), "https://news.example/2"), encoding="iso-8859-1"),
                               "application/rss+xml; charset=utf-8"),
        "header-lies-utf8": (rss((title, "https://news.example/3")), "text/xml; charset=iso-8859-1"),
        "cp1252-undeclared": (rss((title, "https://news.example/4"), encoding="cp1252", declare=False),
                              "application/xml"),
        "utf16-bom": (rss((title, "https://news.example/5"), encoding="utf-16"), "application/xml"),
    }
    for path, (body, content_type) in bodies.items():
        server.feed(f"/{path}", body, content_type=content_type)
    summary = run_once(topics, [feed(p, server.url(f"/{p}")) for p in bodies])
    assert (summary.ok, summary.published) == (5, 5)
    got = {a["url"][-1]: a["title"] for a in articles(topics)}
    assert got["2"] == title.replace("’", "'")
    assert {got[k] for k in "1345"} == {title}


def test_private_addresses_are_refused_unless_allowed(topics, server):
    server.feed("/rss", rss(*ITEMS))
    closed = replace(TEST_CONFIG, fetch=replace(TEST_CONFIG.fetch, allow_private=False))
    summary = run_once(topics, [feed("a", server.url("/rss"))], closed)
    assert (summary.failed, summary.published) == (1, 0)
    assert "loopback" in states(topics)["a"].last_error
    assert server.hits("/rss") == []
    assert article_ids(topics) == []


def test_an_article_the_broker_cannot_take_goes_to_the_dead_letter_topic(topics, server):
    huge = "word " * 260_000  # about 1.3 MB of text, over the client's 1 MB request limit
    server.feed("/rss", rss(*ITEMS).replace(b"<description>Protest in Tehran, in brief.</description>",
                                            f"<description>{huge}</description>".encode()))
    config = replace(TEST_CONFIG, fetch=replace(TEST_CONFIG.fetch, max_bytes=4 * 1024 * 1024),
                     normalise=NormaliseOptions(max_text_chars=2_000_000))
    first = run_once(topics, [feed("a", server.url("/rss"))], config)
    assert (first.published, first.dead_lettered, first.publish_failures) == (2, 1, 0)
    (letter,) = [DeadLetter.from_json(r.value) for r in read_topic(topics, topics.names.dlq)]
    assert letter.stage == "producer" and letter.error_type == "MessageSizeTooLargeError"
    assert letter.key == article_id_for_url("https://news.example/tehran")
    assert letter.payload().startswith(b'{"schema_version":1,"record_type":"article"')
    again = run_once(topics, [feed("a", server.url("/rss"))], config)
    assert (again.published, again.dead_lettered, again.duplicates) == (0, 0, 3)


def test_forever_mode_polls_again_conditionally_and_stops_cleanly(topics, server):
    from producers.app import run

    server.feed("/rss", rss(*ITEMS), conditional=True)

    async def main():
        stop = asyncio.Event()
        task = asyncio.create_task(run(topics, [FeedSpec(id="a", url=server.url("/rss"), interval=1)], TEST_CONFIG,
                                       once=False, stop=stop))
        for _ in range(200):
            if len(server.hits("/rss")) >= 3:
                break
            await asyncio.sleep(0.05)
        stop.set()
        return await asyncio.wait_for(task, 30)

    assert asyncio.run(main()) is None
    hits = server.hits("/rss")
    assert len(hits) >= 3 and all("If-None-Match" in h.headers for h in hits[1:])
    assert sorted(Counter(article_ids(topics)).values()) == [1, 1, 1]
    st = states(topics)["a"]
    assert st.polls >= 3 and st.last_outcome == "not_modified" and st.published_total == 3
