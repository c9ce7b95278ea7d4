"""The Kibana objects against the real mapping: fields exist with the right type, and every query runs.

Kibana itself cannot run here, so each saved search, Lens chart, map layer and rule is turned into the
Elasticsearch request Kibana would send, and run on documents written by the real document builders.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from indexing_samples import alert, article, event

from deploy.kibana.check import check_against, kql_terms, missing_references
from deploy.kibana.importer import load_rules, load_saved_objects
from faultline.indexing.documents import build_action

pytestmark = [pytest.mark.integration, pytest.mark.elasticsearch]

_WINDOW_UNITS = {"s": "s", "m": "m", "h": "h", "d": "d"}


@pytest.fixture
def seeded(settings, layout, es):
    """Recent documents of every kind, written as the indexer writes them."""
    now = datetime.now(UTC)
    records = [article(f"art-{i}", published=now - timedelta(minutes=10 + i), band="high", score=80 + i)
               for i in range(5)]
    records += [event("ev-now", published=now - timedelta(minutes=5)), event("ev-1", published=now - timedelta(hours=1)),
                event("ev-old", published=now - timedelta(days=3)),
                event("ev-neg", negated=True, published=now - timedelta(minutes=2))]
    records += [alert("al-1", severity="critical", created=now - timedelta(minutes=3), updated=now - timedelta(minutes=1))]
    operations = []
    for r in records:
        action = build_action(r, settings.names)
        operations += [action.header(), action.source]
    result = es.bulk(operations=operations, refresh=True)
    assert not result["errors"], result
    return load_saved_objects(settings.names), load_rules(settings.names)


def _data_views(objects):
    return {o["id"]: o["attributes"]["title"] for o in objects if o["type"] == "index-pattern"}


def _kql_query(kql: str) -> list[dict]:
    return [{"match_phrase": {field: value}} for field, value in kql_terms(kql)]


def test_every_field_exists_with_the_type_its_use_needs(settings, seeded, es):
    objects, rules = seeded
    assert missing_references(objects) == []
    assert check_against(es, objects, rules) == []


def test_saved_searches_run_and_find_what_they_promise(seeded, es):
    objects, _ = seeded
    views = _data_views(objects)
    found = {}
    for obj in (o for o in objects if o["type"] == "search"):
        source = json.loads(obj["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
        view = next(r["id"] for r in obj["references"] if r["name"] == source["indexRefName"])
        filters = [f["query"] for f in source["filter"]] + _kql_query(source["query"]["query"])
        (sort_field, order), = obj["attributes"]["sort"]
        hits = es.search(index=views[view], query={"bool": {"filter": filters}}, sort=[{sort_field: order}],
                         _source=obj["attributes"]["columns"])["hits"]["hits"]
        found[obj["id"].split("-", 1)[1]] = sorted(h["_id"] for h in hits)
    assert found["latest-alerts"] == ["al-1"]
    assert found["assault-24h"] == ["ev-1", "ev-neg", "ev-now"]  # ev-old is three days old
    assert found["actor-kataib-hezbollah"] == [f"art-{i}" for i in range(5)]


def _lens_aggs(columns: dict, order: list[str]) -> dict:
    buckets = [c for c in order if columns[c]["isBucketed"]]
    metrics = {c: columns[c] for c in order if not columns[c]["isBucketed"]}
    inner = {}
    for cid, col in metrics.items():
        if col["operationType"] == "count":
            continue
        op = {"average": "avg"}.get(col["operationType"], col["operationType"])
        inner[cid] = {op: {"field": col["sourceField"]}}
    for cid in reversed(buckets):
        col = columns[cid]
        if col["operationType"] == "date_histogram":
            agg = {"date_histogram": {"field": col["sourceField"], "fixed_interval": "1h"}}
        else:
            agg = {"terms": {"field": col["sourceField"], "size": col["params"]["size"]}}
        inner = {cid: {**agg, **({"aggs": inner} if inner else {})}}
    return inner


def test_every_dashboard_chart_and_the_map_aggregate_on_the_live_indices(seeded, es):
    objects, _ = seeded
    views = _data_views(objects)
    dashboard = next(o for o in objects if o["type"] == "dashboard")
    charts = 0
    for panel in json.loads(dashboard["attributes"]["panelsJSON"]):
        if panel["type"] != "lens":
            continue
        attrs = panel["embeddableConfig"]["attributes"]
        (layer_ref,) = [r["name"] for r in attrs["references"]]
        view = next(r["id"] for r in dashboard["references"] if r["name"] == f"{panel['panelIndex']}:{layer_ref}")
        (layer,) = attrs["state"]["datasourceStates"]["formBased"]["layers"].values()
        aggs = _lens_aggs(layer["columns"], layer["columnOrder"])
        query = {"bool": {"filter": _kql_query(attrs["state"]["query"]["query"])}}
        result = es.search(index=views[view], size=0, query=query, aggs=aggs)
        first = next(iter(result["aggregations"].values()))
        assert first["buckets"], f"{panel['title']}: no buckets"
        charts += 1
    assert charts == 3

    events_map = next(o for o in objects if o["type"] == "map")
    layer = next(la for la in json.loads(events_map["attributes"]["layerListJSON"]) if la["type"] != "EMS_VECTOR_TILE")
    view = events_map["references"][0]["id"]
    grid = es.search(index=views[view], size=0,
                     aggs={"g": {"geotile_grid": {"field": layer["sourceDescriptor"]["geoField"], "precision": 6}}})
    assert sum(b["doc_count"] for b in grid["aggregations"]["g"]["buckets"]) == 4


def test_every_rule_query_runs_and_fires_on_matching_recent_documents(seeded, es):
    _, rules = seeded
    fired = {}
    for rule in rules:
        p = rule["params"]
        window = f"now-{p['timeWindowSize']}{_WINDOW_UNITS[p['timeWindowUnit']]}"
        query = {"bool": {"filter": [json.loads(p["esQuery"])["query"],
                                     {"range": {p["timeField"]: {"gte": window, "lte": "now"}}}]}}
        hits = es.count(index=p["index"], query=query)["count"]
        (threshold,) = p["threshold"]
        fired[rule["id"].split("-", 1)[1]] = hits > threshold if p["thresholdComparator"] == ">" else hits >= threshold
    assert fired == {"critical-alert": True, "lethal-assault": True, "high-severity-burst": True}

    # The lethal-assault rule ignores a negated report: without ev-now, ev-neg alone (2 minutes old) does not fire it.
    lethal = next(r for r in rules if r["id"].endswith("lethal-assault"))["params"]
    query = {"bool": {"filter": [json.loads(lethal["esQuery"])["query"], {"ids": {"values": ["ev-neg"]}}]}}
    assert es.count(index=lethal["index"], query=query)["count"] == 0
