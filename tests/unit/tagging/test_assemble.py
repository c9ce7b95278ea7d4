"""Assembling the TagResult from working records, and the severity that summarises its events."""

from __future__ import annotations

import math

import pytest

from faultline.schema import TagResult, Versions
from faultline.tagging.assemble import result
from faultline.tagging.events import EventRecord
from faultline.tagging.records import ActorRecord, PlaceRecord
from faultline.tagging.severity import contribution, describe, severity

TEXT = "Alpha hit Beta near Gamma. Beta said Alpha fired again. Alpha denied it."
VERSIONS = Versions(catalog="c1", rules="r1")


def _at(word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return start, start + len(word)


def _event(weight: float, evidence: tuple[int, int] = (0, 5), **facts) -> EventRecord:
    fields = {
        "type": "ASSAULT",
        "mode": None,
        "source": "alpha",
        "target": "beta",
        "place": "gamma",
        "negated": False,
        "hypothetical": False,
        "historical": False,
        "attributed_to": None,
        "attributed_key": None,
        "dead": None,
        "injured": None,
        "weight": weight,
        "sentence": (0, 26),
        "evidence": evidence,
        "rule": "test",
        "event_id": f"e{evidence[0]}",
    }
    fields.update(facts)
    return EventRecord(**fields)


def _records() -> tuple[dict[str, ActorRecord], dict[str, PlaceRecord]]:
    beta = ActorRecord("beta", "B", "Beta", "state", "BTA", True, (), "entry")
    beta.mentions = [_at("Beta", 1), _at("Beta"), _at("Beta", 1)]
    alpha = ActorRecord("alpha", "A", "Alpha", "state", "ALP", True, ("X",), "entry")
    alpha.mentions = [_at("Alpha", 2), _at("Alpha")]
    silent = ActorRecord("silent", "S", "Silent", "state", None, True, (), "entry")
    gamma = PlaceRecord("gamma", "G", "Gamma", "city", "GAM", 1.5, 2.5, [_at("Gamma")])
    return {"beta": beta, "alpha": alpha, "silent": silent}, {"gamma": gamma}


def test_actors_in_order_of_first_mention_with_distinct_mentions_in_text_order():
    actors, places = _records()
    tags = result("d1", TEXT, actors, places, [], VERSIONS)
    assert [a.name for a in tags.actors] == ["Alpha", "Beta"]  # "Silent" has no mention
    beta = tags.actors[1]
    assert [(m.start, m.end, m.text) for m in beta.mentions] == [
        (*_at("Beta"), "Beta"),
        (*_at("Beta", 1), "Beta"),
    ]
    assert tags.actors[0].member_of == ["X"]
    assert [(p.name, p.lat, [m.text for m in p.mentions]) for p in tags.places] == [("Gamma", 1.5, ["Gamma"])]


def test_actors_first_mentioned_at_the_same_place_are_ordered_by_key():
    first = ActorRecord("zulu", None, "Zulu", "group", None, False, (), "pattern", [(0, 5)])
    second = ActorRecord("alpha", None, "Alpha", "group", None, False, (), "pattern", [(0, 5)])
    tags = result("d1", TEXT, {"zulu": first, "alpha": second}, {}, [], VERSIONS)
    assert [a.name for a in tags.actors] == ["Alpha", "Zulu"]


def test_events_name_their_actors_and_place_and_quote_their_evidence():
    actors, places = _records()
    records = [
        _event(-9.5, _at("hit")),
        _event(-1.0, _at("fired"), source="beta", target="nobody", place=None, attributed_key="beta"),
    ]
    tags = result("d1", TEXT, actors, places, records, VERSIONS)
    first, second = tags.events
    assert (first.source, first.source_id, first.target, first.target_id, first.place) == (
        "Alpha",
        "A",
        "Beta",
        "B",
        "Gamma",
    )
    assert (first.evidence.text, first.sentence.start, first.sentence.end) == ("hit", 0, 26)
    assert (second.source, second.target, second.target_id, second.place, second.attributed_to) == (
        "Beta",
        None,
        None,
        None,
        "Beta",
    )
    assert tags.versions == VERSIONS
    assert TagResult.model_validate_json(tags.model_dump_json()) == tags


def test_invalid_records_are_rejected():
    actors, places = _records()
    with pytest.raises((ValueError, TypeError)):  # compiled, the record refuses the None already
        actors["alpha"].name = None  # type: ignore[assignment]
        result("d1", TEXT, actors, places, [], VERSIONS)


def test_contribution():
    assert contribution(_event(-9.5)) == 76.0
    assert contribution(_event(-9.5, negated=True)) == 0.0
    assert contribution(_event(4.0)) == 0.0
    assert contribution(_event(-2.0, historical=True)) == pytest.approx(16 * 0.3)
    assert contribution(_event(-2.0, hypothetical=True)) == pytest.approx(16 * 0.5)
    assert contribution(_event(-2.0, dead=3)) == pytest.approx(16 + 10 + 4 * math.log(3))


def test_score_is_the_strongest_plus_fifteen_percent_of_the_next_four():
    events = [_event(w, (n, n + 1)) for n, w in enumerate((-1.0, -2.0, -3.0, -4.0, -5.0, -10.0, 3.0))]
    score, band, explanation = severity(events, {})
    assert score == round(80.0 + 0.15 * 8 * (5 + 4 + 3 + 2), 1)
    assert band == "critical"
    assert [line.rsplit("+", 1)[1] for line in explanation] == ["80.0", "40.0", "32.0", "24.0", "16.0"]


def test_equal_contributions_are_explained_in_evidence_order():
    names = {"alpha": "Alpha", "beta": "Beta"}
    events = [_event(-2.0, (30, 35), source="beta", target="alpha"), _event(-2.0, (10, 15))]
    _, band, explanation = severity(events, names)
    assert band == "low"
    assert explanation == ["ASSAULT Alpha -> Beta: +16.0", "ASSAULT Beta -> Alpha: +16.0"]


def test_describe():
    names = {"alpha": "Alpha"}
    assert (
        describe(_event(-9.5, mode="Drone", target=None, dead=2), names) == "ASSAULT:Drone Alpha -> ? dead 2"
    )
    assert (
        describe(_event(-9.5, historical=True, hypothetical=True), names) == "ASSAULT Alpha -> ? historical"
    )
    assert describe(_event(-9.5, hypothetical=True), {}) == "ASSAULT ? -> ? hypothetical"


def test_nothing_hostile_scores_zero():
    assert severity([_event(5.0), _event(-9.5, negated=True)], {}) == (0.0, "low", [])
