"""Helpers for the indexer integration tests: records produced, dead letters read, the indexer run to a condition."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from faultline.indexing.bulk import BatchPolicy
from faultline.schema import DeadLetter, Record
from faultline.settings import Settings


def drop_namespace(settings: Settings) -> None:
    """Delete a namespace's indices, index templates and component templates."""
    from elasticsearch import Elasticsearch

    es = Elasticsearch(**settings.es_client_options())
    ns = settings.namespace
    try:
        es.options(ignore_status=[404]).indices.delete(index=f"{ns}-*", expand_wildcards="all")
        es.options(ignore_status=[404]).indices.delete_index_template(name=f"{ns}-*")
        es.options(ignore_status=[404]).cluster.delete_component_template(name=f"{ns}-*")
    finally:
        es.close()


def produce(settings: Settings, topic: str, records: list[Record | tuple[bytes | None, bytes]]) -> None:
    """Publish records (or raw (key, value) pairs), keyed by their id, and wait for the broker's ack."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all", linger_ms=5,
                             **settings.kafka_client_options())
    try:
        for r in records:
            if isinstance(r, tuple):
                key, value = r
            else:
                key = (getattr(r, "article_id", None) if r.record_type == "tagged_article"
                       else getattr(r, "event_id", None) or getattr(r, "alert_id", None))
                key, value = (key.encode() if key else None), r.to_json()
            producer.send(topic, key=key, value=value)
        producer.flush(timeout=30)
    finally:
        producer.close()


def read_dead_letters(settings: Settings, expected: int, timeout: float = 30.0) -> list[DeadLetter]:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, enable_auto_commit=False,
                             consumer_timeout_ms=1000, **settings.kafka_client_options())
    try:
        parts = consumer.partitions_for_topic(settings.names.dlq) or set()
        tps = [TopicPartition(settings.names.dlq, p) for p in parts]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        letters: list[DeadLetter] = []
        deadline = time.monotonic() + timeout
        while len(letters) < expected and time.monotonic() < deadline:
            for m in consumer:
                letters.append(DeadLetter.from_json(m.value))
        return letters
    finally:
        consumer.close()


async def index_until(settings: Settings, done: Callable[[object], bool], *, timeout: float = 60.0,
                      policy: BatchPolicy | None = None, **indexer_options):
    """Run an Indexer until ``done(stats)``; returns the indexer (stopped), its stats filled in."""
    from indexers.service import Indexer

    indexer = Indexer(settings, policy=policy or BatchPolicy(max_wait=0.2), **indexer_options)
    await indexer.start()
    stop = asyncio.Event()
    task = asyncio.create_task(indexer.run(stop))
    try:
        deadline = time.monotonic() + timeout
        while not done(indexer.stats):
            if task.done():
                task.result()
            if time.monotonic() > deadline:
                raise AssertionError(f"indexer did not get there in {timeout}s: {indexer.stats.as_dict()}")
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.wait_for(task, timeout=30)
    finally:
        if not task.done():
            task.cancel()
        await indexer.stop()
    return indexer


def count(es, index: str, query: dict | None = None) -> int:
    es.indices.refresh(index=index)
    return es.count(index=index, query=query or {"match_all": {}})["count"]
