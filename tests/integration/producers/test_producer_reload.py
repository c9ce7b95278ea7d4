"""SIGHUP makes a running `faultline produce` read its registry again: a feed added to the file is polled and
published without a restart, and a broken edit leaves the producer polling what it had."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from producer_helpers import article_ids, write_registry

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


def _rss(*links: str) -> bytes:
    items = "".join(f"<item><title>Item {link}</title><link>https://news.example/{link}</link></item>" for link in links)
    return f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def _wait_for(predicate, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(1)
    return False


def test_sighup_reloads_the_registry(topics, server, tmp_path):
    a = {"id": "a", "url": server.feed("/a", _rss("a1", "a2")), "outlet": "A", "interval": 2}
    b = {"id": "b", "url": server.feed("/b", _rss("b1")), "outlet": "B", "interval": 2}
    registry = write_registry(tmp_path / "feeds.yaml", [a])
    env = {k: v for k, v in os.environ.items() if k != "FAULTLINE_FEEDS_ALLOW_PRIVATE"}
    env.update(FAULTLINE_NAMESPACE=topics.namespace, FAULTLINE_KAFKA_BOOTSTRAP=topics.kafka_bootstrap,
               FAULTLINE_HOME=str(tmp_path / "home"))
    proc = subprocess.Popen([sys.executable, "-m", "faultline.cli.main", "produce", "--feeds", str(registry),
                             "--allow-private-addresses", "--min-interval", "1"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: len(article_ids(topics)) == 2), "feed a was not published"
        assert server.hits("/b") == []

        registry.write_text("feeds: [not a mapping\n")  # a broken edit: the producer keeps polling feed a
        proc.send_signal(signal.SIGHUP)
        time.sleep(2)
        assert proc.poll() is None

        write_registry(registry, [a, b])
        proc.send_signal(signal.SIGHUP)
        assert _wait_for(lambda: len(article_ids(topics)) == 3), "feed b was not published after SIGHUP"
        assert len(server.hits("/b")) >= 1
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr[-3000:]
    assert "registry not reloaded" in stderr and "registry reloaded: 1 added, 0 removed, 0 changed" in stderr
    assert len(article_ids(topics)) == 3  # polled every 2 s, yet each article published once
