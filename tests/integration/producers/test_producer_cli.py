"""The real CLI: `faultline replay` into real Kafka, and `faultline produce` failing in ways an operator can act on."""

from __future__ import annotations

import json

import pytest
from producer_helpers import article_ids, cli, read_topic, write_registry

from faultline.schema import HEADER_RECORD_TYPE, HEADER_SCHEMA_VERSION, Article

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


def test_replay_publishes_the_corpus_keyed_by_article_id(topics, shared_data, tmp_path):
    corpus = shared_data / "corpus" / "aljazeera_2025_05.jsonl"
    lines = [json.loads(line) for line in corpus.read_text().splitlines() if line.strip()]
    done = cli(topics, tmp_path, "replay", str(corpus), "--json", "--no-progress")
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert (report["read"], report["published"], report["invalid"], report["failed"]) == (len(lines),) * 2 + (0, 0)
    records = read_topic(topics, topics.names.raw_articles)
    assert len(records) == len(lines)
    arts = [Article.from_json(r.value) for r in records]
    assert all(r.key.decode() == a.article_id for r, a in zip(records, arts, strict=True))
    assert dict(records[0].headers)[HEADER_SCHEMA_VERSION] == b"1"
    assert dict(records[0].headers)[HEADER_RECORD_TYPE] == b"article"
    by_url = {a.url: a for a in arts}
    first = lines[0]
    art = by_url[first["url"]]
    assert art.title == first["title"] and art.outlet == "Al Jazeera English" and art.feed_id == "al-jazeera-english"
    assert art.published_from == "input" and art.language == "en" and art.content


def test_replay_reports_bad_lines_and_publishes_the_rest(topics, tmp_path):
    src = tmp_path / "mixed.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "r-1", "title": "Talks in Muscat", "text": "Delegations met in Muscat on Sunday."}),
        "{not json",
        json.dumps({"id": "r-2", "title": "No text here"}),
        "",
        json.dumps({"url": "https://news.example/x", "title": "Strike", "text": "A depot was hit.", "language": "en"}),
    ]) + "\n")
    done = cli(topics, tmp_path, "replay", str(src), "--no-progress")
    assert done.returncode == 1, done.stderr
    assert "replayed 4 records" in done.stdout and "2 published" in done.stdout and "2 invalid" in done.stdout
    assert f"{src}:2: not JSON" in done.stdout and f"{src}:3: 'text' is missing" in done.stdout
    assert len(article_ids(topics)) == 2


def test_replay_of_a_missing_file(topics, tmp_path):
    done = cli(topics, tmp_path, "replay", str(tmp_path / "nope.jsonl"), "--no-progress")
    assert done.returncode == 3 and "no such file" in done.stderr


def test_produce_without_topics_says_to_run_init(settings, kafka_bootstrap, server, tmp_path):
    reg = write_registry(tmp_path / "r.yaml", [{"id": "a", "url": server.url("/rss"), "outlet": "A"}])
    done = cli(settings, tmp_path, "produce", "--feeds", str(reg), "--once", "--allow-private-addresses")
    assert done.returncode == 3
    assert "faultline init --kafka-only" in done.stderr and settings.names.producer_seen in done.stderr


def test_produce_with_an_unreachable_broker(settings, server, tmp_path):
    reg = write_registry(tmp_path / "r.yaml", [{"id": "a", "url": server.url("/rss"), "outlet": "A"}])
    away = settings.model_copy(update={"kafka_bootstrap": "127.0.0.1:9"})
    done = cli(away, tmp_path, "produce", "--feeds", str(reg), "--once", "--allow-private-addresses", timeout=120)
    assert done.returncode == 4
    assert "cannot reach Kafka at 127.0.0.1:9" in done.stderr
    assert server.requests == []


def test_produce_refuses_a_bad_registry(settings, tmp_path):
    reg = tmp_path / "r.yaml"
    reg.write_text('feeds:\n  - {id: a, url: "ftp://x.example/", outlet: A}\n')
    done = cli(settings, tmp_path, "produce", "--feeds", str(reg), "--once")
    assert done.returncode == 3 and "1 errors" in done.stderr and "feeds check" in done.stderr
    done = cli(settings, tmp_path, "produce", "--feeds", str(tmp_path / "missing.yaml"), "--once")
    assert done.returncode == 3 and "cannot read the feed registry" in done.stderr


def test_produce_only_selected_feeds(topics, server, tmp_path):
    body = b'<rss version="2.0"><channel><item><title>t</title><link>https://news.example/only</link></item></channel></rss>'
    reg = write_registry(tmp_path / "r.yaml", [
        {"id": "a", "url": server.feed("/a", body), "outlet": "A"},
        {"id": "b", "url": server.feed("/b", body), "outlet": "B", "enabled": False},
    ])
    done = cli(topics, tmp_path, "produce", "--feeds", str(reg), "--once", "--only", "b", "--allow-private-addresses")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "polled 1 feeds" in done.stdout and server.hits("/a") == [] and len(server.hits("/b")) == 1
    assert len(article_ids(topics)) == 1
    unknown = cli(topics, tmp_path, "produce", "--feeds", str(reg), "--once", "--only", "zz")
    assert unknown.returncode == 3 and "unknown feed ids in --only: zz" in unknown.stderr
