"""Trigger words that are often figures of speech ("hit a high", "beat Ireland", "attacked the plans") report an
event only where the text shows armed conflict: a conflict word, an armed actor or a state's attack nearby."""

from __future__ import annotations

import pytest
from tagging_helpers import events_of, one_event

CONFLICT = {"ASSAULT", "COERCE", "THREATEN", "MOBILIZE", "PROTEST", "SANCTION"}


def conflict_events(result):
    return [e for e in result.events if e.type in CONFLICT and not e.negated]


@pytest.mark.parametrize(
    "text",
    [
        "Shares in the carmaker hit a record high on Monday.",
        "The bank is now seen as a takeover target by rival lenders.",
        "The singer beat three rivals to the best album award.",
        "Her charity has been fighting poverty in the region for a decade.",
        "The finance minister warned that growth would slow next year.",
        "The company said the strikes by its drivers had cost it millions.",
    ],
)
def test_figure_of_speech_is_no_event(tagger, text):
    assert conflict_events(tagger.tag(text)) == []


@pytest.mark.parametrize(
    "text, mode",
    [
        ("Soldiers beat protesters outside the parliament on Monday.", "Beat"),
        ("A missile hit a school in the north of the country.", None),
        ("Israeli strikes hit a residential building overnight.", None),
        ("Kataib Hezbollah targeted a convoy near Baghdad.", None),
    ],
)
def test_same_words_in_armed_conflict_are_attacks(tagger, text, mode):
    event = one_event(tagger.tag(text), "ASSAULT")
    if mode is not None:
        assert event.mode == mode


def test_conflict_shown_in_the_next_sentence_counts(tagger):
    text = "A woman was beaten by a man near her home on Sunday. The attacker fled, police said."
    assert one_event(tagger.tag(text), "ASSAULT").evidence.text.startswith("beaten")


def test_verbal_attack_without_conflict_is_criticism(tagger):
    result = tagger.tag("Iranian officials attacked the budget plans of the parliament on Monday.")
    assert events_of(result, "ASSAULT") == []
    event = one_event(result, "ACCUSE")
    assert event.mode == "Disapprove"
    assert event.rule.endswith("+verbal")


def test_warning_of_consequences_is_a_threat(tagger):
    result = tagger.tag("Hadi al-Amiri warned that American forces in Iraq faced consequences.")
    assert events_of(result, "THREATEN")


def test_sport_report_needs_armed_conflict_for_any_conflict_event(tagger):
    text = (
        "Wales beat Ireland in the Six Nations on Saturday. The striker was handed a two-year ban after "
        "the match, and the coach threatened to quit the squad before the final. Fans attacked the referee's "
        "decision on the radio."
    )
    assert conflict_events(tagger.tag(text)) == []


def test_sport_report_keeps_real_violence(tagger):
    text = (
        "Wales beat Ireland in the Six Nations on Saturday before the final. The match was overshadowed "
        "when riot police fired tear gas at fans outside the stadium, injuring twelve, the coach said."
    )
    assert conflict_events(tagger.tag(text))


@pytest.mark.parametrize(
    "text",
    [
        "An earthquake of magnitude 7.8 struck southern Turkey, killing thousands.",
        "A blast at a fireworks factory killed 10 workers on Monday.",
        "Two trains collided near the station, killing more than 280 people.",
        "The ferry sank after it hit a rock off the island.",
    ],
)
def test_disaster_is_no_attack(tagger, text):
    assert events_of(tagger.tag(text), "ASSAULT") == []


def test_casualty_words_do_not_anchor_but_attack_words_do(tagger):
    assert events_of(tagger.tag("A bus plunged into a gorge, killing 25 pilgrims."), "ASSAULT") == []
    assert one_event(tagger.tag("Gunmen attacked a checkpoint, killing three officers."), "ASSAULT")


@pytest.mark.parametrize(
    "text",
    [
        "Residents of the town beat a man accused of theft on Friday.",
        "An Israeli settler hit a Palestinian man with a stone near the village.",
        "Opposition factions took over the city on Sunday.",
    ],
)
def test_people_and_armed_groups_make_the_word_an_attack(tagger, text):
    assert events_of(tagger.tag(text), "ASSAULT")


def test_a_suicide_is_no_attack(tagger):
    assert events_of(tagger.tag("The police believe the singer killed himself."), "ASSAULT") == []
