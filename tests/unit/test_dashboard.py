from datetime import UTC, datetime, timedelta

from faultline.dashboard import AlertTally, Snapshot, StageLag, Summary, render, render_summary
from faultline.schema import Alert, Versions

T0 = datetime(2026, 2, 21, 3, 0, tzinfo=UTC)


def alert(aid: str, rev: int = 1, severity: str = "high", minutes: int = 0) -> Alert:
    return Alert(alert_id=aid, revision=rev, created=T0, updated=T0 + timedelta(minutes=minutes),
                 severity=severity, title=f"alert {aid} r{rev}", rule="r", versions=Versions(catalog="c", rules="r"))


def test_tally_counts_each_alert_once_at_its_latest_revision():
    t = AlertTally()
    assert t.add([alert("a"), alert("b", severity="elevated")]) != []
    assert t.add([alert("a", rev=2, severity="critical", minutes=5)])[0].revision == 2
    assert t.add([alert("a", rev=1)]) == [], "an older revision arriving late changes nothing"
    assert t.by_severity() == {"critical": 1, "elevated": 1}
    assert [a.alert_id for a in t.recent()] == ["b", "a"]


def test_live_view_shows_lag_alerts_and_child_trouble():
    snap = Snapshot(elapsed=125, children={"producer": "running", "worker": "restarting"}, feeds_ok=10,
                    feeds_failing=2, raw_total=40, raw_rate=1.5, lags=[StageLag("worker", 7), StageLag("indexer", None)],
                    indexed={"articles": 33}, alerts_by_severity={"high": 1}, recent_alerts=[alert("a")],
                    events=["worker exited with 1; restarting in 1.0s"])
    text = "\n".join(render(snap))
    assert "02:05" in text and "worker: restarting" in text
    assert "10 ok, 2 failing" in text and "40 (1.5/s)" in text
    assert "worker lag 7" in text and "indexer lag -" in text
    assert "high 1" in text and "[    high] alert a r1" in text
    assert "! worker exited with 1" in text


def test_summary_lists_counts_and_where_to_search():
    s = Summary(feeds={"ok": 3, "failed": 1}, articles_published=12, articles_indexed=12, events_indexed=5,
                events_by_type={"ASSAULT": 3, "ACCUSE": 2}, alerts_by_severity={"high": 1},
                top_dyads=[("usa|kataib_hezbollah", 2)], alerts_on_topic=1, es_url="http://127.0.0.1:9200",
                articles_alias="faultline-articles", alerts_topic="faultline.alerts")
    text = "\n".join(render_summary(s))
    assert "12 published, 12 indexed" in text and "ASSAULT 3, ACCUSE 2" in text
    assert "usa|kataib_hezbollah" in text and "faultline search" in text
    assert s.to_dict()["top_dyads"] == [{"dyad": "usa|kataib_hezbollah", "events": 2}]
