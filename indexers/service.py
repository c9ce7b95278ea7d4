"""The indexer: tagged articles, events and alerts from Kafka into Elasticsearch, at least once, idempotently.

One loop: collect a batch (by count, bytes or age), decode and build the documents (``faultline.indexing``),
bulk-index them until Elasticsearch acknowledged every one, publish what it refused (and what could not be
decoded) to the dead-letter topic, and only then commit the batch's offsets. A crash anywhere before the
commit replays the batch, and replays overwrite (``_id`` = the record's id). While Elasticsearch is down
the loop holds at most two batches (the one being written and the next) and keeps its consumer in the
group by polling with partitions paused: memory stays bounded, and nothing more is read until the batch
is through.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from faultline.errors import DataError
from faultline.indexing.bulk import BatchPolicy, DocumentRejected, Outcome, offsets_to_commit
from faultline.indexing.documents import IndexAction, build_action
from faultline.indexing.sources import decode, kinds_by_topic
from faultline.indexing.templates import IndexSpec, current_specs
from faultline.schema import DeadLetter
from faultline.settings import Settings
from indexers.clients import aiokafka_options, async_es_client
from indexers.deadletters import DeadLetterSender
from indexers.writer import BulkWriter, encode

log = logging.getLogger(__name__)

STAGE = "indexer"
FETCH_MAX_BYTES = 16 * 1024 * 1024
KEEPALIVE_EVERY = 5.0  # seconds a batch may take before the consumer polls (paused) to stay in its group
SHUTDOWN_GRACE = 10.0  # seconds a stopping indexer still gives the batch being written


@dataclass
class Batch:
    """One batch of consumer records on its way: the documents built and what goes to the dead-letter topic."""

    records: list[Any]
    actions: list[IndexAction] = field(default_factory=list)
    lines: list[bytes] = field(default_factory=list)
    origins: list[Any] = field(default_factory=list)
    letters: list[DeadLetter] = field(default_factory=list)


@dataclass
class Stats:
    consumed: int = 0
    indexed: int = 0
    stale: int = 0
    rejected: int = 0
    undecodable: int = 0
    batches: int = 0
    commits_failed: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


class Indexer:
    def __init__(self, settings: Settings, *, policy: BatchPolicy | None = None,
                 specs: dict[str, IndexSpec] | None = None, es_request_timeout: float | None = None,
                 group_id: str | None = None, retry_delay: float = 0.5, max_retry_delay: float = 30.0,
                 shutdown_grace: float = SHUTDOWN_GRACE, utcnow: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.settings = settings
        self.names = settings.names
        self.policy = policy or BatchPolicy()
        self.specs = specs or current_specs()
        self.kinds = kinds_by_topic(self.names)
        # Another group id re-reads the topics from their start (e.g. to fill a new cluster).
        self.group_id = group_id or self.names.indexer_group
        self.utcnow = utcnow
        self.stats = Stats()
        self._es_timeout = es_request_timeout or settings.es_request_timeout
        self._delays = (retry_delay, max_retry_delay)
        self._shutdown_grace = shutdown_grace
        self.consumer: Any = None
        self.producer: Any = None
        self.es: Any = None
        self.writer: BulkWriter | None = None
        self.dead_letters: DeadLetterSender | None = None

    # ---- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

        kafka = aiokafka_options(self.settings)
        self.consumer = AIOKafkaConsumer(
            *self.kinds, bootstrap_servers=self.settings.bootstrap_servers, group_id=self.group_id,
            client_id=self.group_id, enable_auto_commit=False, auto_offset_reset="earliest",
            fetch_max_bytes=FETCH_MAX_BYTES, max_poll_records=self.policy.max_docs, **kafka)
        self.producer = AIOKafkaProducer(bootstrap_servers=self.settings.bootstrap_servers, acks="all",
                                         client_id=f"{self.group_id}-dlq", **kafka)
        # The writer owns retries and backoff; the client must fail fast instead of retrying on its own.
        self.es = async_es_client(self.settings, max_retries=0, retry_on_timeout=False,
                                  request_timeout=self._es_timeout)
        self.writer = BulkWriter(self.es, base_delay=self._delays[0], max_delay=self._delays[1])
        self.dead_letters = DeadLetterSender(self.producer, self.names.dlq, max_delay=self._delays[1])
        await self.producer.start()
        await self.consumer.start()
        log.info("indexer consuming %s as group %s", ", ".join(self.kinds), self.group_id)

    async def stop(self) -> None:
        for closer in (self.consumer and self.consumer.stop, self.producer and self.producer.stop,
                       self.es and self.es.close):
            if closer is None:
                continue
            try:
                await closer()
            except Exception as exc:  # noqa: BLE001 - closing; report and go on closing the rest
                log.warning("while stopping: %s", exc)

    async def run(self, stop: asyncio.Event) -> Stats:
        """Index until ``stop`` is set; the batches in hand are finished (and committed) first.

        One batch is written at a time (so a later record of an id never lands before an earlier one);
        the next batch is collected and its documents built meanwhile.
        """
        inflight: asyncio.Task | None = None
        try:
            while not stop.is_set():
                batch = await self._collect(stop)
                prepared = self.prepare(batch) if batch else None
                if inflight is not None:
                    await self._await_keeping_alive(inflight, stop)
                    inflight = None
                if prepared is not None:
                    inflight = asyncio.create_task(self.finish(prepared))
            if inflight is not None:
                await self._await_keeping_alive(inflight, stop)
        finally:
            if inflight is not None and not inflight.done():
                inflight.cancel()
        return self.stats

    # ---- one batch ------------------------------------------------------------------------------
    async def _collect(self, stop: asyncio.Event) -> list[Any]:
        records: list[Any] = []
        nbytes = 0
        started: float | None = None
        while True:
            age = time.monotonic() - started if started is not None else 0.0
            if self.policy.due(len(records), nbytes, age) or (stop.is_set() and records):
                return records
            timeout_ms = max(1, int(self.policy.wait(len(records), age) * 1000))
            got = await self.consumer.getmany(timeout_ms=timeout_ms,
                                              max_records=self.policy.max_docs - len(records))
            for messages in got.values():
                for m in messages:
                    records.append(m)
                    nbytes += len(m.value or b"")
            if not records:
                return records
            if started is None:
                started = time.monotonic()

    def prepare(self, records: list[Any]) -> Batch:
        """Decode and build every record's document; what cannot be decoded becomes a dead letter."""
        batch = Batch(records)
        for m in records:
            kind = self.kinds[m.topic]
            try:
                action = build_action(decode(kind, m.value), self.names, self.specs)
            except (DataError, ValueError, TypeError) as exc:
                self.stats.undecodable += 1
                batch.letters.append(self._letter(m, exc))
                continue
            batch.actions.append(action)
            batch.lines.append(encode(action))
            batch.origins.append(m)
        return batch

    async def finish(self, batch: Batch) -> None:
        """Write the batch until acknowledged, publish its dead letters, then commit its offsets."""
        started = time.monotonic()
        results = await self.writer.write(batch.actions, batch.lines) if batch.actions else []
        for m, action, result in zip(batch.origins, batch.actions, results, strict=True):
            if result.outcome is Outcome.REJECTED:
                self.stats.rejected += 1
                batch.letters.append(self._letter(m, DocumentRejected(
                    f"Elasticsearch rejected {action.kind} document {action.id} for {action.index}: {result.reason}")))
            elif result.outcome is Outcome.STALE:
                self.stats.stale += 1
            else:
                self.stats.indexed += 1
                self.stats.by_kind[action.kind] = self.stats.by_kind.get(action.kind, 0) + 1
        if batch.letters:
            await self.dead_letters.send(batch.letters)
            log.warning("%d records of this batch went to %s (first: %s)", len(batch.letters), self.names.dlq,
                        batch.letters[0].error[:300])
        await self._commit(batch.records)
        self.stats.consumed += len(batch.records)
        self.stats.batches += 1
        _observe(batch, results, time.monotonic() - started)

    async def _await_keeping_alive(self, task: asyncio.Task, stop: asyncio.Event) -> None:
        """Wait for a batch to finish; if that takes long (Elasticsearch down), keep polling the group.

        Once ``stop`` is set the batch gets ``shutdown_grace`` seconds more; after that it is abandoned
        uncommitted, and whoever consumes next replays it.
        """
        stopping_since: float | None = None
        while True:
            done, _ = await asyncio.wait({task}, timeout=1.0 if stop.is_set() else KEEPALIVE_EVERY)
            if done:
                task.result()
                return
            if stop.is_set():
                stopping_since = stopping_since or time.monotonic()
                if time.monotonic() - stopping_since >= self._shutdown_grace:
                    log.warning("stopping with a batch not acknowledged by Elasticsearch; it will be replayed")
                    task.cancel()
                    await asyncio.gather(task, return_exceptions=True)
                    return
            await self._idle(0.5)

    def _letter(self, m: Any, error: BaseException) -> DeadLetter:
        return DeadLetter.for_payload(stage=STAGE, error=error, payload=m.value, failed_at=self.utcnow(),
                                      topic=m.topic, partition=m.partition, offset=m.offset, key=m.key)

    async def _commit(self, records: list[Any]) -> None:
        from aiokafka import TopicPartition
        from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError

        offsets = offsets_to_commit((m.topic, m.partition, m.offset) for m in records)
        try:
            await self.consumer.commit({TopicPartition(t, p): o for (t, p), o in offsets.items()})
        except (CommitFailedError, IllegalStateError, KafkaError) as exc:
            # A rebalance took partitions away: their new owner replays the batch, and replays overwrite.
            self.stats.commits_failed += 1
            log.warning("offsets not committed (%s); the batch will be replayed, idempotently", exc)

    async def _idle(self, seconds: float) -> None:
        """Wait while keeping the group membership alive: poll with every partition paused."""
        from aiokafka.errors import IllegalStateError

        assigned = self.consumer.assignment()
        self.consumer.pause(*assigned)
        try:
            got = await self.consumer.getmany(timeout_ms=max(1, int(seconds * 1000)))
            for tp, messages in got.items():  # a partition assigned meanwhile: read it again later
                if messages:
                    try:
                        self.consumer.seek(tp, messages[0].offset)
                    except IllegalStateError:
                        pass
        finally:
            self.consumer.resume(*self.consumer.assignment())


def _observe(batch: Batch, results: list, seconds: float) -> None:
    """Prometheus counters for one acknowledged batch (served when FAULTLINE_METRICS_PORT is set)."""
    from deploy.metrics import BATCH_SECONDS, ERRORS, RECORDS_IN, RECORDS_OUT

    for m in batch.records:
        RECORDS_IN.labels("indexer", m.topic).inc()
    for action, result in zip(batch.actions, results, strict=True):
        if result.outcome is not Outcome.REJECTED:
            RECORDS_OUT.labels("indexer", action.kind).inc()
    if batch.letters:
        ERRORS.labels("indexer", "dead_letter").inc(len(batch.letters))
    BATCH_SECONDS.labels("indexer").observe(seconds)


async def run_indexer(settings: Settings, stop: asyncio.Event, *, policy: BatchPolicy | None = None,
                      install_first: bool = True) -> Stats:
    """Install the layout (idempotent), then index until ``stop`` is set."""
    from deploy.metrics import serve

    serve(settings, "indexer")
    if install_first:
        from indexers.setup import install

        await asyncio.to_thread(install, settings)
    indexer = Indexer(settings, policy=policy)
    await indexer.start()
    try:
        return await indexer.run(stop)
    finally:
        await indexer.stop()
