"""Dead letters to ``names.dlq``, acknowledged by the broker before the indexer commits past them."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from faultline.backoff import backoff_delay
from faultline.schema import HEADER_RECORD_TYPE, HEADER_SCHEMA_VERSION, SCHEMA_VERSION, DeadLetter

log = logging.getLogger(__name__)


class DeadLetterSender:
    def __init__(self, producer: Any, topic: str, *, sleep=asyncio.sleep, max_delay: float = 30.0):
        self.producer = producer
        self.topic = topic
        self.sleep = sleep
        self.max_delay = max_delay
        self.sent = 0

    async def send(self, letters: list[DeadLetter]) -> None:
        """Publish every letter and wait for the broker's acknowledgement, retrying until it comes."""
        from aiokafka.errors import KafkaError

        headers = [(HEADER_RECORD_TYPE, b"dead_letter"), (HEADER_SCHEMA_VERSION, str(SCHEMA_VERSION).encode())]
        attempt = 0
        pending = list(letters)
        while pending:
            try:
                futures = [await self.producer.send(self.topic, value=d.to_json(),
                                                    key=d.key.encode() if d.key else None, headers=headers)
                           for d in pending]
                await asyncio.gather(*futures)
            except KafkaError as exc:
                delay = backoff_delay(attempt + 1, base=0.5, cap=self.max_delay, jitter=0.5, rand=random.random())
                log.warning("cannot publish %d dead letters to %s (%s); retrying in %.1fs",
                            len(pending), self.topic, exc, delay)
                attempt += 1
                await self.sleep(delay)
                continue
            self.sent += len(pending)
            pending = []
