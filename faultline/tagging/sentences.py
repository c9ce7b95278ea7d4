"""Sentence splitting: one regular-expression pass for candidate boundaries, then abbreviation checks."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A boundary starts at a stop or a newline (a character class the engine scans for quickly): stops followed
# by space and a capital, a blank line, or a newline before a list marker or a capital.
_CANDIDATE = re.compile(
    r"[.!?\n](?:(?<=[.!?])[.!?]*[\"'\u201d\u2019)\]*]*(?=\s+[\"'\u201c\u2018(\[*]*[A-Z0-9\u00c0-\u024f])"
    r"|(?<=\n)\s*\n|(?<=\n)(?=\s*[*#\-\u2022]|\s*[A-Z\"\u201c]))"
)
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt cpt sgt cpl adm brig cmdr st mt ft no nos vs etc inc corp co ltd jr sr rep
    sen gov rev dept univ approx est fig vol jan feb mar apr jun jul aug sep sept oct nov dec u.s u.n u.k e.g i.e a.m
    p.m al pres sheikh messrs""".split()
)
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.+$")
_LONGEST = max(len(a) for a in _ABBREVIATIONS) + 1


@dataclass(slots=True)
class Sentence:
    index: int
    start: int
    end: int


def _is_abbreviation(text: str, dot_at: int) -> bool:
    before = text[dot_at - _LONGEST : dot_at] if dot_at >= _LONGEST else ""
    if before.isascii() and before.isalpha():
        return False  # a word too long to be an abbreviation
    match = _LAST_WORD.search(text, max(0, dot_at - 12), dot_at + 1)
    if match is None:
        return False
    word = match.group(1).lower().rstrip(".")
    return word in _ABBREVIATIONS or len(word) == 1 or (len(word) <= 4 and "." in word)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` as character spans (leading and trailing whitespace excluded)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        at, after = match.span()
        mark = text[at]
        if mark == "." and _is_abbreviation(text, at):
            continue
        spans.append((start, at if mark == "\n" else after))
        start = after
    spans.append((start, len(text)))
    sentences: list[Sentence] = []
    for s, e in spans:
        chunk = text[s:e]
        stripped = chunk.strip()
        if stripped:
            s += len(chunk) - len(chunk.lstrip())
            sentences.append(Sentence(len(sentences), s, s + len(stripped)))
    return sentences
