"""Elasticsearch stopped during indexing and restarted: the indexer waits, holds one batch, then catches up.

The shared Elasticsearch is never touched: this test runs a private one (same cached distribution, its own
home and ports) and stops it under the running indexer.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import tempfile
import time
from pathlib import Path

import pytest
from indexer_helpers import count, produce, read_dead_letters
from indexing_samples import event

from deploy.local.stack import ElasticsearchService, StackError, dist_root
from faultline.indexing.bulk import BatchPolicy
from indexers.service import Indexer
from indexers.setup import install

pytestmark = [pytest.mark.integration, pytest.mark.kafka, pytest.mark.elasticsearch]

BATCH = 50


def _free_port_pair() -> int:
    """A port P with P and P+100 (the transport port) both free."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + 100 < 65536:
            with socket.socket() as a, socket.socket() as b:
                try:
                    a.bind(("127.0.0.1", port))
                    b.bind(("127.0.0.1", port + 100))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port pair")


def _wait_healthy(svc: ElasticsearchService, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            svc.health()
            return
        except Exception as exc:  # noqa: BLE001 - not up yet
            last = exc
            time.sleep(1.0)
    raise StackError(f"private Elasticsearch not healthy after {timeout}s ({last}):\n{svc.log_tail(30)}")


async def _taken(indexer: Indexer) -> int:
    """Records handed out by the consumer so far (its positions), whether indexed or still in memory."""
    return sum([await indexer.consumer.position(tp) for tp in indexer.consumer.assignment()])


@pytest.fixture
def private_es(stack, settings, monkeypatch, kafka_bootstrap, require):
    monkeypatch.setenv("FAULTLINE_ES_HEAP", "512m")
    port = _free_port_pair()
    # Not under pytest's tmp_path: pytest resets its base directory to mode 0700 at every session start,
    # which would lock out the unprivileged user Elasticsearch runs as when tests are started as root.
    home = Path(tempfile.mkdtemp(prefix="faultline-es-restart-"))
    private = settings.model_copy(update={"home": home, "dist_dir": dist_root(stack),
                                          "es_url": f"http://127.0.0.1:{port}"})
    svc = ElasticsearchService(private)
    require(svc.fetched(), f"no cached Elasticsearch distribution at {svc.dist}")
    try:
        svc.start()
        _wait_healthy(svc)
    except Exception:
        svc.stop()
        shutil.rmtree(home, ignore_errors=True)
        raise
    try:
        yield private, svc
    finally:
        svc.stop()
        shutil.rmtree(home, ignore_errors=True)


async def test_every_id_is_indexed_once_across_an_elasticsearch_restart(private_es):
    from elasticsearch import Elasticsearch

    from deploy.provision import ensure_topics

    settings, svc = private_es
    names = settings.names
    ensure_topics(settings)
    await asyncio.to_thread(install, settings)
    before = [event(f"ev-{i}") for i in range(200)]
    during = [event(f"ev-{i}") for i in range(200, 400)]
    produce(settings, names.events, before)

    indexer = Indexer(settings, policy=BatchPolicy(max_docs=BATCH, max_wait=0.2), es_request_timeout=5.0,
                      retry_delay=0.2, max_retry_delay=1.0)
    await indexer.start()
    stop = asyncio.Event()
    task = asyncio.create_task(indexer.run(stop))
    try:
        while indexer.stats.indexed < BATCH:
            assert not task.done(), task.exception()
            await asyncio.sleep(0.05)

        await asyncio.to_thread(svc.stop)  # Elasticsearch goes away mid-stream
        produce(settings, names.events, during)  # ... while the producers go on
        retries_at_stop = indexer.writer.retries
        consumed_at_stop = indexer.stats.consumed
        taken_at_stop = await _taken(indexer)
        await asyncio.sleep(8)
        assert not task.done(), "the indexer must wait, not die"
        assert indexer.writer.retries > retries_at_stop
        # While Elasticsearch is away the indexer holds at most the batch being written and the next one:
        # nothing more is taken off Kafka, so memory stays bounded however long the outage.
        assert indexer.stats.consumed - consumed_at_stop <= BATCH
        assert await _taken(indexer) - taken_at_stop <= 2 * BATCH
        await asyncio.sleep(6)  # past the keep-alive poll: still nothing more taken
        assert await _taken(indexer) - taken_at_stop <= 2 * BATCH

        await asyncio.to_thread(svc.start)
        await asyncio.to_thread(_wait_healthy, svc)
        deadline = time.monotonic() + 120
        while indexer.stats.consumed < 400:
            assert not task.done(), task.exception()
            assert time.monotonic() < deadline, indexer.stats.as_dict()
            await asyncio.sleep(0.2)
        stop.set()
        await asyncio.wait_for(task, 30)
    finally:
        if not task.done():
            task.cancel()
        await indexer.stop()

    es = Elasticsearch(**settings.es_client_options())
    try:
        assert count(es, names.events_alias) == 400
        ids = {h["_id"] for h in es.search(index=names.events_alias, size=1000, _source=False)["hits"]["hits"]}
        assert ids == {f"ev-{i}" for i in range(400)}
    finally:
        es.close()
    assert indexer.stats.rejected == 0 and read_dead_letters(settings, expected=1, timeout=3) == []
