"""Helpers for the producer integration tests: topics, reading a topic back, running the producer."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from topic_reader import read_topic  # noqa: F401 - re-exported for the producer tests

from faultline.feeds.config import FetchLimits, ProducerConfig
from faultline.feeds.outcome import RunSummary
from faultline.feeds.policy import PollPolicy
from faultline.feeds.registry import FeedSpec
from faultline.settings import Settings

PRODUCER_TOPICS = ("raw_articles", "dlq", "producer_seen")
TEST_CONFIG = ProducerConfig(
    fetch=FetchLimits(allow_private=True, connect_timeout=3, read_timeout=2, total_timeout=5, max_bytes=256 * 1024,
                      max_per_host=8),
    policy=PollPolicy(min_interval=1, default_interval=1, jitter=0.0, startup_spread=1),
)


def create_topics(settings: Settings, partitions: int = 2) -> None:
    """The producer's topics, as `faultline init` creates them (the seen-state compacted)."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    names = settings.names
    specs = [s for s in names.topics() if s.name in {getattr(names, t) for t in PRODUCER_TOPICS}]
    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, request_timeout_ms=30000,
                             **settings.kafka_client_options())
    try:
        admin.create_topics([NewTopic(s.name, partitions, 1, topic_configs=s.config()) for s in specs])
    finally:
        admin.close()


def article_ids(settings: Settings) -> list[str]:
    """Keys of the raw topic, in no particular order, duplicates kept."""
    return [r.key.decode() for r in read_topic(settings, settings.names.raw_articles)]


def articles(settings: Settings) -> list[dict]:
    return [json.loads(r.value) for r in read_topic(settings, settings.names.raw_articles)]


def run_once(settings: Settings, feeds: list[FeedSpec], config: ProducerConfig = TEST_CONFIG) -> RunSummary:
    from producers.app import run

    return asyncio.run(run(settings, feeds, config, once=True, registry="test"))


def write_registry(path: Path, feeds: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"feeds": feeds}, allow_unicode=True))
    return path


def cli(settings: Settings, home: Path, *args: str, timeout: float = 600, **env: str) -> subprocess.CompletedProcess:
    """The real `faultline` command in a subprocess, pointed at ``settings``' broker and namespace."""
    full_env = {k: v for k, v in os.environ.items() if k != "FAULTLINE_FEEDS_ALLOW_PRIVATE"}
    full_env.update(FAULTLINE_NAMESPACE=settings.namespace, FAULTLINE_KAFKA_BOOTSTRAP=settings.kafka_bootstrap,
                    FAULTLINE_HOME=str(home), **env)
    return subprocess.run([sys.executable, "-m", "faultline.cli.main", *args], env=full_env, capture_output=True,
                          text=True, timeout=timeout)
