"""Helpers for the processor integration tests: a real ``faultline worker`` subprocess, records in and out."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from faultline.schema import Alert, Article

REPO = Path(__file__).resolve().parents[3]
READY_TIMEOUT = 90.0  # a worker's start: loading the tagger, joining the group, recovering tables
OUTPUT_TIMEOUT = 60.0  # the longest wait for an expected record (the pipeline answers in seconds)


def faultline_command(*args: str) -> list[str]:
    """The ``faultline`` command of this interpreter's environment."""
    script = Path(sys.executable).with_name("faultline")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "faultline.cli.main", *args]


def faultline_env(settings) -> dict[str, str]:
    return {**os.environ, "FAULTLINE_NAMESPACE": settings.namespace, "FAULTLINE_HOME": str(settings.home),
            "FAULTLINE_KAFKA_BOOTSTRAP": settings.kafka_bootstrap, "FAULTLINE_LOG_LEVEL": "INFO"}


def run_faultline(settings, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(faultline_command(*args), env=faultline_env(settings), capture_output=True, text=True,
                          timeout=timeout, cwd=str(REPO))


class WorkerProcess:
    """One ``faultline worker`` in its own process, logging to a file the test can read."""

    def __init__(self, settings, home: Path, label: str = "worker") -> None:
        self.settings = settings
        self.log_path = home / f"{label}-{uuid.uuid4().hex[:6]}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(faultline_command("worker"), env=faultline_env(settings), stdout=self._log, stderr=subprocess.STDOUT,
                                     cwd=str(REPO), start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Until the consumer group is stable with this worker's partitions assigned."""
        from kafka import KafkaAdminClient

        admin = KafkaAdminClient(bootstrap_servers=self.settings.bootstrap_servers,
                                 **self.settings.kafka_client_options())
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                assert self.proc.poll() is None, f"worker exited early:\n{self.log()[-4000:]}"
                (group,) = admin.describe_consumer_groups([self.settings.names.processor_app])
                if group.state == "Stable" and group.members and all(
                    m.member_assignment and m.member_assignment.assignment for m in group.members
                ):
                    return
                time.sleep(0.3)
        finally:
            admin.close()
        raise AssertionError(f"worker not ready after {timeout}s:\n{self.log()[-4000:]}")

    def wait_log(self, text: str, timeout: float = OUTPUT_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not logged after {timeout}s:\n{self.log()[-4000:]}")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no final commit."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()
        return self.proc.returncode


# ---- records in and out -------------------------------------------------------------------------------


def seed_article(seed: Path, article_id: str, outlet: str, published: datetime | None = None) -> Article:
    """The seed article as a producer would publish it, read from the shared folder at test time."""
    lines = seed.read_text(encoding="utf-8").splitlines()
    title = lines[0].lstrip("# ").strip()
    body = "\n".join(lines[1:]).strip()
    now = published or datetime.now(UTC)
    return Article(article_id=article_id, url=f"https://{outlet.lower().replace(' ', '')}.example/{article_id}",
                   title=title, content=body, published=now, fetched_at=now, outlet=outlet, language="en")


def publish(settings, records: Iterable[tuple[bytes | None, bytes]], topic: str | None = None) -> list:
    """Send raw (key, value) pairs to the raw topic (or ``topic``); returns the record metadata."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all", linger_ms=5,
                             **settings.kafka_client_options())
    try:
        futures = [producer.send(topic or settings.names.raw_articles, key=k, value=v) for k, v in records]
        producer.flush()
        return [f.get(timeout=30) for f in futures]
    finally:
        producer.close()


def publish_articles(settings, articles: Iterable[Article]) -> list:
    return publish(settings, ((a.article_id.encode(), a.to_json()) for a in articles))


def read_topic(settings, topic: str, *, until: Callable[[list], bool] | None = None,
               timeout: float = OUTPUT_TIMEOUT, idle: float | None = None) -> list:
    """Every record of ``topic`` from the beginning, polling until ``until(records)`` holds (or ``timeout``),
    then for ``idle`` more seconds without a new record."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", **settings.kafka_client_options())
    records: list = []
    try:
        consumer.subscribe([topic])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not (until and until(records)):
            for batch in consumer.poll(timeout_ms=300).values():
                records.extend(batch)
            if until is None and records:
                break
        if idle:
            quiet_since = time.monotonic()
            while time.monotonic() - quiet_since < idle:
                got = [r for batch in consumer.poll(timeout_ms=300).values() for r in batch]
                if got:
                    records.extend(got)
                    quiet_since = time.monotonic()
    finally:
        consumer.close()
    return records


def delete_topics(settings) -> None:
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, **settings.kafka_client_options())
    try:
        prefixes = (f"{settings.namespace}.", f"{settings.namespace}-")
        mine = [t for t in admin.list_topics() if t.startswith(prefixes)]
        if mine:
            admin.delete_topics(mine)
    finally:
        admin.close()


def alerts_of(records: list) -> list[Alert]:
    return [Alert.from_json(r.value) for r in records]


def dump(alerts: list[Alert]) -> str:
    return "\n".join(json.dumps({"id": a.alert_id, "r": a.revision, "rule": a.rule, "sev": a.severity,
                                 "title": a.title, "dyad": a.dyad, "sources": a.sources}) for a in alerts)
