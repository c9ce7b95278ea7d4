"""Each long-running service serves Prometheus metrics that move with the work it does."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = [pytest.mark.integration]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as resp:
            return resp.read().decode()
    except OSError:
        return ""


def test_worker_and_indexer_metrics_count_records(settings, cleanup_namespace, tmp_path):
    env = dict(os.environ, FAULTLINE_NAMESPACE=settings.namespace, FAULTLINE_HOME=str(tmp_path / "home"),
               FAULTLINE_KAFKA_BOOTSTRAP=settings.kafka_bootstrap, FAULTLINE_ES_URL=settings.es_url)
    cli = [sys.executable, "-m", "faultline.cli.main"]
    assert subprocess.run([*cli, "init"], env=env, capture_output=True, timeout=180).returncode == 0
    ports = {"worker": free_port(), "index": free_port()}
    procs = {verb: subprocess.Popen([*cli, verb], env=dict(env, FAULTLINE_METRICS_PORT=str(port)),
                                    stdout=subprocess.DEVNULL, stderr=open(tmp_path / f"{verb}.log", "wb"))
             for verb, port in ports.items()}
    try:
        article = tmp_path / "one.jsonl"
        article.write_text(json.dumps({"id": "m1", "title": "Rocket attack on base",
                                       "text": "Militants fired rockets at a base near Erbil on Monday, "
                                               "killing two soldiers, officials said."}) + "\n")
        replay = subprocess.run([*cli, "replay", str(article)], env=env, capture_output=True, text=True,
                                timeout=120)
        assert replay.returncode == 0, replay.stderr
        wanted = {
            "worker": f'faultline_records_in_total{{service="worker",topic="{settings.names.raw_articles}"}} 1.0',
            "index": f'faultline_records_in_total{{service="indexer",topic="{settings.names.tagged_articles}"}} 1.0',
        }
        deadline = time.monotonic() + 120
        seen = {verb: "" for verb in ports}
        while time.monotonic() < deadline and not all(wanted[v] in seen[v] for v in ports):
            seen = {verb: scrape(port) for verb, port in ports.items()}
            time.sleep(1)
        for verb in ports:
            assert wanted[verb] in seen[verb], (verb, seen[verb][-2000:],
                                                (tmp_path / f"{verb}.log").read_text()[-2000:])
        assert "faultline_batch_seconds_count" in seen["index"]
    finally:
        for p in procs.values():
            p.terminate()
        for p in procs.values():
            p.wait(timeout=60)
