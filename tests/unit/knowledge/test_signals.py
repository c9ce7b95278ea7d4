"""The signal ontology: PLOVER types, modes and scores, trigger expansion and validation."""

from __future__ import annotations

import copy

import pytest
import yaml

from faultline.errors import KnowledgeError
from faultline.knowledge.signals import EVENT_TYPES, SIGNALS_PATH, load_signals, parse_signals


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(SIGNALS_PATH.read_text(encoding="utf-8"))


def test_packaged_ontology_has_the_16_plover_types_and_a_version():
    signals = load_signals()
    assert set(signals.types) == set(EVENT_TYPES) and len(EVENT_TYPES) == 16
    assert signals.version


@pytest.mark.parametrize(
    ("type_", "mode", "score"),
    [
        ("ASSAULT", "Drone", -9.5),
        ("ASSAULT", "Unconventional", -10),
        ("THREATEN", "Violence", -3.5),
        ("ACCUSE", "Disapprove", -2),
        ("MOBILIZE", "Troops", -6.5),
        ("REQUEST", "Yield", -1),
        ("SANCTION", "Expel", -5.5),
        ("RETREAT", "Disarm", 10),
        ("AID", None, 10),
        ("CONSULT", "Phone", 1.5),
    ],
)
def test_weights_are_the_published_plover_scores(type_, mode, score):
    assert load_signals().weight(type_, mode) == score


def test_conflict_types_are_the_conflict_quads():
    conflict = load_signals().conflict_types
    assert {"ASSAULT", "THREATEN", "ACCUSE", "PROTEST"} <= conflict
    assert not conflict & {"AGREE", "AID", "COOPERATE", "RETREAT"}


def test_every_type_has_triggers():
    signals = load_signals()
    assert {t.type for t in signals.triggers} == set(EVENT_TYPES)


def test_verbs_are_inflected_and_nouns_pluralised():
    by_surface = {t.surface: t for t in load_signals().triggers}
    assert by_surface["attacked"].form == "past_participle" and by_surface["attacked"].lemma == "attack"
    assert by_surface["struck"].type == "ASSAULT"  # irregular past of "strike"
    assert by_surface["kidnapped"].type == "ASSAULT" and by_surface["kidnapped"].mode == "Abduct"
    assert by_surface["airstrikes"].mode == "Aerial"
    assert by_surface["threatened to attack"].mode == "Violence"


def test_compounds_expand_their_verbs():
    compounds = {c.id: c for c in load_signals().compounds}
    expel = next(c for c in compounds.values() if c.type == "SANCTION" and c.mode == "Expel")
    assert ("expelled", "past_participle", "expel") in expel.heads
    assert "diplomats" in expel.objects


def test_a_surface_claimed_by_two_types_is_rejected(raw):
    broken = copy.deepcopy(raw)
    broken["triggers"]["AID"]["nouns"].append("airstrike")
    with pytest.raises(KnowledgeError, match="airstrike"):
        parse_signals(broken)


def test_an_unknown_mode_is_rejected(raw):
    broken = copy.deepcopy(raw)
    broken["triggers"]["ASSAULT:Laser"] = {"nouns": ["laser attack"]}
    with pytest.raises(KnowledgeError, match="ASSAULT:Laser"):
        parse_signals(broken)


def test_scores_out_of_range_are_rejected(raw):
    broken = copy.deepcopy(raw)
    broken["types"]["AID"]["score"] = 12
    with pytest.raises(KnowledgeError, match="AID"):
        parse_signals(broken)


def test_a_missing_type_is_rejected(raw):
    broken = copy.deepcopy(raw)
    del broken["types"]["COERCE"]
    with pytest.raises(KnowledgeError, match="COERCE"):
        parse_signals(broken)


def test_conversions_point_at_known_types(raw):
    broken = copy.deepcopy(raw)
    broken["threat_as"]["ASSAULT"] = "MENACE:Violence"
    with pytest.raises(KnowledgeError, match="threat_as"):
        parse_signals(broken)
