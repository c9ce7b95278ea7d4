"""Language codes: the feed's word when it gives one, else detection with py3langid."""

from __future__ import annotations

import re
import threading

_CODE_RE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*$")
# Codes that name a language but not as ISO 639-1 (which articles carry).
_ALIASES = {"per": "fa", "fas": "fa", "ara": "ar", "eng": "en", "fre": "fr", "fra": "fr", "heb": "he",
            "iw": "he", "tur": "tr", "kur": "ku", "urd": "ur", "rus": "ru", "deu": "de", "ger": "de",
            "spa": "es", "zho": "zh", "chi": "zh", "jpn": "ja"}
MIN_DETECT_CHARS = 20
MIN_DETECT_PROBABILITY = 0.25
SAMPLE_CHARS = 600  # a few sentences decide the language as well as a whole article, at a fraction of the cost

_identifier = None
_lock = threading.Lock()


def normalise_language(code: str | None) -> str | None:
    """``en-GB`` -> ``en``, ``fas`` -> ``fa``; None for anything that is not a language tag."""
    if not code:
        return None
    m = _CODE_RE.match(code.strip())
    if not m:
        return None
    primary = m.group(1).lower()
    return _ALIASES.get(primary, primary)


def is_language_tag(code: str) -> bool:
    return bool(_CODE_RE.match(code.strip()))


def _model():
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier


def detect_language(text: str) -> str | None:
    """The most likely language of ``text``, or None when the text is too short or the guess too weak."""
    sample = text[:SAMPLE_CHARS]
    letters = 0
    for ch in sample:
        letters += ch.isalpha()
        if letters >= MIN_DETECT_CHARS:
            break
    else:
        return None
    lang, prob = _model().classify(sample)
    return normalise_language(lang) if prob >= MIN_DETECT_PROBABILITY else None
