"""The polling loop: fetch due feeds concurrently, digest them, publish what is new, remember what was
acknowledged. Every decision (what is new, when to poll next, what a status code means) is the core's."""

from __future__ import annotations

import asyncio
import heapq
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from faultline.feeds.config import ProducerConfig
from faultline.feeds.digest import Digest, digest_feed
from faultline.feeds.outcome import PollResult, RunSummary, http_disposition
from faultline.feeds.parse import EntityExpansionRefused, NotAFeed
from faultline.feeds.policy import (
    base_interval,
    cache_control_seconds,
    first_poll_offset,
    retry_after_seconds,
)
from faultline.feeds.registry import FeedChanges, FeedSpec, diff_feeds
from faultline.feeds.seen import Validators
from faultline.feeds.state import FeedState, apply_result
from faultline.feeds.wire import article_message, dead_letter_message
from faultline.names import Names
from faultline.schema import Article, DeadLetter
from producers.fetch import Fetcher, FetchError, Response
from producers.fulltext import FullText
from producers.kafka_io import Publisher
from producers.seenstore import SeenStore

log = logging.getLogger(__name__)
# Bytes of the original kept in a dead letter: base64 of this fits the client's 1 MB request limit.
DEAD_LETTER_PAYLOAD = 500_000


def utcnow() -> datetime:
    return datetime.now(UTC)


def _is_data_error(exc: BaseException) -> bool:
    """A record the broker will never take (too large), as opposed to a broker that is unavailable."""
    from kafka.errors import MessageSizeTooLargeError

    return isinstance(exc, MessageSizeTooLargeError)


class Poller:
    def __init__(self, feeds: list[FeedSpec], config: ProducerConfig, *, fetcher: Fetcher, publisher: Publisher,
                 seen: SeenStore, names: Names, saved: dict[str, FeedState] | None = None,
                 fulltext: FullText | None = None, clock: Callable[[], datetime] = utcnow,
                 on_result: Callable[[PollResult], None] | None = None):
        self.feeds = {f.id: f for f in feeds}
        self.config = config
        self.fetcher = fetcher
        self.publisher = publisher
        self.seen = seen
        self.names = names
        self.fulltext = fulltext
        self.clock = clock
        self.on_result = on_result
        self.states = {f.id: self._initial_state(f.id, (saved or {}).get(f.id)) for f in feeds}
        self._inflight: dict[str, asyncio.Future[bool]] = {}
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._added: list[str] = []  # feeds added by ``replace_feeds``, not scheduled yet

    def _initial_state(self, feed_id: str, saved: FeedState | None) -> FeedState:
        """Counters from the status file; validators only from the seen-state (what this cluster has)."""
        v = self.seen.index.validators.get(feed_id) or Validators()
        return replace(saved or FeedState(feed_id), etag=v.etag, last_modified=v.last_modified, next_due=None)

    # ---- one feed -----------------------------------------------------------------------------
    async def poll(self, feed: FeedSpec) -> PollResult:
        """Poll one feed; never raises for anything the feed or the broker does."""
        started = time.monotonic()
        state = self.states[feed.id]
        try:
            result = await self._poll(feed, state)
        except Exception as exc:  # noqa: BLE001 - one feed never takes the producer down
            log.exception("feed %s: unexpected error", feed.id)
            result = PollResult(feed.id, "failed", error=f"internal error: {type(exc).__name__}: {exc}")
        result.elapsed = time.monotonic() - started
        self.states[feed.id] = apply_result(state, result, feed, self.config.policy, self.clock())
        self._log(feed, state, result)
        if self.on_result is not None:
            self.on_result(result)
        return result

    async def _poll(self, feed: FeedSpec, state: FeedState) -> PollResult:
        fetched_at = self.clock()
        try:
            resp = await self.fetcher.fetch(feed.url, etag=state.etag, last_modified=state.last_modified)
        except FetchError as exc:
            return PollResult(feed.id, "failed", http_status=exc.status, error=f"{exc.kind}: {exc}")
        disposition = http_disposition(resp.status)
        cache_hint = cache_control_seconds(resp.headers.get("cache-control"))
        if disposition == "not_modified":
            return PollResult(feed.id, "not_modified", http_status=resp.status, hint_seconds=cache_hint,
                              moved_to=resp.moved_to)
        if disposition == "failed":
            return PollResult(feed.id, "failed", http_status=resp.status, error=f"HTTP {resp.status}",
                              retry_after=retry_after_seconds(resp.headers.get("retry-after"), fetched_at),
                              moved_to=resp.moved_to)
        try:
            digest = await asyncio.to_thread(self._digest, feed, resp, fetched_at)
        except (NotAFeed, EntityExpansionRefused) as exc:
            return PollResult(feed.id, "failed", http_status=resp.status, error=str(exc))
        parsed = digest.parsed
        result = PollResult(
            feed.id, "ok", http_status=resp.status, entries=len(parsed.entries), unidentified=digest.unidentified,
            bozo=parsed.bozo_reason, moved_to=resp.moved_to, etag=resp.headers.get("etag"),
            last_modified=resp.headers.get("last-modified"),
            hint_seconds=max(parsed.hint_seconds or 0, cache_hint or 0) or None,
        )
        await self._publish(feed, digest, result, fetched_at)
        if result.publish_failures:
            result.outcome = "publish_failed"
            result.error = f"{result.publish_failures} articles not acknowledged by the broker; will retry"
        elif (result.etag, result.last_modified) != (state.etag, state.last_modified):
            await self.seen.mark_feed(feed.id, Validators(result.etag, result.last_modified), fetched_at)
        return result

    def _digest(self, feed: FeedSpec, resp: Response, fetched_at: datetime) -> Digest:
        return digest_feed(feed, resp.body, resp.headers, resp.url, fetched_at, self.config.normalise,
                           max_expansion=self.config.fetch.max_bytes)

    async def _publish(self, feed: FeedSpec, digest: Digest, result: PollResult, at: datetime) -> None:
        """Publish the articles nobody published yet; mark them seen once acknowledged."""
        by_id: dict[str, Article] = {}
        for article in digest.articles:
            by_id.setdefault(article.article_id, article)
        claims = self.seen.index.claim([a.article_id for a in digest.articles])
        others = [self._inflight[i] for i in claims.pending if i in self._inflight]
        loop = asyncio.get_running_loop()
        for article_id in claims.new:
            self._inflight[article_id] = loop.create_future()
        result.duplicates = claims.duplicates
        published: list[str] = []
        rejected: list[str] = []  # too large for the broker, now in the dead-letter topic
        try:
            new = [by_id[i] for i in claims.new]
            if self.fulltext is not None and feed.fulltext is not False and new:
                new = await self.fulltext.enrich(new)
            errors = await self.publisher.send([article_message(self.names.raw_articles, a) for a in new])
            letters: list[tuple[str | None, DeadLetter]] = [
                (None, DeadLetter.for_payload(stage="producer", error=f.error, payload=f.payload, failed_at=at,
                                              key=feed.id, max_payload=DEAD_LETTER_PAYLOAD))
                for f in digest.failures
            ]
            for article, error in zip(new, errors, strict=True):
                if error is None:
                    published.append(article.article_id)
                elif _is_data_error(error):
                    letters.append((article.article_id, DeadLetter.for_payload(
                        stage="producer", error=error, payload=article.to_json(), failed_at=at,
                        topic=self.names.raw_articles, key=article.article_id, max_payload=DEAD_LETTER_PAYLOAD)))
                else:
                    result.publish_failures += 1
            letter_errors = await self.publisher.send([dead_letter_message(self.names.dlq, dl) for _, dl in letters])
            for (article_id, _), error in zip(letters, letter_errors, strict=True):
                if error is not None:
                    result.publish_failures += 1
                    continue
                result.dead_lettered += 1
                if article_id is not None:
                    rejected.append(article_id)
        finally:
            handled = set(published) | set(rejected)
            for article_id in claims.new:
                ok = article_id in handled
                if ok:
                    self.seen.index.confirm(article_id, at)
                else:
                    self.seen.index.release(article_id)
                fut = self._inflight.pop(article_id, None)
                if fut is not None and not fut.done():
                    fut.set_result(ok)
        result.published = len(published)
        if handled:
            await self.seen.mark_articles([(i, feed.id) for i in [*published, *rejected]], at)
        if others:
            outcomes = await asyncio.gather(*others)
            failed = outcomes.count(False)
            result.duplicates += len(outcomes) - failed
            result.publish_failures += failed  # published by nobody yet: this feed's validators must not move

    # ---- many feeds ---------------------------------------------------------------------------
    async def run_once(self, feeds: list[FeedSpec] | None = None) -> RunSummary:
        """Poll every feed once, concurrently (bounded), and wait for every acknowledgement."""
        feeds = feeds if feeds is not None else list(self.feeds.values())
        slots = asyncio.Semaphore(self.config.fetch.max_connections)
        summary = RunSummary()
        started = time.monotonic()

        async def one(feed: FeedSpec) -> None:
            async with slots:
                summary.add(await self.poll(feed))

        await asyncio.gather(*(one(f) for f in feeds))
        await self.seen.retry()
        summary.elapsed = time.monotonic() - started
        return summary

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def replace_feeds(self, feeds: list[FeedSpec]) -> FeedChanges:
        """Poll ``feeds`` from now on (a reloaded registry): new feeds are scheduled, removed ones are not
        polled again once their poll under way ends, changed ones are polled with their new settings."""
        changes = diff_feeds(list(self.feeds.values()), feeds)
        self.feeds = {f.id: f for f in feeds}
        for feed_id in changes.added:
            self.states.setdefault(feed_id, self._initial_state(feed_id, None))
        for feed_id in changes.removed:
            self.states.pop(feed_id, None)
        self._added.extend(changes.added)
        self._wake.set()
        return changes

    async def run_forever(self, housekeeping: Callable[[], object] | None = None) -> None:
        """Poll each feed when it is due until ``stop()``; then finish the polls under way."""
        loop = asyncio.get_running_loop()
        policy = self.config.policy
        start = loop.time()
        heap = [(start + first_poll_offset(f.id, base_interval(f.interval, policy), policy), f.id)
                for f in self.feeds.values()]
        heapq.heapify(heap)
        running: set[asyncio.Task] = set()
        limit = self.config.fetch.max_connections
        next_chores = start + self.config.status_every

        scheduled = set(self.feeds)  # feeds in the heap or being polled

        async def poll_and_reschedule(feed_id: str) -> None:
            feed = self.feeds.get(feed_id)
            if feed is not None:
                await self.poll(feed)
            if feed_id not in self.feeds:  # removed from the registry meanwhile
                self.states.pop(feed_id, None)
                scheduled.discard(feed_id)
                return
            due = self.states[feed_id].next_due
            wait = (due - self.clock()).total_seconds() if due else policy.default_interval
            heapq.heappush(heap, (loop.time() + max(0.0, wait), feed_id))
            self._wake.set()

        while not self._stopping.is_set():
            now = loop.time()
            while self._added:
                feed_id = self._added.pop(0)
                if feed_id in self.feeds and feed_id not in scheduled:
                    scheduled.add(feed_id)
                    offset = first_poll_offset(feed_id, base_interval(self.feeds[feed_id].interval, policy), policy)
                    heapq.heappush(heap, (now + offset, feed_id))
            while heap and heap[0][0] <= now and len(running) < limit:
                _, feed_id = heapq.heappop(heap)
                if feed_id not in self.feeds:
                    scheduled.discard(feed_id)
                    continue  # removed from the registry
                task = asyncio.create_task(poll_and_reschedule(feed_id), name=f"poll {feed_id}")
                running.add(task)
                task.add_done_callback(running.discard)
            if now >= next_chores:
                await self._chores(housekeeping)
                next_chores = loop.time() + self.config.status_every
            timeout = next_chores - now
            if heap and len(running) < limit:
                timeout = min(timeout, heap[0][0] - now)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.005, timeout))
            except TimeoutError:
                pass
        if running:
            log.info("stopping: waiting for %d polls under way", len(running))
            _, late = await asyncio.wait(running, timeout=self.config.fetch.total_timeout + 30)
            for task in late:
                task.cancel()
        await self._chores(housekeeping)

    async def _chores(self, housekeeping: Callable[[], object] | None) -> None:
        await asyncio.to_thread(self.seen.refresh)
        await self.seen.retry()
        await self.seen.prune(utcnow(), self.config.seen_retention)
        if housekeeping is not None:
            await asyncio.to_thread(housekeeping)

    # ---- reporting ----------------------------------------------------------------------------
    def _log(self, feed: FeedSpec, before: FeedState, result: PollResult) -> None:
        if result.outcome in ("failed", "publish_failed"):
            level = logging.WARNING if before.consecutive_failures == 0 or result.outcome == "publish_failed" \
                else logging.INFO
            log.log(level, "feed %s failed (%s): %s", feed.id, result.http_status or "-", result.error)
        elif before.consecutive_failures:
            log.info("feed %s recovered after %d failures", feed.id, before.consecutive_failures)
        if result.moved_to and result.moved_to != before.moved_to:
            log.warning("feed %s moved permanently to %s: update the registry", feed.id, result.moved_to)
        log.debug("feed %s: %s, %d entries, %d new, %d duplicates", feed.id, result.outcome, result.entries,
                  result.published, result.duplicates)
