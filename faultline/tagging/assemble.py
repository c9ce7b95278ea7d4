"""From working records to the schema's TagResult.

Results are built without re-validating every field (the tagger produced them, typed): ``build`` fills a
pydantic model's state directly, which is an order of magnitude cheaper than ``model_construct`` for the
thousands of small models a busy article yields. Every field must be given; a unit test checks that
built results equal their validated round trip.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from faultline.schema import (
    ActorTag,
    EventTag,
    Evidence,
    Mention,
    PlaceTag,
    Severity,
    Span,
    TagResult,
    Versions,
)
from faultline.tagging.events import EventRecord
from faultline.tagging.records import ActorRecord, PlaceRecord
from faultline.tagging.severity import severity

M = TypeVar("M", bound=BaseModel)
_set = object.__setattr__


def build(cls: type[M], **values: Any) -> M:
    """An instance of ``cls`` holding ``values`` (all its fields), without validation."""
    obj = cls.__new__(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", set(values))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def _mentions(spans: list[tuple[int, int]], text: str) -> list[Mention]:
    return [build(Mention, start=s, end=e, text=text[s:e]) for s, e in sorted(set(spans))]


def _first_mention(record: ActorRecord | PlaceRecord) -> tuple[int, str]:
    return min(record.mentions)[0], record.key


def result(
    doc_id: str,
    text: str,
    actors: dict[str, ActorRecord],
    places: dict[str, PlaceRecord],
    records: list[EventRecord],
    versions: Versions,
) -> TagResult:
    """The TagResult of one text (actors and places that have mentions, in order of first mention)."""
    actors = {k: r for k, r in actors.items() if r.mentions}
    places = {k: r for k, r in places.items() if r.mentions}

    def name(key: str | None) -> str | None:
        return actors[key].name if key in actors else None

    def ident(key: str | None) -> str | None:
        return actors[key].id if key in actors else None

    def describe(e: EventRecord) -> str:
        parts = [
            f"{e.type}:{e.mode}" if e.mode else e.type,
            f"{name(e.source) or '?'} -> {name(e.target) or '?'}",
        ]
        if e.dead:
            parts.append(f"dead {e.dead}")
        if e.historical:
            parts.append("historical")
        elif e.hypothetical:
            parts.append("hypothetical")
        return " ".join(parts)

    events = [
        build(
            EventTag,
            event_id=e.event_id,
            type=e.type,
            mode=e.mode,
            source=name(e.source),
            target=name(e.target),
            source_id=ident(e.source),
            target_id=ident(e.target),
            place=places[e.place].name if e.place in places else None,
            negated=e.negated,
            hypothetical=e.hypothetical,
            historical=e.historical,
            attributed_to=name(e.attributed_key) or e.attributed_to,
            dead=e.dead,
            injured=e.injured,
            weight=e.weight,
            sentence=build(Span, start=e.sentence[0], end=e.sentence[1]),
            evidence=build(
                Evidence, start=e.evidence[0], end=e.evidence[1], text=text[e.evidence[0] : e.evidence[1]]
            ),
            rule=e.rule,
        )
        for e in records
    ]
    score, band, explanation = severity(records, describe)
    return build(
        TagResult,
        id=doc_id,
        actors=[
            build(
                ActorTag,
                id=r.id,
                name=r.name,
                kind=r.kind,
                country=r.country,
                resolved=r.resolved,
                member_of=list(r.member_of),
                mentions=_mentions(r.mentions, text),
                rule=r.rule,
            )
            for r in sorted(actors.values(), key=_first_mention)
        ],
        places=[
            build(
                PlaceTag,
                id=r.id,
                name=r.name,
                kind=r.kind,
                country=r.country,
                lat=r.lat,
                lon=r.lon,
                mentions=_mentions(r.mentions, text),
            )
            for r in sorted(places.values(), key=_first_mention)
        ],
        events=events,
        severity=build(Severity, score=score, band=band, explanation=explanation),
        versions=versions,
    )
