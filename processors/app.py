"""The Faust application: topics, changelog-backed tables and five thin agents.

    raw articles ──tag──► <app>-story-requests (1 partition) ──stories──► tagged articles
                                                                    ├──► events (key = dyad or actor)
                                                                    ├──► <app>-alert-candidates (same key)
                                                                    └──► <app>-observations (key = scope:subject)
    alert candidates ──alerts──► alerts (key = alert_id) (event rules; table ``developments``)
    observations ──tables──► alerts                      (spike rules; table ``escalation``)
    alerts ──subscriptions──► alerts.<subscription>     (subscriptions followed from their compacted topic)

Story assignment needs one view of all recent stories, so it runs on a single-partition internal topic
(cheap work: lookups in the ``stories`` table); tagging, the expensive part, is spread over the raw
topic's partitions. The stories agent also sums up each article for the escalation tables (one
observation per actor, dyad and country it concerns) and passes the few events an event rule may match
to the alerts agent (the candidates, keyed like the events topic), so that no agent has to read every
event. Every table is written only by the agent reading the topic it is co-partitioned
with, one event at a time (agent concurrency 1), and values are always replaced, never mutated.

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
from processors.records import StoryRequest
from processors.subscriptions import SubscriptionFeed
from processors.tagging import TagPool, story_request

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

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
        # a few milliseconds of batching per hop: far fewer requests for a latency well under the 1 s budget
        producer_linger=0.005,
        producer_max_batch_size=512 * 1024,
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
        if self.pool is None:
            await self.each("tag", stream, lambda event: story_request(self.core, event.value, self.clock()),
                            self.request_story)
        else:
            await self.each_batch("tag", stream, self.pool.tag_many, self.send_story_request)

    async def _stories(self, stream: Any) -> None:
        await self.each("stories", stream, lambda event: StoryRequest.from_json(event.value), self.assign_story)

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
                         send: Callable[[str, bytes], Awaitable[None]], batch: int = 64,
                         within: float = 0.01) -> None:
        """:meth:`each` for work done elsewhere in batches: results (or exceptions) come back in order."""
        manual = stream.noack()
        async for events in manual.noack_take(batch, within=within):
            results = await compute_many([event.value for event in events], self.clock())
            for event, result in zip(events, results, strict=True):
                await self._finish(stage, manual, event, result, lambda r: send(*r))

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
    async def request_story(self, request: StoryRequest) -> None:
        await self.send_story_request(request.article_id, request.to_json())

    async def send_story_request(self, article_id: str, value: bytes) -> None:
        await self.outbox.send(self.story_topic.get_topic_name(), article_id, value, "story_request")

    async def _rebuild_story_index(self) -> None:
        """The stories table came back from its changelog: derive the in-memory lookup again."""
        self.story_index.rebuild()
        log.info("story index rebuilt from %d stories", len(self.stories))

    async def assign_story(self, request: StoryRequest) -> None:
        assignment = self.story_index.assign_sketch(request.article_id, tuple(request.sketch), request.published)
        out = request.stamped(assignment.story_id, self.core.events.may_match)
        await self.outbox.send(self.names.tagged_articles, request.article_id, out.tagged, "tagged_article")
        RECORDS_OUT.labels("worker", self.names.tagged_articles).inc()
        for key, value in out.events:
            await self.outbox.send(self.names.events, key, value, "event")
        for key, value in out.candidates:
            await self.outbox.send(self.candidates_topic.get_topic_name(), key, value, "event")
        for key, value in out.observations:
            await self.outbox.send(self.observations_topic.get_topic_name(), key, value, "observation")

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

    async def dead_letter(self, stage: str, error: BaseException, event: Any) -> None:
        message = event.message
        if not isinstance(error, FaultlineError):
            log.exception("%s: unexpected failure on %s[%s]@%s", stage, message.topic, message.partition,
                          message.offset, exc_info=error)
        else:
            log.warning("%s: dead-lettered %s[%s]@%s: %s", stage, message.topic, message.partition,
                        message.offset, error)
        payload = event.value if isinstance(event.value, bytes | bytearray) else None
        letter = DeadLetter.for_payload(stage=stage, error=error, payload=payload, failed_at=self.clock(),
                                        topic=message.topic, partition=message.partition,
                                        offset=message.offset, key=event.key)
        await self.outbox.send(self.names.dlq, letter.key, letter.to_json(), "dead_letter", wait=True)
