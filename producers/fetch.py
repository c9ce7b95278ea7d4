"""HTTP for feeds (aiohttp): conditional GET, bounded connections, hard limits, SSRF guard.

Limits: connect/read timeouts and a deadline for the whole fetch, a body-size limit that holds after
decompression too (a gzip bomb stops at the limit, not in memory), and a redirect limit. Redirects are
followed here, not by aiohttp, so that every hop is checked by the guard and a permanent move is reported.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from aiohttp.resolver import DefaultResolver

from faultline.feeds.config import FetchLimits
from faultline.feeds.netguard import address_block_reason, url_block_reason, url_shape_reason

log = logging.getLogger(__name__)

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, "
               "text/xml;q=0.8, */*;q=0.5")
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT = (301, 308)
KEPT_HEADERS = ("etag", "last-modified", "cache-control", "retry-after", "content-type", "content-language",
                "content-location", "expires")
CHUNK = 64 * 1024


class FetchError(Exception):
    """A fetch that produced no usable response; ``kind`` says which limit or failure."""

    def __init__(self, kind: str, message: str, status: int | None = None):
        super().__init__(message)
        self.kind = kind
        self.status = status


class RefusedAddress(OSError):
    """DNS answered only with addresses the SSRF guard refuses."""


@dataclass
class Response:
    status: int
    url: str  # the final URL, after redirects
    headers: dict[str, str]  # lower-case names, only those the producer uses
    body: bytes = b""
    redirects: list[tuple[int, str]] = field(default_factory=list)

    @property
    def moved_to(self) -> str | None:
        """The final URL when every redirect was permanent: the registry should say so."""
        if self.redirects and all(code in PERMANENT for code, _ in self.redirects):
            return self.url
        return None


class GuardedResolver(AbstractResolver):
    """Resolves names, then drops every address the SSRF guard refuses; connections use what is left."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list:
        infos = await self._inner.resolve(host, port, family)
        allowed = [i for i in infos if address_block_reason(i["host"]) is None]
        if not allowed:
            reasons = sorted({address_block_reason(i["host"]) or "" for i in infos})
            raise RefusedAddress(f"{host} resolves only to refused addresses: {'; '.join(reasons)}")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


class Fetcher:
    def __init__(self, limits: FetchLimits):
        self.limits = limits
        self._session: aiohttp.ClientSession | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def open(self) -> None:
        lim = self.limits
        connector = aiohttp.TCPConnector(
            limit=lim.max_connections, limit_per_host=lim.max_per_host, ttl_dns_cache=300,
            resolver=None if lim.allow_private else GuardedResolver(),
        )
        self._session = aiohttp.ClientSession(
            connector=connector, auto_decompress=False, trust_env=False, cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=lim.connect_timeout,
                                          connect=lim.connect_timeout + lim.total_timeout,
                                          sock_read=lim.read_timeout),
            headers={"User-Agent": lim.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                    accept: str = FEED_ACCEPT, max_bytes: int | None = None) -> Response:
        """GET ``url`` (conditionally when validators are given). Any final status is returned; only a
        200 response carries a body. Raises ``FetchError`` for network failures and broken limits."""
        if self._session is None:
            raise RuntimeError("Fetcher is not open")
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with self._host_slot(url), asyncio.timeout(self.limits.total_timeout):
                return await self._follow(url, headers, max_bytes or self.limits.max_bytes)
        except TimeoutError as exc:
            if isinstance(exc, aiohttp.ServerTimeoutError):
                kind = "connect timeout" if isinstance(exc, aiohttp.ConnectionTimeoutError) else "read timeout"
                raise FetchError("timeout", f"{kind}: {exc or 'no data in time'}") from exc
            raise FetchError("timeout", f"no complete response within {self.limits.total_timeout:g}s") from exc
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, RefusedAddress):
                raise FetchError("refused", str(exc.os_error)) from exc
            kind = "dns" if isinstance(exc, aiohttp.ClientConnectorDNSError) else "connect"
            raise FetchError(kind, f"cannot connect: {exc}") from exc
        except aiohttp.ClientError as exc:
            raise FetchError("http", f"{type(exc).__name__}: {exc}") from exc
        except (OSError, ValueError, UnicodeError) as exc:
            raise FetchError("http", f"{type(exc).__name__}: {exc}") from exc

    async def _follow(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        assert self._session is not None
        redirects: list[tuple[int, str]] = []
        current = url
        while True:
            self._check_url(current)
            async with self._session.get(current, headers=headers, allow_redirects=False) as resp:
                location = resp.headers.get("Location")
                if resp.status in REDIRECTS and location:
                    if len(redirects) >= self.limits.max_redirects:
                        raise FetchError("redirects", f"more than {self.limits.max_redirects} redirects "
                                                      f"(last to {location})", resp.status)
                    current = urljoin(str(resp.url), location.strip())
                    redirects.append((resp.status, current))
                    continue
                kept = {k: resp.headers[k] for k in KEPT_HEADERS if k in resp.headers}
                body = await read_limited(resp, max_bytes) if resp.status in (200, 203) else b""
                return Response(resp.status, str(resp.url), kept, body, redirects)

    def _check_url(self, url: str) -> None:
        reason = url_shape_reason(url) if self.limits.allow_private else url_block_reason(url)
        if reason:
            raise FetchError("refused", f"refused {url}: {reason}")

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        """At most ``max_per_host`` fetches per host at once; waiting for a slot is not counted against
        the fetch deadline."""
        try:
            parts = urlsplit(url)
            key = f"{(parts.hostname or '').lower()}:{parts.port or parts.scheme}"
        except ValueError:
            key = url
        slot = self._hosts.get(key)
        if slot is None:
            slot = self._hosts[key] = asyncio.Semaphore(self.limits.max_per_host)
        return slot


# ---------------------------------------------------------------------------------------------
# Bodies


async def read_limited(resp: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    length = resp.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError("too large", f"body of {int(length)} bytes exceeds the limit of {max_bytes}")
    decoder = Decoder(resp.headers.get("Content-Encoding", ""), max_bytes)
    received = 0
    async for chunk in resp.content.iter_chunked(CHUNK):
        received += len(chunk)
        if received > max_bytes:
            raise FetchError("too large", f"body exceeds the limit of {max_bytes} bytes")
        decoder.feed(chunk)
    return decoder.finish()


class Decoder:
    """Content-Encoding (gzip, deflate, chained) undone with a cap on every stage's output; a body that is
    itself a gzip file (``feed.xml.gz`` served without Content-Encoding) is unpacked the same way."""

    def __init__(self, content_encoding: str, max_bytes: int):
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        for c in codings:
            if c not in ("gzip", "x-gzip", "deflate"):
                raise FetchError("encoding", f"unsupported Content-Encoding {c!r}")
        if len(codings) > 2:
            raise FetchError("encoding", f"too many Content-Encodings: {content_encoding!r}")
        self.max_bytes = max_bytes
        self.stages = [_Stage(c, max_bytes) for c in reversed(codings)]
        self.parts: list[bytes] = []
        self.size = 0

    def feed(self, data: bytes) -> None:
        for stage in self.stages:
            data = stage.feed(data)
        self.size += len(data)
        if self.size > self.max_bytes:
            raise FetchError("too large", f"decompressed body exceeds the limit of {self.max_bytes} bytes")
        self.parts.append(data)

    def finish(self) -> bytes:
        body = b"".join(self.parts)
        if body[:2] == b"\x1f\x8b":
            stage = _Stage("gzip", self.max_bytes)
            body = stage.feed(body)
        return body


class _Stage:
    def __init__(self, coding: str, max_bytes: int):
        self.coding = coding
        self.max_bytes = max_bytes
        self.produced = 0
        self.obj: zlib._Decompress | None = None
        self.head = b""

    def _new(self, first: bytes) -> zlib._Decompress:
        if self.coding == "deflate":
            zlib_header = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] * 256 + first[1]) % 31 == 0
            return zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        out = []
        while data:
            if self.obj is None:
                if self.coding == "deflate" and len(self.head + data) < 2:
                    self.head += data
                    return b""
                data, self.head = self.head + data, b""
                self.obj = self._new(data)
            try:
                chunk = self.obj.decompress(data, self.max_bytes - self.produced + 1)
            except zlib.error as exc:
                raise FetchError("encoding", f"corrupt {self.coding} body: {exc}") from exc
            self.produced += len(chunk)
            if self.produced > self.max_bytes:
                raise FetchError("too large", f"decompressed body exceeds the limit of {self.max_bytes} bytes "
                                              "(a compression bomb?)")
            out.append(chunk)
            if self.obj.unconsumed_tail:
                data = self.obj.unconsumed_tail
            elif self.obj.eof and self.obj.unused_data.strip(b"\x00"):
                data = self.obj.unused_data  # another gzip member follows
                self.obj = None
            else:
                data = b""
        return b"".join(out)
