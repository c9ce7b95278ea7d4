"""What the Kibana objects need from Elasticsearch, and whether their references hold together.

``field_needs`` lists every field a data view, saved search, Lens chart, map or rule uses and what it must
be (a date, aggregatable, numeric, a geo_point); ``missing_references`` lists references that do not resolve
inside the objects. Both are read by the tests against the live mapping (``_field_caps``), and can be run
by an operator before an import: ``python -m deploy.kibana.check`` (uses ``FAULTLINE_ES_URL``).
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]

NUMERIC = {"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long"}
_KQL_TERM = re.compile(r"^\s*([\w.@]+)\s*:\s*(\"[^\"]*\"|[\w.-]+)\s*$")


@dataclass(frozen=True)
class Need:
    where: str  # object type/id (and part)
    data_view: str  # the data view id whose index holds the field
    field: str
    need: str  # exists | date | aggregatable | numeric | geo_point


def parse(ndjson: str) -> list[Obj]:
    return [json.loads(line) for line in ndjson.splitlines() if line.strip()]


def kql_terms(kql: str) -> list[tuple[str, str]]:
    """The ``field : value`` clauses of a KQL query joined by ``and``; anything richer is refused."""
    if not kql.strip():
        return []
    out = []
    for clause in re.split(r"\s+and\s+", kql.strip(), flags=re.IGNORECASE):
        m = _KQL_TERM.match(clause)
        if not m:
            raise ValueError(f"KQL this check cannot read: {kql!r}")
        out.append((m.group(1), m.group(2).strip('"')))
    return out


def _ref(obj: Obj, name: str) -> str | None:
    return next((r["id"] for r in obj.get("references", []) if r["name"] == name), None)


def _search_needs(obj: Obj) -> list[Need]:
    where = f"search/{obj['id']}"
    source = json.loads(obj["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
    view = _ref(obj, source["indexRefName"]) or ""
    needs = [Need(where, view, c, "exists") for c in obj["attributes"].get("columns", [])]
    needs += [Need(where, view, field, "aggregatable") for field, _ in obj["attributes"].get("sort", [])]
    needs += [Need(where, view, f["meta"]["key"], "exists") for f in source.get("filter", [])]
    needs += [Need(where, view, field, "exists") for field, _ in kql_terms(source["query"]["query"])]
    return needs


def _lens_needs(where: str, attributes: Obj, view: str) -> list[Need]:
    needs = []
    state = attributes["state"]
    for layer in state["datasourceStates"]["formBased"]["layers"].values():
        for column in layer["columns"].values():
            field, op = column.get("sourceField"), column["operationType"]
            if field == "___records___" or field is None:
                continue
            if op == "date_histogram":
                needs += [Need(where, view, field, "date"), Need(where, view, field, "aggregatable")]
            elif op in ("terms", "unique_count", "last_value"):
                needs.append(Need(where, view, field, "aggregatable"))
            else:
                needs += [Need(where, view, field, "numeric"), Need(where, view, field, "aggregatable")]
    needs += [Need(where, view, f, "exists") for f, _ in kql_terms(state["query"]["query"])]
    return needs


def _map_needs(obj: Obj) -> list[Need]:
    needs = []
    for layer in json.loads(obj["attributes"]["layerListJSON"]):
        source = layer.get("sourceDescriptor", {})
        if "indexPatternRefName" not in source:
            continue
        where = f"map/{obj['id']}/{layer['id']}"
        view = _ref(obj, source["indexPatternRefName"]) or ""
        needs.append(Need(where, view, source["geoField"], "geo_point"))
        needs += [Need(where, view, f, "exists") for f in source.get("tooltipProperties", [])]
        if source.get("sortField"):
            needs.append(Need(where, view, source["sortField"], "aggregatable"))
    return needs


def _dashboard_needs(obj: Obj) -> list[Need]:
    needs = []
    for panel in json.loads(obj["attributes"]["panelsJSON"]):
        attributes = panel.get("embeddableConfig", {}).get("attributes")
        if panel.get("type") == "lens" and attributes:
            (layer_ref,) = [r["name"] for r in attributes["references"]]
            view = _ref(obj, f"{panel['panelIndex']}:{layer_ref}") or ""
            needs += _lens_needs(f"dashboard/{obj['id']}/{panel['panelIndex']}", attributes, view)
    return needs


def field_needs(objects: list[Obj], rules: list[Obj]) -> list[Need]:
    """Every field the objects and rules use, with the data view (or, for rules, the index) it lives in."""
    needs: list[Need] = []
    for obj in objects:
        if obj["type"] == "index-pattern" and obj["attributes"].get("timeFieldName"):
            needs.append(Need(f"index-pattern/{obj['id']}", obj["id"], obj["attributes"]["timeFieldName"], "date"))
        elif obj["type"] == "search":
            needs += _search_needs(obj)
        elif obj["type"] == "map":
            needs += _map_needs(obj)
        elif obj["type"] == "dashboard":
            needs += _dashboard_needs(obj)
    for rule in rules:
        for index in rule["params"]["index"]:
            needs.append(Need(f"rule/{rule['id']}", f"index:{index}", rule["params"]["timeField"], "date"))
    return needs


def missing_references(objects: list[Obj]) -> list[str]:
    """References that name no object of the file, and reference names the attributes use but never declare."""
    present = {(o["type"], o["id"]) for o in objects}
    problems = []
    for obj in objects:
        where = f"{obj['type']}/{obj['id']}"
        declared = {r["name"] for r in obj.get("references", [])}
        for ref in obj.get("references", []):
            if (ref["type"], ref["id"]) not in present:
                problems.append(f"{where}: reference {ref['name']} -> {ref['type']}/{ref['id']} is not in the file")
        for name in _used_reference_names(obj):
            if name not in declared:
                problems.append(f"{where}: uses reference {name!r} but does not declare it")
    return problems


def _used_reference_names(obj: Obj) -> list[str]:
    attrs = obj["attributes"]
    used: list[str] = []
    meta = attrs.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON")
    if meta:
        source = json.loads(meta)
        used += [source["indexRefName"]] if "indexRefName" in source else []
        used += [f["meta"]["indexRefName"] for f in source.get("filter", []) if "indexRefName" in f.get("meta", {})]
    if "layerListJSON" in attrs:
        used += [layer["sourceDescriptor"]["indexPatternRefName"] for layer in json.loads(attrs["layerListJSON"])
                 if "indexPatternRefName" in layer.get("sourceDescriptor", {})]
    if "panelsJSON" in attrs:
        for panel in json.loads(attrs["panelsJSON"]):
            prefix = f"{panel['panelIndex']}:"
            if "panelRefName" in panel:
                used.append(prefix + panel["panelRefName"])
            inner = panel.get("embeddableConfig", {}).get("attributes", {})
            used += [prefix + r["name"] for r in inner.get("references", [])]
    return used


def check_against(es: Any, objects: list[Obj], rules: list[Obj]) -> list[str]:
    """Problems of the objects against a live cluster's mapping (``_field_caps`` of each data view)."""
    titles = {o["id"]: o["attributes"]["title"] for o in objects if o["type"] == "index-pattern"}
    caps: dict[str, dict[str, Any]] = {}
    problems = []
    for need in field_needs(objects, rules):
        index = need.data_view[len("index:"):] if need.data_view.startswith("index:") else titles.get(need.data_view)
        if index is None:
            problems.append(f"{need.where}: no data view {need.data_view!r}")
            continue
        if index not in caps:
            caps[index] = es.field_caps(index=index, fields="*")["fields"]
        problem = field_problem(caps[index], need)
        if problem:
            problems.append(f"{need.where}: {problem}")
    return problems


def field_problem(fields: dict[str, Any], need: Need) -> str | None:
    """Why ``need`` is not met by a ``_field_caps`` answer's ``fields``; None when it is."""
    entry = fields.get(need.field)
    if not entry:
        return f"field {need.field!r} does not exist"
    if len(entry) > 1:
        return f"field {need.field!r} has conflicting types {sorted(entry)}"
    ftype, caps = next(iter(entry.items()))
    if need.need == "date" and ftype not in ("date", "date_nanos"):
        return f"field {need.field!r} is {ftype}, not a date"
    if need.need == "numeric" and ftype not in NUMERIC:
        return f"field {need.field!r} is {ftype}, not numeric"
    if need.need == "geo_point" and ftype != "geo_point":
        return f"field {need.field!r} is {ftype}, not a geo_point"
    if need.need in ("aggregatable", "date", "numeric", "geo_point") and not caps.get("aggregatable"):
        return f"field {need.field!r} ({ftype}) is not aggregatable"
    return None


def main() -> int:
    from deploy.kibana.importer import load_rules, load_saved_objects
    from faultline.settings import load_settings
    from indexers.clients import es_client

    settings = load_settings()
    objects, rules = load_saved_objects(settings.names), load_rules(settings.names)
    es = es_client(settings)
    try:
        problems = missing_references(objects) + check_against(es, objects, rules)
    finally:
        es.close()
    for p in problems:
        print(p)
    print(f"{len(problems)} problems in {len(objects)} saved objects and {len(rules)} rules")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
