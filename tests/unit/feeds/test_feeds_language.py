"""Language codes as articles carry them, and detection when the feed does not say."""

from __future__ import annotations

import pytest

from faultline.feeds.language import detect_language, normalise_language


@pytest.mark.parametrize("code, expected", [
    ("en", "en"), ("en-GB", "en"), ("EN_us", "en"), ("fa-IR", "fa"), ("per", "fa"), ("ara", "ar"),
    ("fr-FR", "fr"), ("zh-Hans", "zh"), (None, None), ("", None), ("x", None), ("english language", None),
    ("12", None),
])
def test_normalise_language(code, expected):
    assert normalise_language(code) == expected


@pytest.mark.parametrize("text, lang", [
    ("The ministry said two drones were shot down near the airport on Tuesday evening.", "en"),
    ("قالت الوزارة إن طائرتين مسيرتين أسقطتا قرب المطار مساء الثلاثاء.", "ar"),
    ("وزارت اعلام کرد که دو پهپاد عصر سه‌شنبه در نزدیکی فرودگاه سرنگون شدند.", "fa"),
    ("Le ministère a indiqué que deux drones avaient été abattus près de l'aéroport mardi soir.", "fr"),
])
def test_detects_the_pipeline_languages(text, lang):
    assert detect_language(text) == lang


def test_too_little_text_is_not_guessed():
    assert detect_language("Gaza") is None
    assert detect_language("12:30 — 4/5") is None
