"""Folding text for matching while keeping every offset: the folded text has the input's length.

Each character maps to exactly one character: letters and digits to their lower-case, diacritic-free form,
everything else (punctuation, quotes, dashes, apostrophes, spaces) to a space. A match in the folded text
is therefore a match at the same offsets in the original, and word boundaries are spaces.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE_RUNS = re.compile(r" {2,}")
_APOSTROPHES = "'\u2018\u2019\u02bc\u02bb\u02bf\u02be\u0060\u00b4\u2032"


def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower() if char.isalnum() else " "
    if unicodedata.combining(char):
        return char  # a stray combining mark stays part of its word
    base = next((c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)), "")
    if not base:
        return " "
    lowered = base.lower()
    folded = lowered if len(lowered) == 1 else base
    return folded if folded.isalnum() else " "


class _FoldTable(dict):
    """A ``str.translate`` table computed on demand: one character in, one character out."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_TABLE = _FoldTable({i: _fold_char(chr(i)) for i in range(128)})
_ASCII_TABLE = bytes(ord(_fold_char(chr(i))) for i in range(128)) + bytes(range(128, 256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_match(match: re.Match[str]) -> str:
    return _TABLE[ord(match.group())]


def fold(text: str) -> str:
    """The matching form of ``text``: same length, lower-case, no diacritics, non-alphanumerics as spaces."""
    if not text.isascii():
        text = _NON_ASCII.sub(_fold_match, text)
        if not text.isascii():  # letters of other scripts remain: fold character by character
            return text.translate(_TABLE)
    return text.encode("ascii").translate(_ASCII_TABLE).decode("ascii")


def pattern_keys(surface: str) -> set[str]:
    """The folded keys under which a lexicon surface is matched (without the boundary spaces).

    Besides the plain fold, a form written with an apostrophe also matches without it ("Kata'ib" and
    "Kataib"), and runs of spaces left by punctuation collapse ("Shia' al-Sudani" and "Shia al-Sudani").
    """
    keys = {fold(surface).strip()}
    if any(a in surface for a in _APOSTROPHES):
        stripped = surface
        for a in _APOSTROPHES:
            stripped = stripped.replace(a, "")
        keys.add(fold(stripped).strip())
    keys |= {_SPACE_RUNS.sub(" ", k) for k in keys}
    return {k for k in keys if k}


def article_variants(key: str) -> set[str]:
    """Variants of a folded multi-word name for the Arabic article: "al x" also as "el x" and "x"."""
    words = key.split(" ")
    if len(words) < 2 or not any(w in ("al", "el") for w in words[1:]):
        return set()
    swapped = " ".join("el" if w == "al" else "al" if w == "el" else w for w in words)
    dropped = " ".join(w for i, w in enumerate(words) if i == 0 or w not in ("al", "el"))
    return {swapped, dropped} - {key}
