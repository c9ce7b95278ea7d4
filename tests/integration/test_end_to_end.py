"""The whole pipeline as a user runs it: `faultline up --once` over real feed snapshots, then the seed article.

Real Kafka, real Elasticsearch, the real CLI in subprocesses; feeds served from a local HTTP server.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from topic_reader import read_topic

from faultline.schema import Alert, band_rank

pytestmark = [pytest.mark.integration]


@pytest.fixture
def feed_server(shared_data):
    root = shared_data / "feeds" / "real"
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401 - keep test output readable
        pass


def _env(settings, tmp_path: Path) -> dict:
    return dict(os.environ, FAULTLINE_NAMESPACE=settings.namespace, FAULTLINE_KAFKA_BOOTSTRAP=settings.kafka_bootstrap,
                FAULTLINE_ES_URL=settings.es_url, FAULTLINE_HOME=str(tmp_path / "home"),
                FAULTLINE_DIST_DIR=str(settings.dist_dir or settings.home / "dist"))


def _cli(env: dict, *args: str, timeout: float = 900, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "faultline.cli.main", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, **kw)


def test_up_once_indexes_every_published_article_exactly_once(settings, es, cleanup_namespace, feed_server,
                                                              tmp_path):
    root, base = feed_server
    registry = tmp_path / "feeds.yaml"
    registry.write_text(yaml.safe_dump({"feeds": [
        {"id": f.stem.lower().replace("_", "-").replace(".", "-"), "url": f"{base}/{f.name}", "outlet": f.stem}
        for f in sorted(root.iterdir()) if f.is_file()
    ]}))
    summary_file = tmp_path / "summary.json"
    # The snapshots are months old: a wide horizon lets them count as news, as for any archive replay.
    result = _cli(_env(settings, tmp_path), "up", "--once", "--allow-private-addresses", "--quiet",
                  "--stale-after", str(24 * 365 * 20), "--feeds", str(registry), "--summary-json", str(summary_file))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    summary = json.loads(summary_file.read_text())
    names = settings.names

    raw = read_topic(settings, names.raw_articles)
    ids = [r.key.decode() for r in raw]
    assert ids, "the producer published nothing"
    assert len(ids) == len(set(ids)), "an article was published twice"

    es.indices.refresh(index=names.articles_alias)
    indexed = es.search(index=names.articles_alias, size=10000, query={"match_all": {}}, source=False)
    indexed_ids = [h["_id"] for h in indexed["hits"]["hits"]]
    assert sorted(indexed_ids) == sorted(ids), "every published article is in the index exactly once"

    events = es.count(index=names.events_alias)["count"]
    assert events > 0
    alerts_on_topic = {Alert.from_json(r.value).alert_id for r in read_topic(settings, names.alerts)}
    alerts_indexed = es.count(index=names.alerts_alias)["count"]
    assert alerts_on_topic, "no alert was raised from the real feeds"
    assert alerts_indexed == len(alerts_on_topic)

    assert sum(summary["feeds"].values()) == len(list(root.iterdir())), summary["feeds"]
    assert summary["articles_published"] == len(ids)
    assert summary["articles_indexed"] == len(indexed_ids)
    assert summary["events_indexed"] == events
    assert summary["alerts_on_topic"] == len(alerts_on_topic)
    assert sum(summary["alerts_by_severity"].values()) == alerts_indexed
    assert sum(summary["events_by_type"].values()) == events
    assert "faultline search" in result.stdout


def test_the_seed_article_raises_its_alert_on_alerts_tail(settings, cleanup_namespace, shared_data, tmp_path):
    env = _env(settings, tmp_path)
    init = _cli(env, "init", "--kafka-only")
    assert init.returncode == 0, init.stderr
    seed = (shared_data.parent / "seed" / "article.md").read_text()
    title, _, body = seed.partition("\n")
    article = tmp_path / "seed.jsonl"
    article.write_text(json.dumps({"id": "seed-kh-strike", "title": title.lstrip("# ").strip(),
                                   "text": body.strip(), "outlet": "Seed Wire"}) + "\n")
    worker = subprocess.Popen([sys.executable, "-m", "faultline.cli.main", "worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=open(tmp_path / "worker.log", "wb"))
    try:
        replay = _cli(env, "replay", str(article), timeout=120)
        assert replay.returncode == 0, replay.stderr
        tail = _cli(env, "alerts", "tail", "--json", "--from-beginning", "--until-idle", "45", timeout=300)
        assert tail.returncode == 0, tail.stderr
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    alerts = [Alert.model_validate_json(line) for line in tail.stdout.splitlines() if line.strip()]
    strike = [a for a in alerts if "ASSAULT" in a.event_types and band_rank(a.severity) >= band_rank("high")
              and a.dyad and a.dyad.startswith("usa") and "kataib_hezbollah" in a.dyad]
    assert strike, f"no high-severity US -> Kataib Hezbollah ASSAULT alert among {[a.title for a in alerts]}; " \
                   f"worker log: {(tmp_path / 'worker.log').read_text()[-2000:]}"
    assert any("drone strike" in ev.sentence.lower() for ev in strike[0].evidence)


def test_ctrl_c_stops_the_pipeline_cleanly(settings, es, cleanup_namespace, feed_server, tmp_path):
    """SIGINT: the producer stops first, worker and indexer flush; exit 0 and no child left behind."""
    import re
    import signal

    root, base = feed_server
    registry = tmp_path / "feeds.yaml"
    registry.write_text(yaml.safe_dump({"feeds": [
        {"id": f"f{i}", "url": f"{base}/{f.name}", "outlet": f.stem}
        for i, f in enumerate(sorted(root.glob("*2026-08-13*.xml")))
    ]}))
    log = tmp_path / "up.log"
    proc = subprocess.Popen([sys.executable, "-m", "faultline.cli.main", "up", "--quiet", "--allow-private-addresses",
                             "--stale-after", str(24 * 365 * 20), "--feeds", str(registry)],
                            env=_env(settings, tmp_path), stdout=subprocess.DEVNULL, stderr=open(log, "wb"))
    try:
        deadline = time.monotonic() + 240
        indexed = 0
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                indexed = es.count(index=settings.names.articles_alias)["count"]
            except Exception:  # noqa: BLE001 - the alias appears after init
                indexed = 0
            if indexed:
                break
            time.sleep(2)
        assert indexed > 0, log.read_text()[-3000:]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=180) == 0, log.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
    children = [int(p) for p in re.findall(r"started \w+ \(pid (\d+)\)", log.read_text())]
    assert len(children) == 3
    for pid in children:
        assert not os.path.exists(f"/proc/{pid}") or "Z" in open(f"/proc/{pid}/stat").read().split(")")[1][:3], \
            f"child {pid} outlived `faultline up`"
    assert "stopping (signal 2)" in log.read_text()
