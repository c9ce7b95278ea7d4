"""The fetcher against a real local HTTP server: validators, redirects, errors, timeouts and hard limits."""

from __future__ import annotations

import asyncio
import gzip
import zlib

import pytest
from aiohttp import web

from faultline.feeds.config import FetchLimits
from producers.fetch import Fetcher, FetchError, GuardedResolver, RefusedAddress

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
OPEN = FetchLimits(allow_private=True, connect_timeout=2, read_timeout=1, total_timeout=3, max_bytes=64 * 1024,
                   max_redirects=3)


async def fetch(url: str, limits: FetchLimits = OPEN, **kw):
    async with Fetcher(limits) as f:
        return await f.fetch(url, **kw)


async def test_body_and_the_headers_the_producer_needs(server):
    url = server.feed("/rss", FEED, headers={"Cache-Control": "max-age=60", "X-Other": "1"}, conditional=True)
    resp = await fetch(url)
    assert resp.status == 200 and resp.body == FEED and resp.url == url
    assert resp.headers["cache-control"] == "max-age=60" and "etag" in resp.headers and "x-other" not in resp.headers
    sent = server.hits("/rss")[0].headers
    assert "Faultline" in sent["User-Agent"] and "gzip" in sent["Accept-Encoding"] and "rss" in sent["Accept"]


async def test_conditional_get_returns_304_without_a_body(server):
    url = server.feed("/rss", FEED, conditional=True)
    first = await fetch(url)
    second = await fetch(url, etag=first.headers["etag"], last_modified=first.headers["last-modified"])
    assert second.status == 304 and second.body == b""
    assert server.hits("/rss")[1].headers["If-None-Match"] == first.headers["etag"]


async def test_redirects_are_followed_and_a_permanent_move_reported(server):
    url = server.feed("/new", FEED)

    async def moved(request):
        raise web.HTTPMovedPermanently("/new")

    async def temporary(request):
        raise web.HTTPFound("/old")

    server.route("/old", moved)
    start = server.route("/tmp", temporary)
    resp = await fetch(server.url("/old"))
    assert resp.status == 200 and resp.url == url and resp.moved_to == url
    resp = await fetch(start)
    assert resp.body == FEED and resp.moved_to is None and [c for c, _ in resp.redirects] == [302, 301]


async def test_redirect_limit_and_loops(server):
    async def loop(request):
        raise web.HTTPFound("/loop")

    url = server.route("/loop", loop)
    with pytest.raises(FetchError, match="more than 3 redirects") as exc:
        await fetch(url)
    assert exc.value.kind == "redirects"
    assert len(server.hits("/loop")) == 4


async def test_every_redirect_hop_is_checked(server):
    async def to_file(request):
        raise web.HTTPFound("file:///etc/passwd")

    with pytest.raises(FetchError, match="scheme") as exc:
        await fetch(server.route("/r", to_file))
    assert exc.value.kind == "refused"


async def test_error_statuses_come_back_as_statuses(server):
    async def unavailable(request):
        return web.Response(status=503, headers={"Retry-After": "120"})

    server.route("/busy", unavailable)
    assert (await fetch(server.url("/missing"))).status == 404
    busy = await fetch(server.url("/busy"))
    assert busy.status == 503 and busy.headers["retry-after"] == "120" and busy.body == b""


async def test_a_server_that_never_answers_times_out(server):
    async def silent(request):
        await asyncio.sleep(5)
        return web.Response(body=FEED)

    with pytest.raises(FetchError, match="read timeout|no complete response") as exc:
        await fetch(server.route("/silent", silent))
    assert exc.value.kind == "timeout"


async def test_a_slow_drip_is_cut_by_the_deadline(server):
    async def drip(request):
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await resp.prepare(request)
        for _ in range(40):
            await resp.write(b" ")
            await asyncio.sleep(0.2)  # each byte arrives before the read timeout, the whole never does
        return resp

    with pytest.raises(FetchError, match="no complete response within 3s"):
        await fetch(server.route("/drip", drip))


async def test_a_slow_but_complete_answer_is_fine(server):
    async def slow(request):
        await asyncio.sleep(0.5)
        return web.Response(body=FEED)

    assert (await fetch(server.route("/slow", slow))).body == FEED


async def test_oversized_bodies_are_refused_with_and_without_content_length(server):
    big = b"<rss>" + b"x" * (100 * 1024) + b"</rss>"

    async def chunked(request):
        resp = web.StreamResponse()
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for i in range(0, len(big), 8192):
            await resp.write(big[i:i + 8192])
        return resp

    with pytest.raises(FetchError, match="exceeds the limit") as exc:
        await fetch(server.feed("/big", big))
    assert exc.value.kind == "too large"
    with pytest.raises(FetchError, match="exceeds the limit"):
        await fetch(server.route("/chunked", chunked))


async def test_compressed_bodies_are_decoded(server):
    deflated = zlib.compressobj(wbits=-15)
    raw_deflate = deflated.compress(FEED) + deflated.flush()

    async def deflate(request):
        return web.Response(body=raw_deflate, headers={"Content-Encoding": "deflate"})

    async def zlib_deflate(request):
        return web.Response(body=zlib.compress(FEED), headers={"Content-Encoding": "deflate"})

    async def gz_file(request):
        return web.Response(body=gzip.compress(FEED), headers={"Content-Type": "application/x-gzip"})

    assert (await fetch(server.feed("/gz", FEED, gzip_body=True))).body == FEED
    assert (await fetch(server.route("/deflate", deflate))).body == FEED
    assert (await fetch(server.route("/zlib", zlib_deflate))).body == FEED
    assert (await fetch(server.route("/gzfile", gz_file))).body == FEED


async def test_a_gzip_bomb_stops_at_the_limit(server):
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))  # 50 MiB of zeros in about 50 KiB
    assert len(bomb) < OPEN.max_bytes

    async def serve(request):
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})

    with pytest.raises(FetchError, match="decompressed body exceeds") as exc:
        await fetch(server.route("/bomb", serve))
    assert exc.value.kind == "too large"


async def test_unsupported_or_corrupt_encodings(server):
    async def br(request):
        return web.Response(body=b"xxxx", headers={"Content-Encoding": "br"})

    async def corrupt(request):
        return web.Response(body=b"\x1f\x8bnot really gzip", headers={"Content-Encoding": "gzip"})

    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        await fetch(server.route("/br", br))
    with pytest.raises(FetchError, match="corrupt gzip"):
        await fetch(server.route("/corrupt", corrupt))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "2130706433"])
async def test_private_addresses_are_refused_by_default(server, host):
    server.feed("/rss", FEED)
    closed = FetchLimits()
    with pytest.raises(FetchError) as exc:
        await fetch(f"http://{host}:{server.port}/rss", closed)
    assert exc.value.kind == "refused"
    assert server.hits("/rss") == []


async def test_dns_answers_are_checked_too():
    resolver = GuardedResolver()
    try:
        with pytest.raises(RefusedAddress, match="loopback"):
            await resolver.resolve("localhost", 80)
    finally:
        await resolver.close()


async def test_unreachable_hosts_fail_cleanly():
    with pytest.raises(FetchError) as exc:
        await fetch("http://127.0.0.1:9/rss")  # the discard port: nothing listens
    assert exc.value.kind == "connect"


def _feed_in_pieces(decoder, data: bytes, size: int) -> bytes:
    for i in range(0, len(data), size):
        decoder.feed(data[i:i + size])
    return decoder.finish()


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_decoder_handles_any_chunking_multi_member_gzip_and_chains(size):
    from producers.fetch import Decoder

    two_members = gzip.compress(FEED[:40]) + gzip.compress(FEED[40:])
    assert _feed_in_pieces(Decoder("gzip", 10_000), two_members, size) == FEED
    raw = zlib.compressobj(wbits=-15)
    assert _feed_in_pieces(Decoder("deflate", 10_000), raw.compress(FEED) + raw.flush(), size) == FEED
    assert _feed_in_pieces(Decoder("gzip, gzip", 10_000), gzip.compress(gzip.compress(FEED)), size) == FEED
    assert _feed_in_pieces(Decoder("identity", 10_000), FEED, size) == FEED


def test_decoder_caps_every_stage():
    from producers.fetch import Decoder

    nested_bomb = gzip.compress(gzip.compress(b"a" * 5_000_000))
    with pytest.raises(FetchError, match="exceeds"):
        _feed_in_pieces(Decoder("gzip, gzip", 100_000), nested_bomb, 1024)
    with pytest.raises(FetchError, match="too many"):
        Decoder("gzip, gzip, gzip", 100)
