"""Every worker follows the whole compacted subscriptions topic, so changes apply without a restart.

Not a consumer group: each worker reads all partitions from the beginning and keeps reading. ``ready``
is set once the reader has caught up with the end offsets it found at start, so no alert is routed
against a half-loaded set.
"""

from __future__ import annotations

import asyncio
import logging

from faultline.alerting.subscriptions import SubscriptionSet
from faultline.errors import SchemaError, ServiceError
from faultline.schema import Subscription
from faultline.settings import Settings
from processors.kafka import aiokafka_options

log = logging.getLogger(__name__)


class SubscriptionFeed:
    def __init__(self, settings: Settings, subscriptions: SubscriptionSet) -> None:
        self.settings = settings
        self.subscriptions = subscriptions
        self.ready = asyncio.Event()

    def apply(self, key: bytes | None, value: bytes | None) -> None:
        """One record of the topic: a Subscription, or a tombstone (None) deleting its key."""
        if key is None:
            log.warning("subscription record without a key ignored")
            return
        name = key.decode("utf-8", "replace")
        if value is None:
            self.subscriptions.apply(name, None)
            log.info("subscription %s removed", name)
            return
        try:
            sub = Subscription.from_json(value)
        except SchemaError as exc:
            log.warning("subscription %s ignored: %s", name, exc)
            return
        self.subscriptions.apply(name, sub)
        log.info("subscription %s active", name)

    async def run(self) -> None:
        from aiokafka import AIOKafkaConsumer, TopicPartition

        topic = self.settings.names.subscriptions
        consumer = AIOKafkaConsumer(group_id=None, enable_auto_commit=False, auto_offset_reset="earliest",
                                    client_id=f"{self.settings.names.processor_app}-subscriptions",
                                    **aiokafka_options(self.settings))
        await consumer.start()
        try:
            partitions = await self._partitions(consumer, topic)
            tps = [TopicPartition(topic, p) for p in partitions]
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            ends = await consumer.end_offsets(tps)
            pending = {tp: end for tp, end in ends.items() if end > 0}
            if not pending:
                self.ready.set()
            while True:
                batches = await consumer.getmany(timeout_ms=500)
                for tp, records in batches.items():
                    for record in records:
                        self.apply(record.key, record.value)
                        if tp in pending and record.offset + 1 >= pending[tp]:
                            del pending[tp]
                if not self.ready.is_set():
                    for tp in list(pending):
                        if await consumer.position(tp) >= pending[tp]:
                            del pending[tp]
                    if not pending:
                        log.info("subscriptions loaded: %s", ", ".join(self.subscriptions.names()) or "none")
                        self.ready.set()
        finally:
            await consumer.stop()

    @staticmethod
    async def _partitions(consumer, topic: str) -> list[int]:
        for _ in range(60):
            if topic in await consumer.topics():
                found = consumer.partitions_for_topic(topic)
                if found:
                    return sorted(found)
            await asyncio.sleep(0.5)
        raise ServiceError(f"topic {topic} not found on the cluster; run `faultline init`")
