"""The Faust application: topics, changelog-backed tables and five thin agents.

    raw articles ──tag──► <app>-story-requests (1 partition, batches) ──stories──► tagged articles
                                                                             ├──► events (key = dyad or actor)
                                                                             ├──► <app>-alert-candidates (same key)
                                                                             └──► <app>-observations (key = scope:subject)
    alert candidates ──alerts──► alerts (key = alert_id) (event rules; table ``developments``)
    observations ──tables──► alerts                      (spike rules; table ``escalation``)
    alerts ──subscriptions──► alerts.<subscription>     (subscriptions followed from their compacted topic)

Story assignment needs one view of all recent stories, so it runs on a single-partition internal topic;
tagging, the expensive part, is spread over the raw topic's partitions (and, with ``--taggers N``, over
separate processes). The tag agent does all the per-article work: it tags a batch of raw records, turns
each article into its wire records (tagged article, events, observations: one per actor, dyad and
country it concerns, for the escalation tables) serialised with a placeholder story id, marks the few
events an event rule may match (the candidates, passed to the alerts agent keyed like the events topic,
so that no agent has to read every event), and sends the batch's story requests as one record
(processors.records). The stories agent, the one stage every article passes through in turn, only looks
up the ``stories`` table with each article's sketch and splices the story id into the bytes it received.
Every table is written only by the agent reading the topic it is co-partitioned with, one event at a
time (agent concurrency 1), and values are always replaced, never mutated.

A record that cannot be decoded or processed goes to the dead-letter topic with the error, its bytes
and its topic/partition/offset; its offset then moves on. Infrastructure errors propagate and stop the
worker (nothing is acknowledged that is not safe downstream: Faust flushes the producer before it
commits offsets; alerts are sent and acknowledged before the state that records them is written).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faust

from deploy.metrics import ALERTS, ERRORS, RECORDS_IN, RECORDS_OUT
from faultline.alerting.event_rules import Step
from faultline.alerting.spikes import Observation
from faultline.alerting.subscriptions import SubscriptionSet
from faultline.errors import FaultlineError, ServiceError
from faultline.schema import Alert, DeadLetter, Event
from faultline.settings import Settings
from faultline.stories import StoryIndex
from processors.core import Core
from processors.kafka import FaustOutbox, Outbox, faust_credentials
from processors.monitor import LeanMonitor
from processors.records import CANDIDATE, EVENT, OBSERVATION, TAGGED, StoryRequest, batches, unpack_batch
from processors.subscriptions import SubscriptionFeed
from processors.tagging import InlineTagging, TagPool

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

#: The record type (header) of each kind of record in a story request.
RECORD_TYPES = {TAGGED: "tagged_article", EVENT: "event", CANDIDATE: "event", OBSERVATION: "observation"}

#: Errors that say the cluster, not the record, is the problem: never dead-lettered.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (ServiceError, ConnectionError, asyncio.TimeoutError)


def utcnow() -> datetime:
    return datetime.now(UTC)


def internal_topic(settings: Settings, name: str) -> str:
    """Internal topics carry the app id as prefix, like Faust's own changelog and repartition topics."""
    return f"{settings.names.processor_app}-{name}"


def make_app(settings: Settings, datadir: Path | None = None) -> faust.App:
    names = settings.names
    datadir = datadir or settings.home / "processors" / names.processor_app
    datadir.mkdir(parents=True, exist_ok=True)
    return faust.App(
        names.processor_app,
        broker=[f"kafka://{server}" for server in settings.bootstrap_servers],
        broker_credentials=faust_credentials(settings),
        store="memory://",
        datadir=str(datadir),
        autodiscover=False,
        web_enabled=False,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        key_serializer="raw",
        value_serializer="raw",
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        # 10 ms of batching per hop: far fewer produce requests (the worker's largest cost per record after
        # Faust's own) for a latency well under the 1 s budget
        producer_linger=0.01,
        producer_max_batch_size=512 * 1024,
        Monitor=LeanMonitor,  # no per-record statistics (the worker's metrics are its own)
    )


class Pipeline:
    """The app with its topics, tables and agents, built around one :class:`Core`."""

    def __init__(self, settings: Settings, core: Core, *, app: faust.App | None = None,
                 outbox: Outbox | None = None, clock: Clock = utcnow, datadir: Path | None = None,
                 pool: TagPool | None = None) -> None:
        self.settings = settings
        self.pool = pool
        self.names = settings.names
        self.core = core
        self.clock = clock
        self.app = app or make_app(settings, datadir)
        self.outbox: Outbox = outbox or FaustOutbox(self.app)
        self.subscriptions = SubscriptionSet(core.matcher)
        self.feed = SubscriptionFeed(settings, self.subscriptions)

        topic = self.app.topic
        self.raw_topic = topic(self.names.raw_articles)
        self.story_topic = topic(internal_topic(settings, "story-requests"), partitions=1, internal=True)
        self.candidates_topic = topic(internal_topic(settings, "alert-candidates"),
                                      partitions=settings.topic_partitions, internal=True)
        self.observations_topic = topic(internal_topic(settings, "observations"),
                                        partitions=settings.topic_partitions, internal=True)
        self.alerts_topic = topic(self.names.alerts)
        self.destinations = {TAGGED: self.names.tagged_articles, EVENT: self.names.events, CANDIDATE: self.names.events,
                             OBSERVATION: self.observations_topic.get_topic_name()}

        self.stories = self.app.Table("stories", partitions=1, key_type=str,
                                      help="story records (first published, sketch) within the horizon")
        self.story_index = StoryIndex(self.stories, core.rules.stories)
        self.stories.on_recover(self._rebuild_story_index)
        self.developments = self.app.Table("developments", key_type=str,
                                           help="event-rule developments (alert state), keyed by rule|subject")
        self.escalation = self.app.Table("escalation", key_type=str,
                                         help="per actor/dyad/country tallies and spike-rule developments")

        agent = self.app.agent
        self.tag_agent = agent(self.raw_topic, name="tag")(self._tag)
        self.stories_agent = agent(self.story_topic, name="stories")(self._stories)
        self.alerts_agent = agent(self.candidates_topic, name="alerts")(self._alerts)
        self.tables_agent = agent(self.observations_topic, name="tables")(self._tables)
        self.subscriptions_agent = agent(self.alerts_topic, name="subscriptions")(self._subscriptions)
        self.app.task(self._follow_subscriptions)

    # ---- agents: decode and compute (a failure dead-letters the record), then send ---------------------
    async def _tag(self, stream: Any) -> None:
        tagging = self.pool or InlineTagging(self.core)
        await self.each_batch("tag", stream, tagging.tag_many, self.request_stories)

    async def _stories(self, stream: Any) -> None:
        await self.each("stories", stream, lambda event: (event, unpack_batch(event.value)), self.assign_stories)

    async def _alerts(self, stream: Any) -> None:
        await self.each("alerts", stream, self.event_steps, self.apply_event_steps)

    async def _tables(self, stream: Any) -> None:
        await self.each("tables", stream, self.observation_steps, self.apply_escalation_steps)

    async def _subscriptions(self, stream: Any) -> None:
        await self.feed.ready.wait()
        await self.each("subscriptions", stream, self.routes, self.send_routed)

    async def _follow_subscriptions(self) -> None:
        try:
            await self.feed.run()
        except Exception as exc:
            log.error("cannot follow the subscriptions topic: %s", exc)
            await self.app.crash(exc)
            raise

    async def each(self, stage: str, stream: Any, compute: Callable[[Any], Any],
                   send: Callable[[Any], Awaitable[None]]) -> None:
        """The loop every agent runs: compute (a failure dead-letters the record), send, acknowledge."""
        manual = stream.noack()
        async for event in manual.events():
            try:
                work = compute(event)
            except INFRASTRUCTURE_ERRORS as exc:
                await self._stop(stage, event, exc)
            except Exception as exc:  # noqa: BLE001 - bad data or a core failure on this record
                work = exc
            await self._finish(stage, manual, event, work, send)

    async def each_batch(self, stage: str, stream: Any, compute_many: Callable[..., Awaitable[list]],
                         send_many: Callable[[list], Awaitable[None]], batch: int = 64,
                         within: float = 0.01, ahead: int = 1) -> None:
        """:meth:`each` for work done in batches: ``compute_many`` returns a result (or an exception) per
        record, in order; the results of a batch are sent together, then its records acknowledged.

        While one batch's results are being sent, the next ``ahead`` batches are already being computed,
        so tagging processes are not left waiting for the event loop. Batches are finished strictly in
        the order they were taken."""
        manual = stream.noack()
        taken: asyncio.Queue[tuple[list, asyncio.Future]] = asyncio.Queue(maxsize=ahead)

        async def finish_in_order() -> None:
            while True:
                events, work = await taken.get()
                try:
                    results = await work
                except Exception as exc:  # the tagging processes failed: nothing of the batch is acknowledged
                    await self._stop(stage, events[0], exc)
                await self._finish_batch(stage, manual, events, results, send_many)

        finisher = asyncio.ensure_future(finish_in_order())
        try:
            async for events in manual.noack_take(batch, within=within):
                if finisher.done():
                    finisher.result()  # raises what stopped it (the worker is stopping already)
                work = asyncio.ensure_future(compute_many([event.value for event in events], self.clock()))
                await taken.put((events, work))
        finally:
            if finisher.done() and not finisher.cancelled():
                finisher.exception()  # already reported by _stop
            finisher.cancel()

    async def _finish_batch(self, stage: str, stream: Any, events: list, results: list,
                            send_many: Callable[[list], Awaitable[None]]) -> None:
        """:meth:`_finish` for a batch: dead-letter the failures, send the rest at once, acknowledge all."""
        done = []
        try:
            for event, result in zip(events, results, strict=True):
                RECORDS_IN.labels("worker", event.message.topic).inc()
                if isinstance(result, BaseException):
                    ERRORS.labels("worker", f"dead_letter_{stage}").inc()
                    await self.dead_letter(stage, result, event)
                else:
                    done.append(result)
            if done:
                await send_many(done)
        except Exception as exc:
            await self._stop(stage, events[0], exc)
        for event in events:
            await stream.ack(event)

    async def _finish(self, stage: str, stream: Any, event: Any, work: Any,
                      send: Callable[[Any], Awaitable[None]]) -> None:
        """Dead-letter a failed record or send its outputs, then acknowledge it. It is acknowledged only
        once its outputs are with the producer (Faust flushes it before committing offsets), so a crash
        or a stop never skips a record."""
        RECORDS_IN.labels("worker", event.message.topic).inc()
        try:
            if isinstance(work, BaseException):
                ERRORS.labels("worker", f"dead_letter_{stage}").inc()
                await self.dead_letter(stage, work, event)
            else:
                await send(work)
        except Exception as exc:
            await self._stop(stage, event, exc)
        await stream.ack(event)

    async def _stop(self, stage: str, event: Any, exc: BaseException) -> None:
        """Kafka refused or is unreachable: stop the worker; the unacknowledged record is processed
        again when it restarts."""
        message = event.message
        log.error("%s: cannot deliver the outputs of %s[%s]@%s (%r); stopping the worker", stage, message.topic,
                  message.partition, message.offset, exc)
        await self.app.crash(exc)
        raise exc

    # ---- compute: pure calls into the core --------------------------------------------------------------
    def event_steps(self, event: Any) -> list[Step]:
        record = Event.from_json(event.value)
        return self.core.events.on_event(record, self.developments.get, now=self.clock(),
                                         seq=event.message.offset)

    def observation_steps(self, event: Any) -> list[Step]:
        obs = Observation.from_json(event.value)
        return self.core.spikes.on_observation(obs, self.escalation.get, now=self.clock(),
                                               seq=event.message.offset)

    def routes(self, event: Any) -> tuple[Alert, list[str]]:
        alert = Alert.from_json(event.value)
        return alert, self.subscriptions.route(alert)

    # ---- send ------------------------------------------------------------------------------------------
    async def request_stories(self, requests: list[tuple[str, bytes]]) -> None:
        for key, value in batches(requests):
            await self.outbox.send(self.story_topic.get_topic_name(), key, value, "story_requests")

    async def _rebuild_story_index(self) -> None:
        """The stories table came back from its changelog: derive the in-memory lookup again."""
        self.story_index.rebuild()
        log.info("story index rebuilt from %d stories", len(self.stories))

    async def assign_stories(self, work: tuple[Any, list[bytes]]) -> None:
        """Each request of a batch in turn: assign its story, send its records; a request that cannot be
        decoded or assigned is dead-lettered on its own."""
        event, requests = work
        for raw in requests:
            try:
                request = StoryRequest.from_bytes(raw)
                story_id = self.story_index.assign_sketch(request.article_id, request.sketch,
                                                          request.published).story_id
            except INFRASTRUCTURE_ERRORS:
                raise
            except Exception as exc:  # noqa: BLE001 - bad data or a core failure on this request
                ERRORS.labels("worker", "dead_letter_stories").inc()
                await self.dead_letter("stories", exc, event, payload=raw)
                continue
            for kind, key, value in request.stamped(story_id):
                await self.outbox.send(self.destinations[kind], key, value, RECORD_TYPES[kind])
                if kind == CANDIDATE:
                    await self.outbox.send(self.candidates_topic.get_topic_name(), key, value, "event")
            RECORDS_OUT.labels("worker", self.names.tagged_articles).inc()

    async def apply_event_steps(self, steps: list[Step]) -> None:
        await self.apply(steps, self.developments)

    async def apply_escalation_steps(self, steps: list[Step]) -> None:
        await self.apply(steps, self.escalation)

    async def apply(self, steps: list[Step], table: Any) -> None:
        """Alerts first, acknowledged by the broker; then the state that records them."""
        deliveries = []
        for step in steps:
            if step.alert is not None:
                alert = step.alert
                deliveries.append(await self.outbox.send(self.names.alerts, alert.alert_id, alert.to_json(),
                                                         "alert"))
                ALERTS.labels(alert.severity).inc()
                log.info("alert %s r%d %s: %s", alert.alert_id, alert.revision, alert.severity, alert.title)
        await asyncio.gather(*deliveries)
        for step in steps:
            if step.state is not None:
                table[step.key] = step.state

    async def send_routed(self, routed: tuple[Alert, list[str]]) -> None:
        alert, matched = routed
        if not matched:
            return
        value = alert.model_copy(update={"subscriptions": matched}).to_json()
        for name in matched:
            await self.outbox.send(self.names.subscription_alerts(name), alert.alert_id, value, "alert")

    async def dead_letter(self, stage: str, error: BaseException, event: Any, payload: bytes | None = None) -> None:
        """``payload``: the part of the record that failed (default: the whole record)."""
        message = event.message
        if not isinstance(error, FaultlineError):
            log.exception("%s: unexpected failure on %s[%s]@%s", stage, message.topic, message.partition,
                          message.offset, exc_info=error)
        else:
            log.warning("%s: dead-lettered %s[%s]@%s: %s", stage, message.topic, message.partition,
                        message.offset, error)
        if payload is None and isinstance(event.value, bytes | bytearray):
            payload = event.value
        letter = DeadLetter.for_payload(stage=stage, error=error, payload=payload, failed_at=self.clock(),
                                        topic=message.topic, partition=message.partition,
                                        offset=message.offset, key=event.key)
        await self.outbox.send(self.names.dlq, letter.key, letter.to_json(), "dead_letter", wait=True)
