"""One-line titles from templates with optional parts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from faultline.alerting.config import load_rules
from faultline.alerting.titles import attack_noun, event_title, human_duration, render


@pytest.mark.parametrize(("fields", "expected"), [
    ({"source": "US", "attack": "drone strike", "target": "Kataib Hezbollah", "dead": 1, "place": "Jurf al-Sakhar"},
     "US drone strike on Kataib Hezbollah kills 1 in Jurf al-Sakhar"),
    ({"source": "US", "attack": "drone strike", "target": "Kataib Hezbollah"}, "US drone strike on Kataib Hezbollah"),
    ({"source": "US", "attack": "attack", "target": None, "dead": None, "place": ""}, "US attack"),
    ({"source": "X", "attack": "attack", "target": "Y", "dead": 0}, "X attack on Y kills 0"),
])
def test_optional_parts_drop_when_a_field_is_missing(fields, expected):
    assert render("{source} {attack}[ on {target}][ kills {dead}][ in {place}]", fields) == expected


def test_a_missing_required_field_shows_a_placeholder_not_an_error():
    assert render("{source} threatens {target}", {"source": "Badr"}) == "Badr threatens ?"


@pytest.mark.parametrize(("mode", "noun"), [
    ("drone / targeted", "drone strike"), ("aerial", "air strike"), ("Artillery", "shelling"),
    (None, "attack"), ("telepathic", "attack"),
])
def test_attack_nouns_by_mode(mode, noun):
    assert attack_noun(mode, load_rules().titles) == noun


def test_event_titles_fall_back_to_the_default_template():
    titles = load_rules().titles
    assert event_title("THREATEN", {"source": "Badr", "target": "US forces"}, titles) == "Badr threatens US forces"
    assert event_title("AGREE", {"source": "A", "target": "B", "type": "AGREE"}, titles) == "A: AGREE against B"


@pytest.mark.parametrize(("duration", "text"), [
    (timedelta(hours=24), "24 h"), (timedelta(hours=1), "1 h"), (timedelta(days=7), "7 d"),
    (timedelta(minutes=30), "30 min"), (timedelta(seconds=45), "45 s"),
])
def test_human_durations(duration, text):
    assert human_duration(duration) == text
