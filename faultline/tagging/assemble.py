"""From working records to the schema's TagResult.

The result is assembled as plain dictionaries and validated in one call of the schema's compiled validator,
which checks every field and builds the nested models for less than constructing each one from Python.
"""

from __future__ import annotations

from typing import Any

from faultline.schema import TagResult, Versions
from faultline.tagging.events import EventRecord
from faultline.tagging.records import ActorRecord, PlaceRecord
from faultline.tagging.severity import severity


def _mentions(spans: list[tuple[int, int]], text: str) -> list[dict[str, Any]]:
    return [{"start": s, "end": e, "text": text[s:e]} for s, e in sorted(set(spans))]


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
        {
            "event_id": e.event_id,
            "type": e.type,
            "mode": e.mode,
            "source": name(e.source),
            "target": name(e.target),
            "source_id": ident(e.source),
            "target_id": ident(e.target),
            "place": places[e.place].name if e.place in places else None,
            "negated": e.negated,
            "hypothetical": e.hypothetical,
            "historical": e.historical,
            "attributed_to": name(e.attributed_key) or e.attributed_to,
            "dead": e.dead,
            "injured": e.injured,
            "weight": e.weight,
            "sentence": {"start": e.sentence[0], "end": e.sentence[1]},
            "evidence": {
                "start": e.evidence[0],
                "end": e.evidence[1],
                "text": text[e.evidence[0] : e.evidence[1]],
            },
            "rule": e.rule,
        }
        for e in records
    ]
    score, band, explanation = severity(records, describe)
    return TagResult.model_validate(
        {
            "id": doc_id,
            "actors": [
                {
                    "id": r.id,
                    "name": r.name,
                    "kind": r.kind,
                    "country": r.country,
                    "resolved": r.resolved,
                    "member_of": list(r.member_of),
                    "mentions": _mentions(r.mentions, text),
                    "rule": r.rule,
                }
                for r in sorted(actors.values(), key=_first_mention)
            ],
            "places": [
                {
                    "id": r.id,
                    "name": r.name,
                    "kind": r.kind,
                    "country": r.country,
                    "lat": r.lat,
                    "lon": r.lon,
                    "mentions": _mentions(r.mentions, text),
                }
                for r in sorted(places.values(), key=_first_mention)
            ],
            "events": events,
            "severity": {"score": score, "band": band, "explanation": explanation},
            "versions": versions,
        }
    )
