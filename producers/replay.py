"""Backfills and benchmarks: publish articles from JSON Lines files, at full speed or at a fixed rate.

Each line is a record with ``title``, ``text`` and ``url`` or ``id`` (``published``, ``outlet``/``source``,
``feed_id``, ``language`` optional). Replays do not consult the seen-state: the key is the article_id, so a
replayed article overwrites downstream instead of adding.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from faultline.errors import ConfigError, DataError
from faultline.feeds.config import PublishOptions
from faultline.feeds.normalise import NormaliseOptions, article_from_record
from faultline.feeds.wire import article_message
from faultline.settings import Settings
from producers.kafka_io import build_producer, check_topics

log = logging.getLogger(__name__)
MAX_REPORTED_ERRORS = 20
FLUSH_TIMEOUT = 120.0


@dataclass
class ReplayReport:
    read: int = 0  # records read (valid or not)
    sent: int = 0
    published: int = 0  # acknowledged by the broker
    invalid: int = 0
    failed: int = 0  # not acknowledged
    elapsed: float = 0.0
    errors: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(message)

    @property
    def rate(self) -> float:
        return self.published / self.elapsed if self.elapsed else 0.0


def count_records(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        with path.open("rb") as fh:
            total += sum(1 for line in fh if line.strip())
    return total


def read_records(paths: list[Path]) -> Iterator[tuple[str, object]]:
    """(``file:line``, decoded JSON or the decoding error) for every non-blank line."""
    for path in paths:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield f"{path}:{n}", json.loads(line)
                except ValueError as exc:
                    yield f"{path}:{n}", DataError(f"not JSON: {exc}")


def replay(settings: Settings, paths: list[Path], *, rate: float | None = None, limit: int | None = None,
           options: NormaliseOptions | None = None, publish: PublishOptions | None = None,
           progress: Callable[[ReplayReport], None] | None = None) -> ReplayReport:
    for path in paths:
        if not path.is_file():
            raise ConfigError(f"no such file: {path}")
    if rate is not None and rate <= 0:
        raise ConfigError("--rate must be positive")
    options = options or NormaliseOptions()
    topic = settings.names.raw_articles
    check_topics(settings, [topic], [])
    producer = build_producer(settings, publish or PublishOptions(linger_ms=50), client_id="faultline-replay")
    report = ReplayReport()
    lock = threading.Lock()

    def acked(_md: object) -> None:
        with lock:
            report.published += 1

    def failed(exc: BaseException) -> None:
        with lock:
            report.failed += 1
            report.note(f"not acknowledged: {exc}")

    started = time.monotonic()
    last_progress = 0.0
    try:
        for where, record in read_records(paths):
            if limit is not None and report.read >= limit:
                break
            report.read += 1
            try:
                if isinstance(record, Exception):
                    raise record
                article = article_from_record(record, datetime.now(UTC), options)
            except (DataError, ValueError) as exc:
                report.invalid += 1
                report.note(f"{where}: {exc}")
                continue
            msg = article_message(topic, article)
            if rate:
                ahead = started + report.sent / rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
            try:
                future = producer.send(msg.topic, key=msg.key, value=msg.value, headers=list(msg.headers))
            except Exception as exc:  # noqa: BLE001 - counted and reported, the replay goes on
                failed(exc)
                continue
            report.sent += 1
            future.add_callback(acked)
            future.add_errback(failed)
            now = time.monotonic()
            if progress and now - last_progress >= 0.1:
                report.elapsed = now - started
                progress(report)
                last_progress = now
        producer.flush(timeout=FLUSH_TIMEOUT)
    finally:
        producer.close(timeout=10)
    report.elapsed = time.monotonic() - started
    if progress:
        progress(report)
    return report
