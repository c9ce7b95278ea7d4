"""From working records to the schema's TagResult.

The result is assembled as plain dictionaries and validated in one call of the schema's compiled validator,
which checks every field and builds all the nested models; ``model_construct`` costs several times more per
model, and instances filled in by hand would save little while leaving the fields unchecked."""

from __future__ import annotations

from typing import Any

from faultline.schema import TagResult, Versions
from faultline.tagging.events import EventRecord
from faultline.tagging.records import ActorRecord, PlaceRecord
from faultline.tagging.severity import severity

_validate = TagResult.__pydantic_validator__.validate_python


def _mentions(spans: list[tuple[int, int]], text: str) -> list[dict[str, Any]]:
    """Mention fields of the distinct spans, in text order."""
    if len(spans) > 1:
        spans = sorted(set(spans))
    out = []
    for start, end in spans:
        out.append({"start": start, "end": end, "text": text[start:end]})
    return out


def _in_order(ranked: list[tuple[int, str, int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The tags of (first mention start, record key, position, tag) entries, by first mention, then key."""
    ranked.sort()
    return [entry[3] for entry in ranked]


def result(
    doc_id: str,
    text: str,
    actors: dict[str, ActorRecord],
    places: dict[str, PlaceRecord],
    records: list[EventRecord],
    versions: Versions,
) -> TagResult:
    """The TagResult of one text (actors and places that have mentions, in order of first mention)."""
    names: dict[str | None, str] = {}
    ids: dict[str | None, str | None] = {}
    ranked: list[tuple[int, str, int, dict[str, Any]]] = []
    for key, r in actors.items():
        spans = r.mentions
        if spans:
            names[key] = r.name
            ids[key] = r.id
            mentions = _mentions(spans, text)
            ranked.append(
                (
                    mentions[0]["start"],
                    r.key,
                    len(ranked),
                    {
                        "id": r.id,
                        "name": r.name,
                        "kind": r.kind,
                        "country": r.country,
                        "resolved": r.resolved,
                        "member_of": r.member_of,
                        "mentions": mentions,
                        "rule": r.rule,
                    },
                )
            )
    actor_tags = _in_order(ranked)

    place_names: dict[str | None, str] = {}
    ranked = []
    for key, p in places.items():
        spans = p.mentions
        if spans:
            place_names[key] = p.name
            mentions = _mentions(spans, text)
            ranked.append(
                (
                    mentions[0]["start"],
                    p.key,
                    len(ranked),
                    {
                        "id": p.id,
                        "name": p.name,
                        "kind": p.kind,
                        "country": p.country,
                        "lat": p.lat,
                        "lon": p.lon,
                        "mentions": mentions,
                    },
                )
            )
    place_tags = _in_order(ranked)

    name_of = names.get
    id_of = ids.get
    place_of = place_names.get
    events = []
    for e in records:
        source = e.source
        target = e.target
        sentence_start, sentence_end = e.sentence
        start, end = e.evidence
        events.append(
            {
                "event_id": e.event_id,
                "type": e.type,
                "mode": e.mode,
                "source": name_of(source),
                "target": name_of(target),
                "source_id": id_of(source),
                "target_id": id_of(target),
                "place": place_of(e.place),
                "negated": e.negated,
                "hypothetical": e.hypothetical,
                "historical": e.historical,
                "attributed_to": name_of(e.attributed_key) or e.attributed_to,
                "dead": e.dead,
                "injured": e.injured,
                "weight": e.weight,
                "sentence": {"start": sentence_start, "end": sentence_end},
                "evidence": {"start": start, "end": end, "text": text[start:end]},
                "rule": e.rule,
            }
        )
    score, band, explanation = severity(records, names)
    return _validate(
        {
            "id": doc_id,
            "actors": actor_tags,
            "places": place_tags,
            "events": events,
            "severity": {"score": score, "band": band, "explanation": explanation},
            "versions": versions,
        }
    )
