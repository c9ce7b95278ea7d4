"""Sentence splitting in one regular-expression pass: each match is one sentence, already trimmed.

A sentence ends
- after a run of stops (. ! ?) and closing quotes or brackets that is followed by space and a capital, a digit
  or an opening quote or bracket, unless the run starts with the dot of an abbreviation;
- before the space around a newline that starts a blank line, or a line starting with a list marker or a
  capital;
- at the end of the text.

The word before a dot is made of the letters and dots among the 12 characters before it, from the first
letter; the dot ends an abbreviation when that word is a known abbreviation ("Gen", "U.S"), a single letter,
or at most four characters with a dot inside ("a.m").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import count, product

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt cpt sgt cpl adm brig cmdr st mt ft no nos vs etc inc corp co ltd jr sr rep
    sen gov rev dept univ approx est fig vol jan feb mar apr jun jul aug sep sept oct nov dec u.s u.n u.k e.g i.e a.m
    p.m al pres sheikh messrs""".split()
)
_WINDOW = 12  # characters before a dot that may belong to its word
_SHORT = 4  # a word this short with a dot inside is an abbreviation

_LETTER = "[A-Za-z]"
_STOPS = r"""[.!?]++["'\u201d\u2019)\]*]*+"""  # stops, then closing quotes and brackets, taken whole
_NEXT_STARTS = r"""\s+["'\u201c\u2018(\[*]*[A-Z0-9\u00c0-\u024f]"""
# after a newline: a blank line, a list marker or a capital
_LINE_STARTS = r"""\s*\n|\s*[*#\-\u2022A-Z"\u201c]"""


def _spelled(word: str) -> str:
    """``word`` as a pattern, letters in either case."""
    return "".join(f"[{c.upper()}{c}]" if c.isalpha() else re.escape(c) for c in word)


def _abbreviation_shapes() -> dict[int, list[str]]:
    """Patterns of every word a dot after which is an abbreviation, by length."""
    shapes: dict[int, list[str]] = {1: [_LETTER]}
    for word in sorted(_ABBREVIATIONS):
        shapes.setdefault(len(word), []).append(_spelled(word))
    for length in range(3, _SHORT + 1):
        for inside in product((_LETTER, r"\."), repeat=length - 2):
            if r"\." in inside:
                shapes.setdefault(length, []).append(_LETTER + "".join(inside) + _LETTER)
    return shapes


def _word_starts(length: int) -> str:
    """Holds where the word of a dot starts when it is ``length`` characters long: the character before is
    neither letter nor dot, or only dots lie between it and the window's edge or a character that is no
    letter."""
    no_letter_before_dots = "".join(rf"(?<!{_LETTER}\.{{{n}}})" for n in range(1, _WINDOW - length))
    return rf"(?:(?<![A-Za-z.])|(?<=\.){no_letter_before_dots})"


def _abbreviation() -> str:
    """Holds before a dot that ends an abbreviation."""
    shapes = _abbreviation_shapes()
    words = "|".join(f"(?<={_word_starts(n)}(?:{'|'.join(shapes[n])}))" for n in sorted(shapes))
    # a letter just before the dot, and not more letters than the longest shape: quick refusals
    return f"(?<={_LETTER})(?<!{_LETTER}{{{max(shapes) + 1}}})(?:{words})"


_NOT_AN_END = rf"(?:{_STOPS}(?!{_NEXT_STARTS})|(?=\.){_abbreviation()}{_STOPS}|\n(?!{_LINE_STARTS}))"
_SENTENCE = re.compile(
    rf"(?=\S)[^.!?\n]*(?:{_NOT_AN_END}[^.!?\n]*)*"  # up to the first stop or newline that ends the sentence
    rf"(?:{_STOPS}|(?<=\S)(?=[^\S\n]*(?:\n|\Z)))"  # those stops, or the last non-space before that newline
)
_START = re.Match.start
_END = re.Match.end


@dataclass(slots=True, init=False)
class Sentence:
    index: int
    start: int
    end: int

    def __init__(
        self,
        index: int,
        start: int,
        end: int,
    ) -> None:
        self.index = index
        self.start = start
        self.end = end


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` as character spans (leading and trailing whitespace excluded)."""
    found = list(_SENTENCE.finditer(text))
    return list(map(Sentence, count(), map(_START, found), map(_END, found)))
