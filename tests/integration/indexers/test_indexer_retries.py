"""Throttling and server errors from Elasticsearch are retried until every document is in, exactly once.

A small HTTP proxy in front of the real Elasticsearch answers some bulk requests itself (503, 429) and
marks some items of others as throttled; everything else reaches the real cluster.
"""

from __future__ import annotations

import json

import pytest
from aiohttp import ClientSession, web
from indexer_helpers import count, index_until, produce
from indexing_samples import event

pytestmark = [pytest.mark.integration, pytest.mark.kafka, pytest.mark.elasticsearch]

PRODUCT = {"X-Elastic-Product": "Elasticsearch", "Content-Type": "application/json"}


class FaultyProxy:
    """Plays ``script`` on successive bulk requests: 'ok', '503', '429' or 'items429' (first 5 items throttled)."""

    def __init__(self, upstream: str, script: list[str]):
        self.upstream = upstream
        self.script = list(script)
        self.bulk_requests = 0
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        step = "ok"
        if request.path.endswith("/_bulk"):
            self.bulk_requests += 1
            step = self.script.pop(0) if self.script else "ok"
        if step == "503":
            return web.Response(status=503, headers=PRODUCT, text=json.dumps(
                {"error": {"type": "unavailable_shards_exception", "reason": "injected"}, "status": 503}))
        if step == "429":
            return web.Response(status=429, headers=PRODUCT, text=json.dumps(
                {"error": {"type": "es_rejected_execution_exception", "reason": "injected"}, "status": 429}))
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        async with ClientSession() as session:
            async with session.request(request.method, self.upstream + request.path_qs, data=body,
                                       headers=headers) as resp:
                payload = await resp.read()
                status = resp.status
                out_headers = {k: v for k, v in resp.headers.items()
                               if k.lower() not in ("content-length", "transfer-encoding", "content-encoding")}
        if step == "items429":
            doc = json.loads(payload)
            for item in doc["items"][:5]:
                result = next(iter(item.values()))
                result.update(status=429, error={"type": "es_rejected_execution_exception", "reason": "injected"})
            doc["errors"] = True
            payload = json.dumps(doc).encode()
        return web.Response(status=status, body=payload, headers=out_headers)

    async def __aenter__(self) -> FaultyProxy:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001 - the port the OS chose
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc) -> None:
        await self.runner.cleanup()


async def test_throttled_and_failing_bulks_are_retried_until_all_documents_are_in_once(settings, layout, es):
    names = settings.names
    produce(settings, names.events, [event(f"ev-{i}") for i in range(40)])
    async with FaultyProxy(settings.es_url, ["503", "429", "items429", "503"]) as proxy:
        via_proxy = settings.model_copy(update={"es_url": proxy.url})
        ix = await index_until(via_proxy, lambda s: s.consumed >= 40, retry_delay=0.05, max_retry_delay=0.2)
    assert proxy.bulk_requests >= 5
    assert ix.writer.retries == 4
    assert ix.stats.indexed == 40 and ix.stats.rejected == 0
    assert count(es, names.events_alias) == 40


async def test_stopping_while_elasticsearch_is_unreachable_commits_nothing_and_loses_nothing(settings, layout, es):
    import asyncio

    from indexers.service import Indexer

    names = settings.names
    produce(settings, names.events, [event(f"ev-{i}") for i in range(30)])
    nowhere = settings.model_copy(update={"es_url": "http://127.0.0.1:9"})  # connection refused
    indexer = Indexer(nowhere, retry_delay=0.05, max_retry_delay=0.2, shutdown_grace=1.0)
    await indexer.start()
    stop = asyncio.Event()
    task = asyncio.create_task(indexer.run(stop))
    try:
        while indexer.writer.retries < 3:
            assert not task.done(), task.exception()
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, timeout=15)  # gives up on the batch after the grace period
    finally:
        await indexer.stop()
    assert indexer.stats.consumed == 0 and indexer.stats.indexed == 0

    # Nothing was committed: the next indexer (Elasticsearch back) gets every record.
    await index_until(settings, lambda s: s.consumed >= 30)
    assert count(es, names.events_alias) == 30
