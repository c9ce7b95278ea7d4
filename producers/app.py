"""Wiring: build the clients from settings, run the poller once or until stopped, close everything."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from contextlib import suppress

from faultline.feeds.config import ProducerConfig
from faultline.feeds.outcome import PollResult, RunSummary
from faultline.feeds.registry import FeedSpec
from faultline.settings import Settings
from producers.fetch import Fetcher
from producers.fulltext import FullText, require_trafilatura
from producers.kafka_io import Publisher, build_producer, check_topics
from producers.poller import Poller, utcnow
from producers.seenstore import SeenStore
from producers.status import load_states, status_path, write_status

log = logging.getLogger(__name__)
FLUSH_TIMEOUT = 60.0


async def run(settings: Settings, feeds: list[FeedSpec], config: ProducerConfig, *, once: bool,
              registry: str = "", stop: asyncio.Event | None = None,
              install_signal_handlers: bool = False,
              reload: Callable[[], list[FeedSpec]] | None = None) -> RunSummary | None:
    """Poll ``feeds`` and publish to ``settings``' Kafka. Returns the summary of a ``once`` run; otherwise
    runs until ``stop`` is set (or SIGINT/SIGTERM with ``install_signal_handlers``). With ``reload``, SIGHUP
    (with ``install_signal_handlers``) replaces the feeds by what it returns; an error keeps the current ones."""
    names = settings.names
    if config.fulltext.enabled:
        require_trafilatura()
    await asyncio.to_thread(check_topics, settings, [names.raw_articles, names.dlq, names.producer_seen],
                            [names.producer_seen])
    publisher = Publisher(await asyncio.to_thread(build_producer, settings, config.publish))
    seen = SeenStore(settings, publisher)
    path = status_path(settings)
    try:
        await asyncio.to_thread(seen.load)
        await _recover(seen, names.raw_articles, config.recover_window)
        await seen.prune(utcnow(), config.seen_retention)
        async with Fetcher(config.fetch) as fetcher:
            fulltext = FullText(fetcher, config.fulltext, config.normalise.max_text_chars) \
                if config.fulltext.enabled else None
            poller = Poller(feeds, config, fetcher=fetcher, publisher=publisher, seen=seen, names=names,
                            saved=load_states(path), fulltext=fulltext, on_result=_metrics(settings))

            def save(summary: dict | None = None) -> None:
                write_status(path, poller.states, updated=utcnow(), registry=registry, summary=summary)

            if once:
                summary = await poller.run_once()
                await _flush(publisher, seen)
                await asyncio.to_thread(save, summary.to_dict())
                return summary
            stop = stop or asyncio.Event()
            if install_signal_handlers:
                _on_signals(stop.set)
                if reload is not None:
                    _on_reload(lambda: _reload(poller, reload))
            watcher = asyncio.create_task(_stop_when(stop, poller))
            log.info("polling %d feeds; status in %s", len(feeds), path)
            try:
                await poller.run_forever(housekeeping=save)
            finally:
                watcher.cancel()
            await _flush(publisher, seen)
            return None
    finally:
        await asyncio.to_thread(seen.close)
        await asyncio.to_thread(publisher.close)


def _metrics(settings: Settings):
    """Prometheus counters for each poll (served only when FAULTLINE_METRICS_PORT is set)."""
    from deploy.metrics import BATCH_SECONDS, ERRORS, RECORDS_IN, RECORDS_OUT, serve

    serve(settings, "producer")
    raw = settings.names.raw_articles

    def record(result: PollResult) -> None:
        RECORDS_IN.labels("producer", "feeds").inc(result.entries)
        RECORDS_OUT.labels("producer", raw).inc(result.published)
        BATCH_SECONDS.labels("producer").observe(result.elapsed)
        if result.outcome in ("failed", "publish_failed"):
            ERRORS.labels("producer", f"feed_{result.outcome}").inc()
        if result.dead_lettered:
            ERRORS.labels("producer", "dead_letter").inc(result.dead_lettered)

    return record


async def _recover(seen: SeenStore, raw_topic: str, window: float) -> None:
    """Complete the seen-state with articles acknowledged just before the last exit but never marked."""
    if window <= 0:
        return
    since_ms = int((utcnow().timestamp() - window) * 1000)
    recovered = await asyncio.to_thread(seen.recover, raw_topic, since_ms)
    if recovered:
        log.info("seen-state: %d recently published articles had no mark; marking them now", len(recovered))
        await seen.mark_articles([(article_id, None) for article_id in recovered], utcnow())


async def _stop_when(stop: asyncio.Event, poller: Poller) -> None:
    await stop.wait()
    poller.stop()


async def _flush(publisher: Publisher, seen: SeenStore) -> None:
    if await seen.retry():
        log.warning("%d seen-state marks still unacknowledged: those articles may be published again "
                    "after a restart (same article_id, so downstream overwrites)", seen.pending)
    await publisher.flush(FLUSH_TIMEOUT)


def _reload(poller: Poller, reload: Callable[[], list[FeedSpec]]) -> None:
    try:
        feeds = reload()
    except Exception as exc:  # noqa: BLE001 - a broken registry edit must not stop the producer
        log.error("registry not reloaded, still polling %d feeds: %s", len(poller.feeds), exc)
        return
    if not feeds:
        log.error("registry not reloaded: it has no enabled feeds; still polling %d feeds", len(poller.feeds))
        return
    changes = poller.replace_feeds(feeds)
    log.info("registry reloaded: %s; polling %d feeds", changes.describe(), len(poller.feeds))


def _on_reload(callback: Callable[[], None]) -> None:
    with suppress(NotImplementedError, RuntimeError, AttributeError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, callback)


def _on_signals(stop) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop)
