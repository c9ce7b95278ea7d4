"""Folding, sentence splitting and the one-pass matching."""

from __future__ import annotations

import pytest

from faultline.tagging import Tagger
from faultline.tagging.normalise import article_variants, fold, pattern_keys
from faultline.tagging.sentences import split_sentences


@pytest.mark.parametrize(
    "text",
    [
        "Mohammed Shia\u2019 al-Sudani met Kata'ib Hezbollah in Jurf al-\u1e62akhar.",
        "\u0130stanbul \ufb01ne \u2014 \u201cquoted\u201d",
        "\u0639\u0635\u0627\u0626\u0628 Kata\u02bfib",
        "plain ASCII, text!",
    ],
)
def test_fold_keeps_length_and_folds_case_diacritics_and_punctuation(text):
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded == folded.lower() or not folded.isascii()
    assert not any(c in folded for c in "\u2019'\u2014-,.!\u201c")


def test_fold_maps_variants_to_the_same_key():
    assert fold("Jurf al-\u1e62akhar") == fold("jurf al sakhar")
    assert fold("KATA\u2019IB") == fold("kata'ib")


def test_pattern_keys_cover_apostrophe_variants():
    keys = pattern_keys("Mohammed Shia' al-Sudani")
    assert "mohammed shia al sudani" in keys and "mohammed shia  al sudani" in keys
    assert "kataib hezbollah" in pattern_keys("Kata'ib Hezbollah")


def test_article_variants():
    assert article_variants("hadi al amiri") == {"hadi el amiri", "hadi amiri"}
    assert article_variants("baghdad") == set()


def test_sentences_respect_abbreviations_and_paragraphs():
    text = "BAGHDAD, Feb. 21 \u2014 U.S. forces struck Gen. Smith's camp. It burned.\n\nA new paragraph here"
    spans = [text[s.start : s.end] for s in split_sentences(text)]
    assert spans == [
        "BAGHDAD, Feb. 21 \u2014 U.S. forces struck Gen. Smith's camp.",
        "It burned.",
        "A new paragraph here",
    ]


def test_sentence_offsets_point_into_the_text():
    text = "  First one!  Second one?\nThird"
    for s in split_sentences(text):
        assert text[s.start : s.end].strip() == text[s.start : s.end]


def test_acronyms_match_only_in_capitals(tagger):
    result = tagger.tag("Let us see what the US does.")
    usa = [a for a in result.actors if a.id == "usa"]
    assert [m.text for m in usa[0].mentions] == ["US"]


def test_longest_match_wins(tagger):
    result = tagger.tag("The Popular Mobilisation Forces deployed.")
    assert [a.id for a in result.actors] == ["pmf"]
    assert not [e for e in result.events if e.evidence.text.lower().startswith("mobilisation")]


def test_names_in_other_scripts_match_beside_latin_text():
    """Folded text with letters of other scripts is matched as text, not bytes: offsets stay characters."""
    text = "Yemen: \u0627\u0644\u062d\u0648\u062b\u064a\u0648\u0646 claimed the strike, the Houthis said."
    result = Tagger.load().tag(text)
    houthis = next(a for a in result.actors if a.id == "houthis")
    assert [(m.text, text[m.start : m.end]) for m in houthis.mentions] == [
        (
            "\u0627\u0644\u062d\u0648\u062b\u064a\u0648\u0646",
            "\u0627\u0644\u062d\u0648\u062b\u064a\u0648\u0646",
        ),
        ("Houthis", "Houthis"),
    ]
    assert [(m.start, m.text) for a in result.actors if a.id == "yem" for m in a.mentions] == [(0, "Yemen")]
