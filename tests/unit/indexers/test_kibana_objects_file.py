"""The Kibana files are what the generator makes, and every reference in them resolves inside them."""

from __future__ import annotations

import json

import pytest

from deploy.kibana import objects as gen
from deploy.kibana.check import Need, field_needs, field_problem, kql_terms, missing_references, parse
from deploy.kibana.importer import load_rules, load_saved_objects, render
from faultline.names import Names


def test_the_checked_in_files_are_up_to_date_with_the_generator():
    for path, text in gen.render_files().items():
        assert path.read_text(encoding="utf-8") == text, f"run: python -m deploy.kibana.objects ({path.name})"


def test_every_reference_resolves_inside_the_file():
    objects = parse(gen.SAVED_OBJECTS.read_text())
    assert missing_references(objects) == []
    types = {o["type"] for o in objects}
    assert types == {"index-pattern", "search", "map", "dashboard"}
    assert len({(o["type"], o["id"]) for o in objects}) == len(objects)


def test_the_reference_check_sees_a_dangling_and_an_undeclared_reference():
    objects = parse(gen.SAVED_OBJECTS.read_text())
    dash = next(o for o in objects if o["type"] == "dashboard")
    broken = [o for o in objects if o["id"] != "faultline-latest-alerts"]
    assert any("faultline-latest-alerts" in p for p in missing_references(broken))
    undeclared = {**dash, "references": dash["references"][1:]}
    assert any("does not declare" in p for p in missing_references([*broken, undeclared]))


def test_the_dashboard_has_the_five_panels_the_analysts_asked_for():
    dash = next(o for o in parse(gen.SAVED_OBJECTS.read_text()) if o["type"] == "dashboard")
    panels = json.loads(dash["attributes"]["panelsJSON"])
    assert [p["title"] for p in panels] == ["Escalation score over time", "Events by type over time", "Top dyads",
                                            "Map of events", "Latest alerts"]


def test_rules_are_es_query_rules_on_the_read_aliases():
    names = Names()
    rules = json.loads(gen.RULES.read_text())
    assert {r["rule_type_id"] for r in rules} == {".es-query"}
    for rule in rules:
        assert set(rule["params"]["index"]) <= {names.read_alias(k) for k in ("articles", "events", "alerts")}
        assert json.loads(rule["params"]["esQuery"])["query"]


def test_rendering_for_a_namespace_renames_aliases_and_the_ids_built_on_them():
    names = Names("t9")
    objects = load_saved_objects(names)
    titles = {o["attributes"]["title"] for o in objects if o["type"] == "index-pattern"}
    assert titles == {"t9-articles", "t9-events", "t9-alerts"}
    assert missing_references(objects) == []
    assert {i for r in load_rules(names) for i in r["params"]["index"]} == {"t9-articles", "t9-events", "t9-alerts"}
    assert "faultline-" not in json.dumps(objects) + json.dumps(load_rules(names))
    assert {o["id"] for o in objects} >= {"t9-overview", "t9-events-map", "t9-latest-alerts"}
    assert render("faultline-events-map", Names()) == "faultline-events-map"


def test_field_needs_cover_every_kind_of_object():
    needs = field_needs(parse(gen.SAVED_OBJECTS.read_text()), json.loads(gen.RULES.read_text()))
    by = {(n.field, n.need) for n in needs}
    assert ("published", "date") in by  # data views and the histogram
    assert ("severity.score", "numeric") in by  # escalation chart
    assert ("dyad_label", "aggregatable") in by  # top dyads
    assert ("location", "geo_point") in by  # the map
    assert ("type", "aggregatable") in by and ("factual", "exists") in by  # events by type (and its query)
    assert ("updated", "date") in by  # alert rule and data view


def test_field_problems_are_named():
    caps = {"t": {"text": {"aggregatable": False}}, "d": {"date": {"aggregatable": True}},
            "k": {"keyword": {"aggregatable": True}, "long": {"aggregatable": True}}}
    assert field_problem(caps, Need("w", "v", "d", "date")) is None
    assert "not aggregatable" in field_problem(caps, Need("w", "v", "t", "aggregatable"))
    assert "not a date" in field_problem(caps, Need("w", "v", "t", "date"))
    assert "does not exist" in field_problem(caps, Need("w", "v", "x", "exists"))
    assert "conflicting" in field_problem(caps, Need("w", "v", "k", "exists"))


def test_kql_reader_accepts_simple_clauses_only():
    assert kql_terms("") == []
    assert kql_terms('factual : true and type: "ASSAULT"') == [("factual", "true"), ("type", "ASSAULT")]
    with pytest.raises(ValueError):
        kql_terms("not factual : true or x > 3")
