"""A real HTTP server on 127.0.0.1 for producer tests, running in its own thread.

Routes map a path (with query) to an aiohttp handler; every request is logged with its headers, so a test
can check what the producer sent (validators, Accept-Encoding) and how often it came back.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Seen] = []
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()

    # ---- routes -------------------------------------------------------------------------------
    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def feed(self, path: str, body: bytes, *, content_type: str | None = "application/rss+xml",
             headers: dict[str, str] | None = None, conditional: bool = False, gzip_body: bool = False) -> str:
        """Serve fixed bytes; with ``conditional``, answer 304 to a matching If-None-Match/If-Modified-Since."""
        etag, last_modified = self.etag(body), self.LAST_MODIFIED

        async def handler(request: web.Request) -> web.StreamResponse:
            extra = dict(headers or {})
            if conditional:
                extra.update({"ETag": etag, "Last-Modified": last_modified})
                if request.headers.get("If-None-Match") == etag or \
                        request.headers.get("If-Modified-Since") == last_modified:
                    return web.Response(status=304, headers=extra)
            data = body
            if gzip_body:
                data = gzip.compress(body)
                extra["Content-Encoding"] = "gzip"
            if content_type:
                extra["Content-Type"] = content_type
            return web.Response(body=data, headers=extra)

        return self.route(path, handler)

    LAST_MODIFIED = "Wed, 12 Aug 2026 10:00:00 GMT"

    @staticmethod
    def etag(body: bytes) -> str:
        return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    # ---- lifecycle ----------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(Seen(request.path_qs, dict(request.headers)))
        handler = self.routes.get(request.path_qs) or self.routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="not found")
        return await handler(request)

    def start(self) -> FeedServer:
        self._thread = threading.Thread(target=self._serve, name="feedserver", daemon=True)
        self._thread.start()
        if not self._ready.wait(15):
            raise RuntimeError("the test feed server did not start")
        return self

    def _serve(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = self._runner.addresses[0][1]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
