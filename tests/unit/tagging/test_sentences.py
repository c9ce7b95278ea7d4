"""Sentence splitting: the one-pass pattern against the rules read one candidate boundary at a time."""

from __future__ import annotations

import random
import re

import pytest

from faultline.tagging.sentences import _ABBREVIATIONS, split_sentences

# The rules, read directly: candidate boundaries left to right, abbreviations checked one by one.
_CANDIDATE = re.compile(
    r"[.!?\n](?:(?<=[.!?])[.!?]*[\"'\u201d\u2019)\]*]*(?=\s+[\"'\u201c\u2018(\[*]*[A-Z0-9\u00c0-\u024f])"
    r"|(?<=\n)\s*\n|(?<=\n)(?=\s*[*#\-\u2022]|\s*[A-Z\"\u201c]))"
)
_LAST_WORD = re.compile(r"([A-Za-z][A-Za-z.]*)\.+$")


def _abbreviation(text: str, dot: int) -> bool:
    match = _LAST_WORD.search(text, max(0, dot - 12), dot + 1)
    word = match.group(1).lower().rstrip(".") if match else ""
    return bool(word) and (word in _ABBREVIATIONS or len(word) == 1 or (len(word) <= 4 and "." in word))


def _reference(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CANDIDATE.finditer(text):
        at, after = match.span()
        if text[at] == "." and _abbreviation(text, at):
            continue
        spans.append((start, at if text[at] == "\n" else after))
        start = after
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        chunk = text[s:e]
        if chunk.strip():
            s += len(chunk) - len(chunk.lstrip())
            out.append((s, s + len(chunk.strip())))
    return out


def _spans(text: str) -> list[tuple[int, int]]:
    sentences = split_sentences(text)
    assert [s.index for s in sentences] == list(range(len(sentences)))
    return [(s.start, s.end) for s in sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith came. He left.", ["Mr. Smith came.", "He left."]),
        ("The U.S. Army and the U.S.A. Then more.", ["The U.S. Army and the U.S.A.", "Then more."]),
        ("Talks at 9 a.m. The end.", ["Talks at 9 a.m. The end."]),
        ("Ask J. Doe! Why? Because.", ["Ask J. Doe!", "Why?", "Because."]),
        (
            "He said \u201cno.\u201d Then \u201cYes.\u201d (Again.) [X] ok",
            ["He said \u201cno.\u201d Then \u201cYes.\u201d", "(Again.)", "[X] ok"],
        ),
        (
            "Gen.Smith. Col. Brown. Internationally. Done",
            ["Gen.Smith.", "Col. Brown.", "Internationally.", "Done"],
        ),
        (
            "one line\ncontinues here\nNew line\n\nblank before\n- item\n* star",
            ["one line\ncontinues here", "New line", "blank before", "- item", "* star"],
        ),
        ("  padded  \n\n  second \t\n", ["padded", "second"]),
        ("Ends with abbreviation etc.\n\nNext", ["Ends with abbreviation etc.", "Next"]),
        (
            "At line end Mr.\nSmith here, Mr.\n(Jones) too",
            ["At line end Mr.", "Smith here, Mr.\n(Jones) too"],
        ),
        ("x..........mr. Next x.........mr. Next", ["x..........mr. Next x.........mr.", "Next"]),
        ("", []),
        (" \n\t ", []),
    ],
)
def test_sentence_boundaries(text, expected):
    assert [text[s:e] for s, e in _spans(text)] == expected
    assert _spans(text) == _reference(text)


_PIECES = (
    list("..!?\n\n  \t\u00a0\u2028\"'\u201d\u2019)]*\u201c\u2018([#-\u2022AaZx0\u00c0\u0250\u212a")
    + ["said", "Gaza", "internationally", "U.S", "a.m", "ab.c", "a..b", "..........", "Mr", "GEN", "sheikh"]
    + sorted(_ABBREVIATIONS)
)


def test_sentences_follow_the_rules_on_varied_text():
    rng = random.Random(20240521)
    for _ in range(4000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 24)))
        assert _spans(text) == _reference(text), repr(text)
