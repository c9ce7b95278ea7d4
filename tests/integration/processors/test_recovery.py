"""A worker killed mid-stream (SIGKILL) and started again: no duplicate alert ids, nothing lost, state recovered."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from worker_harness import alerts_of, dump, publish_articles, read_topic, seed_article

from faultline.schema import Alert, Article

pytestmark = [pytest.mark.integration, pytest.mark.kafka, pytest.mark.timeout(600)]

CORPUS_ARTICLES = 4000


def corpus(shared_data, n: int) -> list[Article]:
    now = datetime.now(UTC)
    out = []
    with (shared_data / "corpus" / "reuters21578.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if not row.get("text"):
                continue
            out.append(Article(article_id=f"c-{row['id']}", title=row.get("title") or "", content=row["text"],
                               published=now, fetched_at=now, outlet=row.get("source") or "Reuters"))
            if len(out) == n:
                break
    return out


def _strike(alert: Alert) -> bool:
    return alert.rule_kind == "event" and "ASSAULT" in alert.event_types and (alert.dyad or "").endswith(
        "|kataib_hezbollah")


def test_a_killed_worker_restarts_without_duplicate_alerts_and_with_its_tables(
        pipeline_settings, start_worker, seed_path, shared_data):
    names = pipeline_settings.names
    first = start_worker("first")
    background = corpus(shared_data, CORPUS_ARTICLES)
    copies = [seed_article(seed_path, f"copy-{i}", outlet) for i, outlet in enumerate(["Wire One", "Daily Two"])]
    publish_articles(pipeline_settings, [*copies, *background])

    # the seed story's alert has grown to two sources: its state is in the tables; then kill mid-stream
    before = alerts_of(read_topic(pipeline_settings, names.alerts, until=lambda rs: any(
        _strike(a) and a.sources >= 2 for a in alerts_of(rs))))
    assert any(_strike(a) and a.sources >= 2 for a in before), dump(before)
    first.kill()
    tagged_at_kill = {r.key for r in read_topic(pipeline_settings, names.tagged_articles, timeout=5, idle=1.0)}
    assert len(tagged_at_kill) < len(background) + len(copies), "the worker was not killed mid-stream"

    start_worker("second")
    # a third outlet after the restart: the same story and the same alert, one revision further
    publish_articles(pipeline_settings, [seed_article(seed_path, "copy-2", "Herald Three")])
    wanted = {a.article_id.encode() for a in [*background, *copies]} | {b"copy-2"}
    tagged = read_topic(pipeline_settings, names.tagged_articles, timeout=300,
                        until=lambda rs: wanted <= {r.key for r in rs})
    assert wanted <= {r.key for r in tagged}, f"{len(wanted - {r.key for r in tagged})} articles were lost"

    alerts = alerts_of(read_topic(pipeline_settings, names.alerts, idle=3.0, until=lambda rs: any(
        _strike(a) and a.sources >= 3 for a in alerts_of(rs))))
    strike = [a for a in alerts if _strike(a)]
    assert len({a.alert_id for a in strike}) == 1, "the restart minted a second alert for the seed story:\n" + dump(
        alerts)
    assert max(a.sources for a in strike) == 3 and max(a.revision for a in strike) >= 3

    # every development (rule, story, dyad) has one alert id; a revision number always means the same content
    developments: dict[tuple, set[str]] = {}
    revisions: dict[tuple[str, int], set[tuple]] = {}
    for alert in alerts:
        if alert.rule_kind == "event" and alert.dyad:
            developments.setdefault((alert.rule, alert.story_id, alert.dyad), set()).add(alert.alert_id)
        revisions.setdefault((alert.alert_id, alert.revision), set()).add(
            (alert.severity, alert.sources, alert.dead, alert.title))
    assert all(len(ids) == 1 for ids in developments.values()), dump(alerts)
    assert all(len(v) == 1 for v in revisions.values()), dump(alerts)
    print(f"{len(tagged_at_kill)} of {len(wanted) - 1} articles tagged before the kill; "
          f"{len(alerts)} alert records, {len({a.alert_id for a in alerts})} alerts; {time.strftime('%X')}")
