"""The seen-state stays bounded: marks older than the retention are deleted with tombstones on the real
compacted topic, and a producer starting afterwards no longer knows them (recent marks stay)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from producer_helpers import TEST_CONFIG
from topic_reader import read_topic

from producers.kafka_io import Publisher, build_producer
from producers.seenstore import SeenStore

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


async def _mark_and_prune(settings) -> int:
    publisher = Publisher(build_producer(settings, TEST_CONFIG.publish))
    try:
        store = SeenStore(settings, publisher)
        await asyncio.to_thread(store.load)
        await store.mark_articles([("old-1", "feed"), ("old-2", "feed")], NOW - timedelta(days=45))
        await store.mark_articles([("recent", "feed")], NOW - timedelta(days=3))
        for article_id, at in (("old-1", 45), ("old-2", 45), ("recent", 3)):
            store.index.confirm(article_id, NOW - timedelta(days=at))
        deleted = await store.prune(NOW, retention=30 * 86400)
        again = await store.prune(NOW + timedelta(minutes=5), retention=30 * 86400)  # at most once an hour
        assert again == 0
        await publisher.flush(30)
        await asyncio.to_thread(store.close)
        return deleted
    finally:
        await asyncio.to_thread(publisher.close)


def test_old_marks_are_deleted_from_the_topic(topics):
    assert asyncio.run(_mark_and_prune(topics)) == 2
    records = read_topic(topics, topics.names.producer_seen)
    tombstones = {r.key for r in records if r.value is None}
    assert tombstones == {b"article/old-1", b"article/old-2"}

    async def reload() -> SeenStore:
        publisher = Publisher(build_producer(topics, TEST_CONFIG.publish))
        try:
            store = SeenStore(topics, publisher)
            await asyncio.to_thread(store.load)
            await asyncio.to_thread(store.close)
            return store
        finally:
            await asyncio.to_thread(publisher.close)

    store = asyncio.run(reload())
    assert "recent" in store.index
    assert "old-1" not in store.index and "old-2" not in store.index
