from datetime import UTC, datetime, timedelta

import pytest
from indexing_samples import alert, article, event

from faultline.indexing.documents import build_action
from faultline.indexing.query import (
    Near,
    SearchError,
    SearchRequest,
    build_query,
    format_table,
    parse_near,
    parse_since,
)
from faultline.names import Names

NOW = datetime(2025, 2, 22, 12, 0, tzinfo=UTC)


def filters(body):
    return body["query"]["bool"]["filter"]


@pytest.mark.parametrize("text,expected", [
    ("30m", NOW - timedelta(minutes=30)), ("24h", NOW - timedelta(hours=24)), ("7d", NOW - timedelta(days=7)),
    ("2w", NOW - timedelta(weeks=2)), ("2025-02-01", datetime(2025, 2, 1, tzinfo=UTC)),
    ("2025-02-01T10:00:00+02:00", datetime(2025, 2, 1, 8, tzinfo=UTC)),
])
def test_since_reads_relative_and_absolute_times(text, expected):
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["yesterday", "5y", ""])
def test_since_refuses_what_it_cannot_read(text):
    with pytest.raises(SearchError):
        parse_since(text, NOW)


def test_near_reads_a_point_and_an_optional_radius():
    assert parse_near("32.9,44.1") == Near(32.9, 44.1, 50.0)
    assert parse_near("32.9,44.1,10") == Near(32.9, 44.1, 10.0)
    for bad in ("32.9", "a,b", "95,0", "0,200"):
        with pytest.raises(SearchError):
            parse_near(bad)


def test_options_become_filters_and_text_ranks():
    body = build_query(SearchRequest(kind="articles", text="drone strike", actor="Kataib Hezbollah",
                                     types=("assault",), country="irq", since=NOW, severity="high", limit=5))
    assert body["query"]["bool"]["must"][0]["multi_match"]["query"] == "drone strike"
    f = filters(body)
    assert {"terms": {"event_types": ["ASSAULT"]}} in f
    assert {"term": {"countries": "IRQ"}} in f
    assert {"range": {"published": {"gte": "2025-02-22T12:00:00Z"}}} in f
    assert {"range": {"severity.rank": {"gte": 2}}} in f
    actor = f[0]["bool"]["should"]
    assert {"match_phrase": {"actors.name": "Kataib Hezbollah"}} in actor
    assert body["sort"][0] == "_score" and body["size"] == 5


def test_without_text_everything_matches_newest_first():
    body = build_query(SearchRequest(kind="alerts"))
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["sort"] == [{"updated": {"order": "desc"}}]


def test_events_search_actors_in_both_roles_and_places_by_point():
    body = build_query(SearchRequest(kind="events", actor="usa", near=Near(32.87, 44.12, 20), place="Jurf"))
    should = filters(body)[0]["bool"]["should"]
    fields = {next(iter(c[k])) for c in should for k in c}
    assert fields == {"source.id", "source.name", "target.id", "target.name"}
    assert {"geo_distance": {"distance": "20km", "location": {"lat": 32.87, "lon": 44.12}}} in filters(body)


@pytest.mark.parametrize("kwargs", [dict(kind="people"), dict(kind="events", severity="high"),
                                    dict(severity="extreme"), dict(limit=0)])
def test_impossible_requests_are_refused(kwargs):
    with pytest.raises(SearchError):
        SearchRequest(**kwargs)


def test_the_table_has_a_header_one_line_per_hit_and_a_count():
    names = Names("t1")
    docs = [build_action(article("a1", title="A very long title " * 10), names).source,
            build_action(article("a2"), names).source]
    lines = format_table("articles", docs, total=7).splitlines()
    assert lines[0].split()[:3] == ["TIME", "SEVERITY", "OUTLET"]
    assert len(lines) == 4 and lines[-1] == "2 of 7 articles"
    assert "…" in lines[1] and "high 78" in lines[1]
    assert "United States, Kataib Hezbollah" in lines[2]


def test_event_and_alert_rows_show_what_matters():
    names = Names("t1")
    ev = format_table("events", [build_action(event(negated=True), names).source])
    assert "United States → Kataib Hezbollah" in ev and "Jurf al-Sakhar" in ev and "negated" in ev
    al = format_table("alerts", [build_action(alert(revision=3, severity="critical"), names).source])
    assert "critical" in al and al.splitlines()[-1] == "1 alerts"
    assert format_table("events", []).splitlines() == ["TIME  TYPE  DYAD  PLACE  DEAD  FLAGS  EVIDENCE", "0 events"]
