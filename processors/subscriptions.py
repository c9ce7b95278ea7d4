"""Every worker follows the whole compacted subscriptions topic, so changes apply without a restart.

Not a consumer group: each worker reads all partitions from the beginning and keeps reading. ``ready``
is set once the reader has caught up with the end offsets it found at start, so no alert is routed
against a half-loaded set.
"""

from __future__ import annotations

import asyncio
import logging

from faultline.alerting.subscriptions import SubscriptionSet
from faultline.errors import SchemaError
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
        from aiokafka import AIOKafkaConsumer

        topic = self.settings.names.subscriptions
        consumer = AIOKafkaConsumer(group_id=None, enable_auto_commit=False, auto_offset_reset="earliest",
                                    client_id=f"{self.settings.names.processor_app}-subscriptions",
                                    **aiokafka_options(self.settings))
        await consumer.start()
        try:
            consumer.subscribe([topic])  # without a group: every partition, from the beginning
            ends: dict | None = None
            waited = 0
            while True:
                batches = await consumer.getmany(timeout_ms=500)
                for records in batches.values():
                    for record in records:
                        self.apply(record.key, record.value)
                if self.ready.is_set():
                    continue
                assigned = consumer.assignment()
                if not assigned:
                    waited += 1
                    if waited % 60 == 0:
                        log.warning("still waiting for topic %s; run `faultline init`", topic)
                    continue
                if ends is None:
                    ends = await consumer.end_offsets(list(assigned))
                positions = {tp: await consumer.position(tp) for tp in ends}
                if all(positions[tp] >= end for tp, end in ends.items()):
                    log.info("subscriptions loaded: %s", ", ".join(self.subscriptions.names()) or "none")
                    self.ready.set()
        finally:
            await consumer.stop()
