"""The Kibana saved objects and alerting rules, as Python: the source of ``saved_objects.ndjson`` and ``rules.json``.

Regenerate the files after a change with ``python -m deploy.kibana.objects`` (a test fails while they are
stale). Written for the default namespace; ``deploy.kibana.importer`` renders them for another one.

- data views: articles (time: published), events (published), alerts (updated);
- saved searches: latest alerts; ASSAULT events in the last 24 hours; everything about one actor;
- a map of events; a dashboard: escalation score over time, events by type over time, top dyads,
  the map, the latest alerts;
- ``.es-query`` rules: a critical alert, a lethal assault, a burst of high-severity articles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from faultline.indexing.mappings import TIME_FIELDS
from faultline.names import Names

HERE = Path(__file__).resolve().parent
SAVED_OBJECTS = HERE / "saved_objects.ndjson"
RULES = HERE / "rules.json"

NAMES = Names()
KIBANA_PANEL_VERSION = "8.8.0"
CORE_MIGRATION = "8.8.0"

Obj = dict[str, Any]


def data_view_id(kind: str) -> str:
    return NAMES.read_alias(kind)


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# Data views


def data_view(kind: str, name: str) -> Obj:
    return {
        "type": "index-pattern", "id": data_view_id(kind),
        "attributes": {"title": NAMES.read_alias(kind), "name": name, "timeFieldName": TIME_FIELDS[kind]},
        "references": [],
    }


# ---------------------------------------------------------------------------------------------
# Saved searches


def phrase_filter(field: str, value: Any, ref: str) -> Obj:
    return {"meta": {"alias": None, "negate": False, "disabled": False, "type": "phrase", "key": field,
                     "params": {"query": value}, "indexRefName": ref},
            "query": {"match_phrase": {field: value}}, "$state": {"store": "appState"}}


def range_filter(field: str, params: dict[str, Any], ref: str) -> Obj:
    return {"meta": {"alias": None, "negate": False, "disabled": False, "type": "range", "key": field,
                     "params": params, "indexRefName": ref},
            "query": {"range": {field: params}}, "$state": {"store": "appState"}}


def saved_search(search_id: str, title: str, kind: str, columns: list[str], filters: list[tuple]) -> Obj:
    """``filters``: ("phrase", field, value) or ("range", field, params), in order."""
    index_ref = "kibanaSavedObjectMeta.searchSourceJSON.index"
    refs = [{"name": index_ref, "type": "index-pattern", "id": data_view_id(kind)}]
    built = []
    for i, (ftype, field, value) in enumerate(filters):
        ref = f"kibanaSavedObjectMeta.searchSourceJSON.filter[{i}].meta.index"
        built.append(phrase_filter(field, value, ref) if ftype == "phrase" else range_filter(field, value, ref))
        refs.append({"name": ref, "type": "index-pattern", "id": data_view_id(kind)})
    source = {"query": {"query": "", "language": "kuery"}, "filter": built, "indexRefName": index_ref}
    return {
        "type": "search", "id": search_id, "coreMigrationVersion": CORE_MIGRATION, "typeMigrationVersion": "7.9.3",
        "attributes": {
            "title": title, "description": "", "columns": columns, "sort": [[TIME_FIELDS[kind], "desc"]],
            "kibanaSavedObjectMeta": {"searchSourceJSON": _json(source)},
        },
        "references": refs,
    }


def searches() -> list[Obj]:
    return [
        saved_search("faultline-latest-alerts", "Faultline: latest alerts", "alerts",
                     ["severity.band", "title", "rule", "event_types", "dyad", "sources", "revision"], []),
        saved_search("faultline-assault-24h", "Faultline: ASSAULT events, last 24 hours", "events",
                     ["dyad_label", "mode", "place.name", "dead", "injured", "evidence.text", "outlet"],
                     [("phrase", "type", "ASSAULT"), ("range", "published", {"gte": "now-24h"})]),
        saved_search("faultline-actor-kataib-hezbollah", "Faultline: everything about Kataib Hezbollah",
                     "articles", ["title", "outlet", "severity.band", "event_types", "places.name"],
                     [("phrase", "actors.name.keyword", "Kataib Hezbollah")]),
    ]


# ---------------------------------------------------------------------------------------------
# Lens charts (embedded by value in the dashboard)


def date_histogram(field: str) -> Obj:
    return {"label": field, "dataType": "date", "operationType": "date_histogram", "sourceField": field,
            "isBucketed": True, "scale": "interval",
            "params": {"interval": "auto", "includeEmptyRows": True, "dropPartials": False}}


def metric(operation: str, field: str, label: str) -> Obj:
    return {"label": label, "customLabel": True, "dataType": "number", "operationType": operation,
            "sourceField": field, "isBucketed": False, "scale": "ratio", "params": {"emptyAsNull": True}}


def count(label: str) -> Obj:
    return {"label": label, "customLabel": True, "dataType": "number", "operationType": "count",
            "sourceField": "___records___", "isBucketed": False, "scale": "ratio", "params": {"emptyAsNull": True}}


def terms(field: str, label: str, order_by: str, size: int) -> Obj:
    return {"label": label, "customLabel": True, "dataType": "string", "operationType": "terms",
            "sourceField": field, "isBucketed": True, "scale": "ordinal",
            "params": {"size": size, "orderBy": {"type": "column", "columnId": order_by},
                       "orderDirection": "desc", "otherBucket": True, "missingBucket": False,
                       "parentFormat": {"id": "terms"}}}


def lens_panel(panel: str, grid: tuple[int, int, int, int], title: str, kind: str, vis_type: str,
               columns: dict[str, Obj], visualization: Obj, kql: str = "") -> tuple[Obj, list[Obj]]:
    """A by-value Lens panel and the dashboard references it needs."""
    layer = f"{panel}-layer"
    ref_name = f"indexpattern-datasource-layer-{layer}"
    x, y, w, h = grid
    attributes = {
        "title": title, "visualizationType": vis_type, "type": "lens",
        "references": [{"type": "index-pattern", "id": data_view_id(kind), "name": ref_name}],
        "state": {
            "visualization": {**visualization, "layerId": layer} if vis_type == "lnsDatatable" else visualization,
            "query": {"query": kql, "language": "kuery"},
            "filters": [],
            "datasourceStates": {"formBased": {"layers": {layer: {
                "columns": columns, "columnOrder": list(columns), "incompleteColumns": {}}}}},
            "internalReferences": [], "adHocDataViews": {},
        },
    }
    body = {"version": KIBANA_PANEL_VERSION, "type": "lens", "gridData": {"x": x, "y": y, "w": w, "h": h, "i": panel},
            "panelIndex": panel, "embeddableConfig": {"attributes": attributes, "enhancements": {}}, "title": title}
    return body, [{"type": "index-pattern", "id": data_view_id(kind), "name": f"{panel}:{ref_name}"}]


def xy(layer: str, series: str, x: str, ys: list[str], split: str | None = None) -> Obj:
    data_layer: Obj = {"layerId": layer, "layerType": "data", "seriesType": series, "xAccessor": x, "accessors": ys}
    if split:
        data_layer["splitAccessor"] = split
    return {"legend": {"isVisible": True, "position": "right"}, "valueLabels": "hide",
            "preferredSeriesType": series, "layers": [data_layer]}


def escalation_panel() -> tuple[Obj, list[Obj]]:
    p = "escalation"
    columns = {"when": date_histogram("published"),
               "max": metric("max", "severity.score", "Highest escalation score"),
               "avg": metric("average", "severity.score", "Average escalation score")}
    return lens_panel(p, (0, 0, 24, 14), "Escalation score over time", "articles", "lnsXY", columns,
                      xy(f"{p}-layer", "line", "when", ["max", "avg"]))


def events_by_type_panel() -> tuple[Obj, list[Obj]]:
    p = "events-by-type"
    columns = {"when": date_histogram("published"), "type": terms("type", "Event type", "count", 16),
               "count": count("Events")}
    # Negated, hypothetical and past events are left out.
    return lens_panel(p, (24, 0, 24, 14), "Events by type over time", "events", "lnsXY", columns,
                      xy(f"{p}-layer", "bar_stacked", "when", ["count"], split="type"), kql="factual : true")


def top_dyads_panel() -> tuple[Obj, list[Obj]]:
    p = "top-dyads"
    columns = {"dyad": terms("dyad_label", "Dyad (source → target)", "count", 15), "count": count("Events"),
               "dead": metric("sum", "dead", "Dead")}
    vis = {"layerType": "data", "columns": [{"columnId": c} for c in columns]}
    return lens_panel(p, (0, 14, 20, 16), "Top dyads", "events", "lnsDatatable", columns, vis)


# ---------------------------------------------------------------------------------------------
# Map


def events_map() -> Obj:
    layers = [
        {"id": "basemap", "type": "EMS_VECTOR_TILE", "label": None, "minZoom": 0, "maxZoom": 24, "alpha": 1,
         "visible": True, "sourceDescriptor": {"type": "EMS_TMS", "isAutoSelect": True},
         "style": {"type": "EMS_VECTOR_TILE"}},
        {"id": "events", "type": "GEOJSON_VECTOR", "label": "Events", "minZoom": 0, "maxZoom": 24, "alpha": 0.8,
         "visible": True,
         "sourceDescriptor": {"id": "events-source", "type": "ES_SEARCH", "geoField": "location",
                              "scalingType": "CLUSTERS", "applyGlobalQuery": True, "applyGlobalTime": True,
                              "filterByMapBounds": True, "sortField": "published", "sortOrder": "desc",
                              "tooltipProperties": ["type", "dyad_label", "place.name", "dead", "published"],
                              "indexPatternRefName": "layer_1_source_index_pattern"},
         "style": {"type": "VECTOR", "properties": {
             "fillColor": {"type": "DYNAMIC", "options": {"field": {"name": "type", "origin": "source"},
                                                          "type": "CATEGORICAL", "colorCategory": "palette_0"}},
             "iconSize": {"type": "STATIC", "options": {"size": 6}}}}},
    ]
    state = {"zoom": 4, "center": {"lon": 44.4, "lat": 33.3}, "timeFilters": {"from": "now-7d", "to": "now"},
             "refreshConfig": {"isPaused": True, "interval": 0}, "query": {"query": "", "language": "kuery"},
             "filters": []}
    return {
        "type": "map", "id": "faultline-events-map",
        "attributes": {"title": "Faultline: map of events", "description": "",
                       "layerListJSON": _json(layers), "mapStateJSON": _json(state),
                       "uiStateJSON": _json({"isLayerTOCOpen": True, "openTOCDetails": []})},
        "references": [{"name": "layer_1_source_index_pattern", "type": "index-pattern",
                        "id": data_view_id("events")}],
    }


# ---------------------------------------------------------------------------------------------
# Dashboard


def by_reference(panel: str, grid: tuple[int, int, int, int], obj_type: str, obj_id: str,
                 title: str) -> tuple[Obj, list[Obj]]:
    x, y, w, h = grid
    body = {"version": KIBANA_PANEL_VERSION, "type": obj_type, "gridData": {"x": x, "y": y, "w": w, "h": h, "i": panel},
            "panelIndex": panel, "embeddableConfig": {"enhancements": {}}, "panelRefName": f"panel_{panel}",
            "title": title}
    return body, [{"name": f"{panel}:panel_{panel}", "type": obj_type, "id": obj_id}]


def dashboard() -> Obj:
    panels = [
        escalation_panel(),
        events_by_type_panel(),
        top_dyads_panel(),
        by_reference("events-map", (20, 14, 28, 16), "map", "faultline-events-map", "Map of events"),
        by_reference("latest-alerts", (0, 30, 48, 15), "search", "faultline-latest-alerts", "Latest alerts"),
    ]
    return {
        "type": "dashboard", "id": "faultline-overview", "coreMigrationVersion": CORE_MIGRATION,
        "typeMigrationVersion": "8.7.0",
        "attributes": {
            "title": "Faultline: escalation overview",
            "description": "Escalation score, events by type, top dyads, where events happen and the latest alerts",
            "panelsJSON": _json([body for body, _ in panels]),
            "optionsJSON": _json({"useMargins": True, "syncColors": False, "syncCursor": True,
                                  "syncTooltips": False, "hidePanelTitles": False}),
            "timeRestore": True, "timeFrom": "now-7d", "timeTo": "now",
            "refreshInterval": {"pause": False, "value": 60000},
            "kibanaSavedObjectMeta": {"searchSourceJSON": _json({"query": {"query": "", "language": "kuery"},
                                                                 "filter": []})},
        },
        "references": [ref for _, refs in panels for ref in refs],
    }


def saved_objects() -> list[Obj]:
    return [
        data_view("articles", "Faultline articles"),
        data_view("events", "Faultline events"),
        data_view("alerts", "Faultline alerts"),
        *searches(),
        events_map(),
        dashboard(),
    ]


# ---------------------------------------------------------------------------------------------
# Alerting rules (.es-query)


def es_query_rule(rule_id: str, name: str, kind: str, query: Obj, *, window: int, unit: str,
                  comparator: str = ">", threshold: int = 0, interval: str = "1m") -> Obj:
    return {
        "id": rule_id,
        "name": name,
        "rule_type_id": ".es-query",
        "consumer": "stackAlerts",
        "schedule": {"interval": interval},
        "tags": ["faultline"],
        "actions": [],
        "params": {
            "searchType": "esQuery",
            "index": [NAMES.read_alias(kind)],
            "timeField": TIME_FIELDS[kind],
            "esQuery": _json({"query": query}),
            "timeWindowSize": window,
            "timeWindowUnit": unit,
            "threshold": [threshold],
            "thresholdComparator": comparator,
            "size": 100,
            "aggType": "count",
            "groupBy": "all",
            "excludeHitsFromPreviousRun": True,
        },
    }


def rules() -> list[Obj]:
    return [
        es_query_rule("faultline-critical-alert", "Faultline: critical alert", "alerts",
                      {"bool": {"filter": [{"range": {"severity.rank": {"gte": 3}}}]}}, window=5, unit="m"),
        es_query_rule("faultline-lethal-assault", "Faultline: lethal assault reported", "events",
                      {"bool": {"filter": [{"term": {"type": "ASSAULT"}}, {"term": {"factual": True}},
                                           {"range": {"dead": {"gte": 1}}}]}}, window=15, unit="m"),
        es_query_rule("faultline-high-severity-burst", "Faultline: burst of high-severity articles", "articles",
                      {"bool": {"filter": [{"range": {"severity.rank": {"gte": 2}}}]}}, window=1, unit="h",
                      comparator=">=", threshold=5, interval="5m"),
    ]


def render_files() -> dict[Path, str]:
    ndjson = "".join(json.dumps(o, ensure_ascii=False, sort_keys=True) + "\n" for o in saved_objects())
    return {SAVED_OBJECTS: ndjson, RULES: json.dumps(rules(), indent=2, ensure_ascii=False) + "\n"}


def main() -> None:
    for path, text in render_files().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
