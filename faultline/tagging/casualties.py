"""Dead and injured counts stated in a sentence ("killed 46 civilians", "four were wounded", "no fatalities")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from faultline.tagging.cues import Cues
from faultline.tagging.tokens import SentenceTokens

_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|\d+")
_SKIP = frozenset({
    "at", "least", "more", "than", "about", "some", "nearly", "almost", "over", "up", "to", "around", "roughly",
    "approximately", "another", "other", "others", "people", "persons", "civilians", "soldiers", "were", "was",
    "have", "has", "had", "been", "reportedly", "and", "or", "of", "the", "their", "his", "her", "its", "as", "many",
    "rose", "risen", "climbed", "stood", "reached", "is", "are", "now", "toll",
})  # fmt: skip
_NEGATORS = frozenset({"no", "neither", "nor", "without", "zero"})
_VERB_ENDINGS = ("ed", "ing")


@dataclass(slots=True, init=False)
class Casualties:
    dead: int | None
    injured: int | None

    def __init__(
        self,
        dead: int | None = None,
        injured: int | None = None,
    ) -> None:
        self.dead = dead
        self.injured = injured


def _number(cues: Cues, st: SentenceTokens, k: int, allow_article: bool) -> int | None:
    word = st.words[k]
    if word.isdigit():
        match = _NUMBER.match(st.text, st.starts[k])
        number = int(match.group(0).replace(",", "")) if match else int(word)
        return number if number < 1_000_000 and not 1900 <= number <= 2100 else None
    if word in ("a", "an") and not allow_article:
        return None
    value = cues.quantities.get(word)
    if value is not None and k + 1 < len(st) and word.endswith("ty"):
        unit = cues.quantities.get(st.words[k + 1])
        if unit is not None and unit < 10:
            value += unit
    return value


def _count_near(cues: Cues, st: SentenceTokens, a: int, b: int, verb: bool) -> int | None:
    ws = st.words
    if verb:
        for k in range(b, min(len(ws), b + 5)):
            if st.breaks[k]:
                break
            value = _number(cues, st, k, allow_article=k == b)
            if value is not None:
                return value
            if ws[k] not in _SKIP:
                break
    for k in range(a - 1, max(-1, a - 6), -1):
        if st.breaks[k + 1]:
            break
        value = _number(cues, st, k, allow_article=False)
        if value is not None:
            return value
    return None


def count_casualties(cues: Cues, st: SentenceTokens) -> Casualties:
    """The largest stated numbers of dead and injured in the sentence (0 when explicitly none)."""
    found = Casualties()
    both = st.occurrences("casualty_both")
    ws = st.words
    for name, attr in (("casualty_dead", "dead"), ("casualty_injured", "injured")):
        for a, b in st.occurrences(name):
            if any(x <= a < y for x, y in both):
                continue
            if any(ws[k] in _NEGATORS for k in range(max(0, a - 3), a)):
                value: int | None = 0
            else:
                last = ws[b - 1]
                verb = last.endswith(_VERB_ENDINGS) or last in ("kill", "wound", "injure")
                value = _count_near(cues, st, a, b, verb)
            if value is None:
                continue
            current = getattr(found, attr)
            if current is None or value > current:
                setattr(found, attr, value)
    return found
