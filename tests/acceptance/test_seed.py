"""Acceptance: the seed article yields every `must` actor, place and event of seed/expected.yaml, no `must_not`.

Names in expected.yaml are alternatives ("A | B"); a tagged actor matches one when its name, one of its
mentions, or one of its catalogue forms is that name (diacritics, case and punctuation folded). An event
matches when it is not negated and its type, mode, source, target, place and dead count fit.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from faultline.knowledge import load_catalog
from faultline.knowledge.datafiles import surface_key
from faultline.schema import ActorTag, EventTag, TagResult
from faultline.tagging import Tagger


@pytest.fixture(scope="module")
def seed(shared_data: Path) -> tuple[str, dict]:
    folder = shared_data.parent / "seed"
    text = (folder / "article.md").read_text(encoding="utf-8")
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    return text, expected


@pytest.fixture(scope="module")
def result(seed) -> TagResult:
    return Tagger.load().tag(seed[0], doc_id="seed")


def _alternatives(spec: str) -> set[str]:
    return {surface_key(a) for a in spec.split("|") if a.strip()}


def _actor_names(actor: ActorTag) -> set[str]:
    names = {surface_key(actor.name)} | {surface_key(m.text) for m in actor.mentions}
    entry = load_catalog().get(actor.id) if actor.id else None
    if entry is not None:
        names |= {surface_key(text) for text, _ in entry.forms()}
    return names


def _modes(spec: str | None) -> set[str] | None:
    if not spec:
        return None
    return {re.sub(r"\(.*?\)", "", m).strip().lower() for m in spec.split("/")}


def _dead_ok(spec, dead: int | None) -> bool:
    if spec is None:
        return True
    match = re.fullmatch(r"\s*>=\s*(\d+)\s*", str(spec))
    wanted = int(match.group(1)) if match else int(spec)
    return dead is not None and (dead >= wanted if match else dead == wanted)


def _event_matches(event: EventTag, spec: dict, actors_by_name: dict[str, ActorTag]) -> bool:
    if event.negated or event.type != spec["type"]:
        return False
    modes = _modes(spec.get("mode"))
    if modes is not None and (event.mode or "").lower() not in modes:
        return False
    for role in ("source", "target"):
        if spec.get(role):
            actor = actors_by_name.get(getattr(event, role) or "")
            if actor is None or not (_actor_names(actor) & _alternatives(spec[role])):
                return False
    if spec.get("place") and surface_key(event.place or "") not in _alternatives(spec["place"]):
        return False
    return _dead_ok(spec.get("dead"), event.dead)


def test_every_must_actor_is_tagged(seed, result):
    tagged = [_actor_names(a) for a in result.actors]
    missing = [
        spec for spec in seed[1]["actors"]["must"] if not any(names & _alternatives(spec) for names in tagged)
    ]
    assert not missing, f"must actors not tagged: {missing}"


def test_every_must_place_is_tagged(seed, result):
    tagged = [{surface_key(p.name)} | {surface_key(m.text) for m in p.mentions} for p in result.places]
    missing = [
        spec for spec in seed[1]["places"]["must"] if not any(names & _alternatives(spec) for names in tagged)
    ]
    assert not missing, f"must places not tagged: {missing}"


def test_no_must_not_place(seed, result):
    forbidden = set().union(*(_alternatives(s) for s in seed[1]["places"].get("must_not_as_place", [])))
    wrong = [
        p.name
        for p in result.places
        if ({surface_key(p.name)} | {surface_key(m.text) for m in p.mentions}) & forbidden
    ]
    assert not wrong, f"tagged as places: {wrong}"


def test_every_must_event_is_found(seed, result):
    actors_by_name = {a.name: a for a in result.actors}
    missing = [
        spec
        for spec in seed[1]["events"]["must"]
        if not any(_event_matches(e, spec, actors_by_name) for e in result.events)
    ]
    assert not missing, f"must events not found: {missing}"


def test_no_must_not_event(seed, result):
    text = seed[0]
    wrong = []
    for spec in seed[1]["events"]["must_not"]:
        at = text.find(spec["evidence"])
        assert at >= 0, f"evidence not in the seed text: {spec['evidence']!r}"
        end = at + len(spec["evidence"])
        wrong += [
            e
            for e in result.events
            if e.type == spec["type"] and not e.negated and e.evidence.start < end and at < e.evidence.end
        ]
    assert not wrong, f"false alarms: {[(e.type, e.evidence.text) for e in wrong]}"


def test_seed_scores_in_the_top_band(result):
    assert result.severity.band == "critical"
    assert result.severity.explanation and "ASSAULT" in result.severity.explanation[0]


def test_offsets_point_into_the_text(seed, result):
    text = seed[0]
    for actor in result.actors:
        for m in actor.mentions:
            assert text[m.start : m.end] == m.text
    for event in result.events:
        assert text[event.evidence.start : event.evidence.end] == event.evidence.text
        assert event.sentence.start <= event.evidence.start < event.evidence.end <= event.sentence.end
