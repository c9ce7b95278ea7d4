"""``faultline search``: from a terminal query to an Elasticsearch request body, and from hits to table rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from faultline.indexing.documents import iso, utc
from faultline.indexing.mappings import TIME_FIELDS
from faultline.schema import SEVERITY_BANDS, band_rank

KINDS = ("articles", "events", "alerts")

# Per kind: where free text, actors, places and event types live in the documents.
_TEXT_FIELDS = {
    "articles": ["title^3", "summary^2", "content", "actors.name^2", "places.name^2"],
    "events": ["sentence^2", "evidence.text", "source.name^2", "target.name^2", "place.name^2"],
    "alerts": ["title^3", "actors.name^2", "places.name^2", "evidence.sentence"],
}
_ACTOR_FIELDS = {
    "articles": [("actors.id", "actors.name")],
    "events": [("source.id", "source.name"), ("target.id", "target.name")],
    "alerts": [("actors.id", "actors.name")],
}
_PLACE_FIELDS = {
    "articles": ("places.id", "places.name"),
    "events": ("place.id", "place.name"),
    "alerts": ("places.id", "places.name"),
}
_TYPE_FIELD = {"articles": "event_types", "events": "type", "alerts": "event_types"}
_GEO_FIELD = {"articles": "locations", "events": "location", "alerts": "locations"}
_SEVERITY_FIELD = {"articles": "severity.rank", "alerts": "severity.rank"}

_RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class SearchError(ValueError):
    """A search option that cannot be used (the CLI reports it as a usage error)."""


@dataclass(frozen=True)
class Near:
    lat: float
    lon: float
    km: float = 50.0


@dataclass(frozen=True)
class SearchRequest:
    kind: str = "articles"
    text: str = ""
    actor: str | None = None
    types: tuple[str, ...] = ()
    country: str | None = None
    place: str | None = None
    near: Near | None = None
    since: datetime | None = None
    severity: str | None = None  # the lowest band shown
    limit: int = 20

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise SearchError(f"unknown kind {self.kind!r}; choose one of {', '.join(KINDS)}")
        if self.severity is not None:
            if self.severity not in SEVERITY_BANDS:
                raise SearchError(f"unknown severity {self.severity!r}; choose one of {', '.join(SEVERITY_BANDS)}")
            if self.kind not in _SEVERITY_FIELD:
                raise SearchError("--severity applies to articles and alerts (events carry no severity)")
        if not 1 <= self.limit <= 10_000:
            raise SearchError("the limit must be between 1 and 10000")


def parse_since(value: str, now: datetime) -> datetime:
    """``30m``, ``24h``, ``7d``, ``2w`` before ``now``, or an ISO date/time (UTC when it has no zone)."""
    value = value.strip()
    m = _RELATIVE.match(value.lower())
    if m:
        return utc(now) - timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})
    try:
        return utc(datetime.fromisoformat(value))
    except ValueError:
        raise SearchError(f"cannot read --since {value!r}: use 30m, 24h, 7d, 2w or an ISO date") from None


def parse_near(value: str) -> Near:
    """``LAT,LON`` or ``LAT,LON,KM``."""
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError:
        parts = []
    if len(parts) not in (2, 3) or not (-90 <= parts[0] <= 90 and -180 <= parts[1] <= 180):
        raise SearchError(f"cannot read --near {value!r}: use LAT,LON or LAT,LON,KM")
    return Near(*parts)


def _actor_clause(kind: str, actor: str) -> dict[str, Any]:
    should: list[dict[str, Any]] = []
    for id_field, name_field in _ACTOR_FIELDS[kind]:
        should.append({"term": {id_field: {"value": actor, "case_insensitive": True}}})
        should.append({"match_phrase": {name_field: actor}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _place_clause(kind: str, place: str) -> dict[str, Any]:
    id_field, name_field = _PLACE_FIELDS[kind]
    return {"bool": {"should": [
        {"term": {id_field: {"value": place, "case_insensitive": True}}},
        {"match_phrase": {name_field: place}},
    ], "minimum_should_match": 1}}


def build_query(req: SearchRequest) -> dict[str, Any]:
    """The ``_search`` body for ``req``: filters narrow, free text ranks, newest first among equals."""
    kind = req.kind
    time_field = TIME_FIELDS[kind]
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    if req.text.strip():
        must.append({"multi_match": {"query": req.text, "fields": _TEXT_FIELDS[kind], "type": "best_fields",
                                     "operator": "and"}})
    if req.actor:
        filters.append(_actor_clause(kind, req.actor))
    if req.types:
        filters.append({"terms": {_TYPE_FIELD[kind]: [t.upper() for t in req.types]}})
    if req.country:
        filters.append({"term": {"countries": req.country.upper()}})
    if req.place:
        filters.append(_place_clause(kind, req.place))
    if req.near:
        filters.append({"geo_distance": {"distance": f"{req.near.km}km",
                                         _GEO_FIELD[kind]: {"lat": req.near.lat, "lon": req.near.lon}}})
    if req.since:
        filters.append({"range": {time_field: {"gte": iso(req.since)}}})
    if req.severity:
        filters.append({"range": {_SEVERITY_FIELD[kind]: {"gte": band_rank(req.severity)}}})
    query: dict[str, Any] = {"bool": {"must": must or [{"match_all": {}}], "filter": filters}}
    sort: list[Any] = [{time_field: {"order": "desc"}}]
    if must:
        sort.insert(0, "_score")
    return {"query": query, "sort": sort, "size": req.limit, "track_total_hits": True}


# ---------------------------------------------------------------------------------------------
# Rows and the table


COLUMNS: dict[str, list[tuple[str, int]]] = {
    "articles": [("time", 16), ("severity", 13), ("outlet", 14), ("title", 60), ("actors", 40), ("types", 24)],
    "events": [("time", 16), ("type", 10), ("dyad", 44), ("place", 20), ("dead", 4), ("flags", 12),
               ("evidence", 60)],
    "alerts": [("time", 16), ("severity", 9), ("rev", 3), ("title", 60), ("rule", 20), ("types", 24)],
}


def _when(value: str | None) -> str:
    return (value or "")[:16].replace("T", " ")


def _names(items: list[dict[str, Any]] | None, limit: int = 3) -> str:
    names = [i.get("name", "") for i in (items or []) if i]
    extra = f" +{len(names) - limit}" if len(names) > limit else ""
    return ", ".join(names[:limit]) + extra


def row(kind: str, source: dict[str, Any]) -> dict[str, str]:
    """The table cells of one hit's ``_source``."""
    if kind == "articles":
        sev = source.get("severity") or {}
        return {"time": _when(source.get("published")),
                "severity": f"{sev.get('band', '')} {sev.get('score', 0):.0f}".strip(),
                "outlet": source.get("outlet") or "", "title": source.get("title") or "",
                "actors": _names(source.get("actors")), "types": " ".join(source.get("event_types") or [])}
    if kind == "events":
        flags = [f for f in ("negated", "hypothetical", "historical") if source.get(f)]
        dyad = source.get("dyad_label") or " → ".join(
            (source.get(side) or {}).get("name", "?") for side in ("source", "target"))
        return {"time": _when(source.get("published")), "type": source.get("type") or "",
                "dyad": dyad, "place": (source.get("place") or {}).get("name", ""),
                "dead": "" if source.get("dead") is None else str(source["dead"]),
                "flags": ",".join(flags), "evidence": (source.get("evidence") or {}).get("text", "")}
    sev = source.get("severity") or {}
    return {"time": _when(source.get("updated")), "severity": sev.get("band", ""),
            "rev": str(source.get("revision", "")), "title": source.get("title") or "",
            "rule": source.get("rule") or "", "types": " ".join(source.get("event_types") or [])}


def _cell(value: str, width: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"


def format_table(kind: str, sources: list[dict[str, Any]], total: int | None = None) -> str:
    """A fixed-width table of hits, one line each, with a header and a count line."""
    columns = COLUMNS[kind]
    rows = [row(kind, s) for s in sources]
    widths = [min(w, max([len(name)] + [len(" ".join(r[name].split())) for r in rows])) for name, w in columns]
    lines = ["  ".join(name.upper().ljust(w) for (name, _), w in zip(columns, widths, strict=True)).rstrip()]
    for r in rows:
        lines.append("  ".join(_cell(r[name], w).ljust(w)
                               for (name, _), w in zip(columns, widths, strict=True)).rstrip())
    shown = len(rows)
    total = shown if total is None else total
    lines.append(f"{shown} of {total} {kind}" if total != shown else f"{shown} {kind}")
    return "\n".join(lines)
