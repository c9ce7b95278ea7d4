"""Document builders: a wire record becomes one Elasticsearch document with its ``_id`` and target index.

The ``_id`` is the record's id, and the target is the monthly index of the record's own date (an
article's and an event's ``published``, an alert's ``created``), never of the time it is indexed: a
replay, months later, overwrites the same document instead of adding a second one. Alerts carry their
``revision`` as an external version, so an older revision arriving late never replaces a newer one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from faultline.indexing.templates import IndexSpec, current_specs
from faultline.names import Names
from faultline.schema import ActorRef, Alert, Event, PlaceRef, Record, TaggedArticle, band_rank

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


def _versions(record: Any) -> dict[str, str]:
    return {"catalog": record.versions.catalog, "rules": record.versions.rules}


def _actor(ref: ActorRef | None) -> dict[str, Any] | None:
    return ref.model_dump(mode="json") if ref is not None else None


def _place(ref: PlaceRef | None) -> dict[str, Any] | None:
    return ref.model_dump(mode="json") if ref is not None else None


def dyad_label(source: ActorRef | None, target: ActorRef | None) -> str | None:
    if source is None or target is None:
        return None
    return f"{source.name} → {target.name}"


# ---------------------------------------------------------------------------------------------


def article_document(article: TaggedArticle) -> Document:
    events = article.events
    return {
        "schema_version": article.schema_version,
        "versions": _versions(article),
        "article_id": article.article_id,
        "url": article.url,
        "guid": article.guid,
        "title": article.title,
        "summary": article.summary,
        "content": article.content,
        "published": iso(article.published),
        "published_from": article.published_from,
        "fetched_at": iso(article.fetched_at),
        "tagged_at": iso(article.tagged_at),
        "language": article.language,
        "outlet": article.outlet,
        "feed_id": article.feed_id,
        "authors": list(article.authors),
        "categories": list(article.categories),
        "flags": list(article.flags),
        "breaking_eligible": article.breaking_eligible,
        "story_id": article.story_id,
        "actors": [a.model_dump(mode="json") for a in article.actors],
        "places": [p.model_dump(mode="json") for p in article.places],
        "locations": _points(article.places),
        "countries": _unique([a.country for a in article.actors] + [p.country for p in article.places]),
        "events": [e.model_dump(mode="json") for e in events],
        "event_types": _unique(e.type for e in events),
        "event_modes": _unique(e.mode for e in events),
        "event_count": len(events),
        "dyads": _unique(f"{e.source_id}|{e.target_id}" for e in events if e.source_id and e.target_id),
        "severity": {
            "score": article.severity.score,
            "band": article.severity.band,
            "rank": band_rank(article.severity.band),
            "explanation": list(article.severity.explanation),
        },
    }


def event_document(event: Event) -> Document:
    place = event.place
    return {
        "schema_version": event.schema_version,
        "versions": _versions(event),
        "event_id": event.event_id,
        "article_id": event.article_id,
        "story_id": event.story_id,
        "type": event.type,
        "mode": event.mode,
        "source": _actor(event.source),
        "target": _actor(event.target),
        "dyad": event.dyad,
        "dyad_label": dyad_label(event.source, event.target),
        "place": _place(place),
        "location": _point(place.lat, place.lon) if place is not None else None,
        "countries": _unique([
            event.source.country if event.source else None,
            event.target.country if event.target else None,
            place.country if place else None,
        ]),
        "negated": event.negated,
        "hypothetical": event.hypothetical,
        "historical": event.historical,
        "attributed_to": event.attributed_to,
        "factual": not (event.negated or event.hypothetical or event.historical),
        "dead": event.dead,
        "injured": event.injured,
        "weight": event.weight,
        "sentence": event.sentence,
        "evidence": event.evidence.model_dump(mode="json"),
        "rule": event.rule,
        "published": iso(event.published),
        "url": event.url,
        "outlet": event.outlet,
        "feed_id": event.feed_id,
        "breaking_eligible": event.breaking_eligible,
    }


def alert_document(alert: Alert) -> Document:
    return {
        "schema_version": alert.schema_version,
        "versions": _versions(alert),
        "alert_id": alert.alert_id,
        "revision": alert.revision,
        "created": iso(alert.created),
        "updated": iso(alert.updated),
        "severity": {"band": alert.severity, "rank": band_rank(alert.severity)},
        "title": alert.title,
        "rule": alert.rule,
        "rule_kind": alert.rule_kind,
        "subscriptions": list(alert.subscriptions),
        "actors": [_actor(a) for a in alert.actors],
        "dyad": alert.dyad,
        "event_types": list(alert.event_types),
        "places": [_place(p) for p in alert.places],
        "locations": _points(alert.places),
        "countries": _unique([a.country for a in alert.actors] + [p.country for p in alert.places]),
        "story_id": alert.story_id,
        "sources": alert.sources,
        "dead": alert.dead,
        "injured": alert.injured,
        "evidence": [e.model_dump(mode="json") for e in alert.evidence],
    }


# ---------------------------------------------------------------------------------------------


def build_action(record: Record, names: Names, specs: dict[str, IndexSpec] | None = None) -> IndexAction:
    """The bulk operation that indexes ``record``; raises TypeError for a record of no indexed kind."""
    specs = specs or current_specs()
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
