"""`faultline subscribe add|list|remove` and `faultline alerts tail` on the real broker."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from worker_harness import publish, read_topic, run_faultline

from faultline.schema import Alert, Subscription, Versions

pytestmark = [pytest.mark.integration, pytest.mark.kafka, pytest.mark.timeout(300)]


def _alert(alert_id: str, severity: str, revision: int = 1) -> Alert:
    now = datetime.now(UTC)
    return Alert(alert_id=alert_id, revision=revision, created=now, updated=now, severity=severity,
                 title=f"{severity} development {alert_id}", rule="test_rule", versions=Versions(catalog="c", rules="r"))


def test_subscriptions_are_added_listed_replaced_and_removed(pipeline_settings):
    names = pipeline_settings.names
    out = run_faultline(pipeline_settings, "subscribe", "add", "badr", "--actor", "Badr Organisation")
    assert out.returncode == 0, out.stderr
    assert names.subscription_alerts("badr") in out.stdout
    out = run_faultline(pipeline_settings, "subscribe", "add", "pmf", "--member-of", "Popular Mobilisation Forces",
                        "--min-severity", "high")
    assert out.returncode == 0, out.stderr
    out = run_faultline(pipeline_settings, "subscribe", "add", "badr", "--actor", "badr_organization",
                        "--type", "THREATEN")
    assert out.returncode == 0, out.stderr

    listed = run_faultline(pipeline_settings, "subscribe", "list", "--json")
    subs = {s.name: s for s in (Subscription.model_validate(json.loads(line)) for line in listed.stdout.splitlines())}
    assert set(subs) == {"badr", "pmf"}
    assert subs["badr"].actors == ["badr_organization"] and subs["badr"].event_types == ["THREATEN"]
    assert subs["pmf"].members_of == ["Popular Mobilisation Forces"] and subs["pmf"].min_severity == "high"

    assert run_faultline(pipeline_settings, "subscribe", "remove", "pmf").returncode == 0
    assert run_faultline(pipeline_settings, "subscribe", "remove", "pmf").returncode == 1
    listed = run_faultline(pipeline_settings, "subscribe", "list")
    assert listed.stdout.startswith("badr") and "pmf" not in listed.stdout

    # the compacted topic holds the history: the record for pmf is a tombstone
    records = read_topic(pipeline_settings, names.subscriptions, until=lambda rs: len(rs) >= 4)
    assert [r.key for r in records][-1] == b"pmf" and records[-1].value is None
    topics = run_faultline(pipeline_settings, "subscribe", "add", "Not A Name")
    assert topics.returncode == 3 and "invalid subscription name" in topics.stderr


def test_alerts_tail_filters_by_severity_and_stops_when_idle(pipeline_settings):
    alerts = [_alert("al-a", "elevated"), _alert("al-b", "high"), _alert("al-b", "critical", revision=2),
              _alert("al-c", "low")]
    publish(pipeline_settings, [(a.alert_id.encode(), a.to_json()) for a in alerts],
            topic=pipeline_settings.names.alerts)

    out = run_faultline(pipeline_settings, "alerts", "tail", "--from-beginning", "--until-idle", "3", "--json",
                        "--severity", "high")
    assert out.returncode == 0, out.stderr
    shown = [Alert.model_validate(json.loads(line)) for line in out.stdout.splitlines()]
    assert [(a.alert_id, a.revision) for a in shown] == [("al-b", 1), ("al-b", 2)]

    text = run_faultline(pipeline_settings, "alerts", "tail", "--from-beginning", "--until-idle", "2")
    lines = text.stdout.splitlines()  # partitions interleave; one alert's revisions stay in order
    assert len(lines) == 4 and any("ELEV  r1  elevated development al-a" in line for line in lines)
    b_lines = [line for line in lines if line.endswith(" al-b")]
    assert "HIGH  r1" in b_lines[0] and "CRIT  r2" in b_lines[1]

    # a subscription's own topic
    routed = _alert("al-s", "high").model_copy(update={"subscriptions": ["badr"]})
    assert run_faultline(pipeline_settings, "subscribe", "add", "badr", "--actor", "badr_organization").returncode == 0
    publish(pipeline_settings, [(b"al-s", routed.to_json())], topic=pipeline_settings.names.subscription_alerts("badr"))
    sub = run_faultline(pipeline_settings, "alerts", "tail", "--subscription", "badr", "--from-beginning",
                        "--until-idle", "2", "--json")
    assert [json.loads(line)["alert_id"] for line in sub.stdout.splitlines()] == ["al-s"]
