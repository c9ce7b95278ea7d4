"""The seen-state on its compacted topic (see ``faultline.feeds.seen`` for why Kafka): read it whole at
start-up, follow its tail for other instances' marks, and write marks after the broker's acknowledgement."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from faultline.errors import ConfigError, ServiceError
from faultline.feeds.seen import SeenIndex, Validators, article_mark, article_tombstone, feed_mark
from faultline.feeds.wire import Message
from faultline.settings import Settings
from producers.kafka_io import CONSUMER_FETCH, Publisher

log = logging.getLogger(__name__)
PRUNE_EVERY = 3600.0  # seconds between two prunings of the seen-state
PRUNE_BATCH = 5_000


class SeenStore:
    def __init__(self, settings: Settings, publisher: Publisher):
        self.settings = settings
        self.topic = settings.names.producer_seen
        self.publisher = publisher
        self.index = SeenIndex()
        self._consumer = None
        self._lock = threading.Lock()
        self._pending: list[Message] = []  # marks the broker has not acknowledged yet
        self._pruned_at: datetime | None = None

    # ---- reading (blocking: call from a thread) -----------------------------------------------
    def load(self, timeout: float = 120.0) -> SeenIndex:
        """Read the topic from the beginning to its current end."""
        from kafka import KafkaConsumer, TopicPartition
        from kafka.errors import KafkaError

        with self._lock:
            try:
                consumer = KafkaConsumer(
                    bootstrap_servers=self.settings.bootstrap_servers, client_id="faultline-producer-seen",
                    group_id=None, enable_auto_commit=False, auto_offset_reset="earliest", **CONSUMER_FETCH,
                    **self.settings.kafka_client_options())
            except KafkaError as exc:
                raise ServiceError(f"cannot reach Kafka at {self.settings.kafka_bootstrap}: {exc}") from exc
            partitions = consumer.partitions_for_topic(self.topic)
            if not partitions:
                consumer.close()
                raise ConfigError(f"Kafka topic {self.topic} (the producers' seen-state) does not exist; "
                                  "create it with `faultline init --kafka-only`")
            tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
            consumer.assign(tps)
            consumer.seek_to_beginning(*tps)
            end = consumer.end_offsets(tps)
            deadline = time.monotonic() + timeout
            while any(consumer.position(tp) < end[tp] for tp in tps):
                if time.monotonic() > deadline:
                    consumer.close()
                    raise ServiceError(f"reading the seen-state from {self.topic} took longer than {timeout:.0f}s")
                self._apply(consumer.poll(timeout_ms=500, max_records=10_000))
            self._consumer = consumer
        if self.index.bad_records:
            log.warning("%s: ignored %d records that are not producer marks", self.topic, self.index.bad_records)
        log.info("seen-state: %d articles, %d feed versions from %s", len(self.index),
                 len(self.index.validators), self.topic)
        return self.index

    def recover(self, raw_topic: str, since_ms: int, timeout: float = 120.0) -> list[str]:
        """Ids on the raw topic since ``since_ms`` (epoch ms) that the seen-state does not know.

        A mark is written after the article's acknowledgement; a crash (or a broker outage at exit) between
        the two leaves an acknowledged article without a mark. Reading the raw topic's recent past at start-up
        finds those, so they are not published again.
        """
        from kafka import KafkaConsumer, TopicPartition

        consumer = KafkaConsumer(bootstrap_servers=self.settings.bootstrap_servers, group_id=None,
                                 client_id="faultline-producer-recover", enable_auto_commit=False, **CONSUMER_FETCH,
                                 **self.settings.kafka_client_options())
        found: list[str] = []
        try:
            tps = [TopicPartition(raw_topic, p) for p in sorted(consumer.partitions_for_topic(raw_topic) or [])]
            if not tps:
                return found
            consumer.assign(tps)
            starts = consumer.offsets_for_times({tp: since_ms for tp in tps})
            end = consumer.end_offsets(tps)
            for tp in tps:
                start = starts.get(tp)
                consumer.seek(tp, start.offset if start is not None else end[tp])
            deadline = time.monotonic() + timeout
            while any(consumer.position(tp) < end[tp] for tp in tps):
                if time.monotonic() > deadline:
                    log.warning("recovering recent ids from %s took longer than %.0fs; going on", raw_topic, timeout)
                    break
                for records in consumer.poll(timeout_ms=500, max_records=10_000).values():
                    for rec in records:
                        article_id = (rec.key or b"").decode("utf-8", "replace")
                        if article_id and article_id not in self.index:
                            self.index.confirm(article_id, datetime.fromtimestamp(rec.timestamp / 1000, UTC))
                            found.append(article_id)
        finally:
            consumer.close()
        return found

    def refresh(self) -> None:
        """Take in marks written since (by this or another instance). Never blocks for long."""
        with self._lock:
            if self._consumer is not None:
                try:
                    self._apply(self._consumer.poll(timeout_ms=0, max_records=50_000))
                except Exception as exc:  # noqa: BLE001 - the tail is an optimisation; the next poll retries
                    log.debug("seen-state tail: %s", exc)

    def _apply(self, batches: dict) -> None:
        for records in batches.values():
            for rec in records:
                self.index.load(rec.key, rec.value)

    def close(self) -> None:
        with self._lock:
            if self._consumer is not None:
                self._consumer.close()
                self._consumer = None

    # ---- writing ------------------------------------------------------------------------------
    async def mark_articles(self, marks: list[tuple[str, str | None]], at: datetime) -> None:
        """Record acknowledged articles; marks the broker refuses are kept and retried by ``retry``."""
        await self._send([article_mark(self.topic, aid, feed_id, at) for aid, feed_id in marks])

    async def mark_feed(self, feed_id: str, validators: Validators, at: datetime) -> None:
        self.index.validators[feed_id] = validators
        await self._send([feed_mark(self.topic, feed_id, validators, at)])

    async def retry(self) -> int:
        """Resend marks that were not acknowledged; returns how many are still pending."""
        pending, self._pending = self._pending, []
        await self._send(pending)
        return len(self._pending)

    async def prune(self, now: datetime, retention: float, every: float = PRUNE_EVERY) -> int:
        """Delete the marks older than ``retention`` seconds (at most once per ``every`` seconds); returns how
        many were deleted. A tombstone the broker refuses leaves its mark for the next round."""
        if retention <= 0 or (self._pruned_at is not None and (now - self._pruned_at).total_seconds() < every):
            return 0
        self._pruned_at = now
        expired = self.index.expired(now - timedelta(seconds=retention))
        deleted = 0
        for start in range(0, len(expired), PRUNE_BATCH):
            batch = expired[start:start + PRUNE_BATCH]
            errors = await self.publisher.send([article_tombstone(self.topic, a) for a in batch])
            done = [a for a, err in zip(batch, errors, strict=True) if err is None]
            self.index.forget(done)
            deleted += len(done)
        if expired:
            log.info("seen-state: deleted %d of %d article marks older than %.0f days", deleted, len(expired),
                     retention / 86400)
        return deleted

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def _send(self, messages: list[Message]) -> None:
        errors = await self.publisher.send(messages)
        failed = [m for m, err in zip(messages, errors, strict=True) if err is not None]
        if failed:
            log.warning("%d seen-state marks not acknowledged (%s); will retry", len(failed),
                        next(e for e in errors if e is not None))
            self._pending.extend(failed)
