"""Document builders: a wire record becomes one Elasticsearch document with its ``_id`` and target index.

The ``_id`` is the record's id, and the target is the monthly index of the record's own date (an
article's and an event's ``published``, an alert's ``created``), never of the time it is indexed: a
replay, months later, overwrites the same document instead of adding a second one. Alerts carry their
``revision`` as an external version, so an older revision arriving late never replaces a newer one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from faultline.indexing.templates import IndexSpec, current_specs
from faultline.names import Names
from faultline.schema import ActorRef, Alert, Event, Record, TaggedArticle, band_rank

Document = dict[str, Any]


@dataclass(frozen=True)
class IndexAction:
    """One bulk ``index`` operation."""

    kind: str
    index: str
    id: str
    source: Document
    version: int | None = None  # external version (``external_gte``): newer or equal replaces

    def header(self) -> dict[str, dict[str, Any]]:
        meta: dict[str, Any] = {"_index": self.index, "_id": self.id}
        if self.version is not None:
            meta["version"] = self.version
            meta["version_type"] = "external_gte"
        return {"index": meta}


def utc(value: datetime) -> datetime:
    """A naive time is UTC (as the schema assumes for ``published``)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return utc(value).isoformat().replace("+00:00", "Z")


def _unique(values: Iterable[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v:
            seen.setdefault(v, None)
    return list(seen)


def _point(lat: float | None, lon: float | None) -> dict[str, float] | None:
    if lat is None or lon is None:
        return None
    return {"lat": lat, "lon": lon}


def _points(places: Iterable[Any]) -> list[dict[str, float]]:
    out: list[dict[str, float]] = []
    for p in places:
        point = _point(p.lat, p.lon)
        if point is not None and point not in out:
            out.append(point)
    return out


def dyad_label(source: ActorRef | None, target: ActorRef | None) -> str | None:
    if source is None or target is None:
        return None
    return f"{source.name} → {target.name}"


# ---------------------------------------------------------------------------------------------


def article_document(article: TaggedArticle) -> Document:
    d = article.model_dump(mode="json")  # one pass through the serializer; nested tags come out as dicts
    events = d["events"]
    return {
        "schema_version": d["schema_version"],
        "versions": d["versions"],
        "article_id": d["article_id"],
        "url": d["url"],
        "guid": d["guid"],
        "title": d["title"],
        "summary": d["summary"],
        "content": d["content"],
        "published": iso(article.published),
        "published_from": d["published_from"],
        "fetched_at": iso(article.fetched_at),
        "tagged_at": iso(article.tagged_at),
        "language": d["language"],
        "outlet": d["outlet"],
        "feed_id": d["feed_id"],
        "authors": d["authors"],
        "categories": d["categories"],
        "flags": d["flags"],
        "breaking_eligible": article.breaking_eligible,
        "story_id": d["story_id"],
        "actors": d["actors"],
        "places": d["places"],
        "locations": _points(article.places),
        "countries": _unique([a["country"] for a in d["actors"]] + [p["country"] for p in d["places"]]),
        "events": events,
        "event_types": _unique(e["type"] for e in events),
        "event_modes": _unique(e["mode"] for e in events),
        "event_count": len(events),
        "dyads": _unique(f"{e['source_id']}|{e['target_id']}" for e in events if e["source_id"] and e["target_id"]),
        "severity": {**d["severity"], "rank": band_rank(article.severity.band)},
    }


def event_document(event: Event) -> Document:
    d = event.model_dump(mode="json")
    source, target, place = d["source"], d["target"], d["place"]
    return {
        "schema_version": d["schema_version"],
        "versions": d["versions"],
        "event_id": d["event_id"],
        "article_id": d["article_id"],
        "story_id": d["story_id"],
        "type": d["type"],
        "mode": d["mode"],
        "source": source,
        "target": target,
        "dyad": d["dyad"],
        "dyad_label": dyad_label(event.source, event.target),
        "place": place,
        "location": _point(event.place.lat, event.place.lon) if event.place is not None else None,
        "countries": _unique([source and source["country"], target and target["country"], place and place["country"]]),
        "negated": d["negated"],
        "hypothetical": d["hypothetical"],
        "historical": d["historical"],
        "attributed_to": d["attributed_to"],
        "factual": not (event.negated or event.hypothetical or event.historical),
        "dead": d["dead"],
        "injured": d["injured"],
        "weight": d["weight"],
        "sentence": d["sentence"],
        "evidence": d["evidence"],
        "rule": d["rule"],
        "published": iso(event.published),
        "url": d["url"],
        "outlet": d["outlet"],
        "feed_id": d["feed_id"],
        "breaking_eligible": d["breaking_eligible"],
    }


def alert_document(alert: Alert) -> Document:
    d = alert.model_dump(mode="json")
    return {
        "schema_version": d["schema_version"],
        "versions": d["versions"],
        "alert_id": d["alert_id"],
        "revision": d["revision"],
        "created": iso(alert.created),
        "updated": iso(alert.updated),
        "severity": {"band": alert.severity, "rank": band_rank(alert.severity)},
        "title": d["title"],
        "rule": d["rule"],
        "rule_kind": d["rule_kind"],
        "subscriptions": d["subscriptions"],
        "actors": d["actors"],
        "dyad": d["dyad"],
        "event_types": d["event_types"],
        "places": d["places"],
        "locations": _points(alert.places),
        "countries": _unique([a["country"] for a in d["actors"]] + [p["country"] for p in d["places"]]),
        "story_id": d["story_id"],
        "sources": d["sources"],
        "dead": d["dead"],
        "injured": d["injured"],
        "evidence": d["evidence"],
    }


# ---------------------------------------------------------------------------------------------


@functools.cache
def _default_specs() -> dict[str, IndexSpec]:
    return current_specs()


def build_action(record: Record, names: Names, specs: dict[str, IndexSpec] | None = None) -> IndexAction:
    """The bulk operation that indexes ``record``; raises TypeError for a record of no indexed kind."""
    specs = specs or _default_specs()
    if isinstance(record, TaggedArticle):
        kind, doc_id, when, source, version = (
            "articles", record.article_id, record.published, article_document(record), None)
    elif isinstance(record, Event):
        kind, doc_id, when, source, version = (
            "events", record.event_id, record.published, event_document(record), None)
    elif isinstance(record, Alert):
        kind, doc_id, when, source, version = (
            "alerts", record.alert_id, record.created, alert_document(record), record.revision)
    else:
        raise TypeError(f"no index for a {type(record).__name__}")
    index = names.index(kind, specs[kind].version, utc(when))
    return IndexAction(kind=kind, index=index, id=doc_id, source=source, version=version)


def copy_action(kind: str, index: str, doc_id: str, source: Document) -> IndexAction:
    """An indexed document copied into ``index`` (a newer version's), keeping its id and an alert's revision."""
    revision = source.get("revision") if kind == "alerts" else None
    return IndexAction(kind=kind, index=index, id=doc_id, source=source,
                       version=int(revision) if revision is not None else None)
