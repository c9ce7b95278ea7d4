"""A broker that dies in the middle of a poll and comes back: nothing lost, nothing duplicated by id.

The shared Kafka is never touched: this test starts its own broker on other ports (same cached jars), points
the real `faultline produce` at it, kills the broker with SIGKILL while feeds are being published, restarts it
on the same data, and reads the raw topic back.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest
from aiohttp import web
from producer_helpers import article_ids, create_topics, write_registry

from deploy.local.stack import KafkaService, _pid_alive, dist_root, port_open
from faultline.feeds.urls import article_id_for_url, canonical_url
from faultline.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

FEEDS, ITEMS, DELAY = 48, 12, 0.3


def free_port_pair() -> int:
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 65000 and not port_open("127.0.0.1", port) and not port_open("127.0.0.1", port + 1):
            return port
    raise RuntimeError("no free port pair")


def wait_healthy(svc: KafkaService, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            svc.health()
            return
        except Exception:  # noqa: BLE001 - not up yet
            if time.monotonic() > deadline:
                raise AssertionError(f"private Kafka not healthy after {timeout}s:\n{svc.log_tail(30)}") from None
            time.sleep(0.5)


def kill_broker(svc: KafkaService) -> None:
    pid = svc.pid()
    assert pid is not None
    os.killpg(pid, signal.SIGKILL)
    for _ in range(100):
        if not _pid_alive(pid):
            return
        time.sleep(0.1)
    raise AssertionError("the private broker survived SIGKILL")


@pytest.fixture
def private_kafka(stack, tmp_path, monkeypatch):
    monkeypatch.setenv("FAULTLINE_KAFKA_HEAP", "384m")
    settings = Settings(home=tmp_path / "kafka-home", kafka_bootstrap=f"127.0.0.1:{free_port_pair()}",
                        dist_dir=dist_root(stack), namespace=f"outage{uuid.uuid4().hex[:8]}", topic_partitions=2)
    svc = KafkaService(settings)
    try:
        svc.start()
        wait_healthy(svc)
        yield settings, svc
    finally:
        svc.stop(timeout=30)


def slow_feeds(server, tmp_path, settings: Settings, *, conditional: bool) -> tuple[list[str], set[str], dict]:
    """FEEDS feeds of ITEMS entries, each answered after DELAY; the producer's argv, expected ids and env."""
    feeds, expected = [], set()
    for f in range(FEEDS):
        links = [f"https://news.example/feed{f}/story{i}" for i in range(ITEMS)]
        expected |= {article_id_for_url(canonical_url(u)) for u in links}
        body = ('<rss version="2.0"><channel><title>t</title>' + "".join(
            f"<item><title>Story {i} of feed {f}</title><link>{u}</link></item>" for i, u in enumerate(links))
            + "</channel></rss>").encode()
        etag = f'"{f}"'

        async def slow(request, body=body, etag=etag):
            await asyncio.sleep(DELAY)
            if conditional and request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            return web.Response(body=body, content_type="application/rss+xml",
                                headers={"ETag": etag} if conditional else None)

        feeds.append({"id": f"feed-{f}", "url": server.route(f"/feed{f}", slow), "outlet": "Test"})
    registry = write_registry(tmp_path / "feeds.yaml", feeds)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAULTLINE_")}
    env.update(FAULTLINE_NAMESPACE=settings.namespace, FAULTLINE_KAFKA_BOOTSTRAP=settings.kafka_bootstrap,
               FAULTLINE_HOME=str(tmp_path / "producer-home"))
    argv = [sys.executable, "-m", "faultline.cli.main", "produce", "--feeds", str(registry), "--once", "--json",
            "--allow-private-addresses", "--max-per-host", "4", "--max-connections", "4"]
    return argv, expected, env


def kill_when_a_quarter_is_fetched(proc: subprocess.Popen, server, svc: KafkaService) -> int:
    deadline = time.monotonic() + 60
    while len(server.requests) < FEEDS // 4:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the producer did not start polling"
        time.sleep(0.05)
    kill_broker(svc)
    return len(server.requests)


def test_broker_outage_during_a_poll(private_kafka, server, tmp_path):
    settings, svc = private_kafka
    create_topics(settings)
    argv, expected, env = slow_feeds(server, tmp_path, settings, conditional=False)

    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        fetched_when_killed = kill_when_a_quarter_is_fetched(proc, server, svc)
        time.sleep(4)  # polls go on; their articles wait in the client for the broker
        svc.start()
        wait_healthy(svc)
        out, err = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert fetched_when_killed < FEEDS, "the poll was over before the broker went away"
    assert len(server.requests) == FEEDS
    assert "ECONNREFUSED" in err, "the producer never noticed the broker was gone"
    assert proc.returncode == 0, err[-3000:]  # no crash: the client held the records until the broker was back
    summary = json.loads(out)
    assert (summary["published"], summary["publish_failures"]) == (FEEDS * ITEMS, 0)

    published = Counter(article_ids(settings))
    assert [k for k, n in published.items() if n > 1] == [], "an article was written twice"
    assert set(published) == expected, f"{len(expected - set(published))} articles lost"

    again = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=240)
    assert again.returncode == 0, again.stderr[-3000:]
    assert json.loads(again.stdout)["published"] == 0


def test_broker_away_longer_than_the_delivery_timeout(private_kafka, server, tmp_path):
    """What the client gave up on is not marked seen and the feed's validators do not move: the next run gets
    a full response for exactly those feeds (304 for the others) and publishes exactly what is missing."""
    settings, svc = private_kafka
    create_topics(settings)
    argv, expected, env = slow_feeds(server, tmp_path, settings, conditional=True)
    proc = subprocess.Popen([*argv, "--delivery-timeout", "2"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        kill_when_a_quarter_is_fetched(proc, server, svc)
        out, err = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 4, err[-3000:]
    assert "not acknowledged by Kafka; run again" in err
    first = json.loads(out)
    assert first["publish_failed"] > 0 and first["published"] < FEEDS * ITEMS

    svc.start()
    wait_healthy(svc)
    server.requests.clear()
    rerun = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=240)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    second = json.loads(rerun.stdout)
    assert second["not_modified"] == FEEDS - first["publish_failed"]  # fully published before: 304 now
    assert second["ok"] == first["publish_failed"]

    published = Counter(article_ids(settings))
    assert [k for k, n in published.items() if n > 1] == [], "an article was written twice"
    assert set(published) == expected, f"{len(expected - set(published))} articles lost"
