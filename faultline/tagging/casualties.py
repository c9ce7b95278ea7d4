"""Dead and injured counts stated in a sentence ("killed 46 civilians", "four were wounded", "no fatalities")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from faultline.tagging.cues import Cues
from faultline.tagging.tokens import SentenceTokens

_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")
_SKIP = frozenset({
    "at", "least", "more", "than", "about", "some", "nearly", "almost", "over", "up", "to", "around", "roughly",
    "approximately", "another", "other", "others", "people", "persons", "civilians", "soldiers", "were", "was",
    "have", "has", "had", "been", "reportedly", "and", "or", "of", "the", "their", "his", "her", "its", "as", "many",
    "rose", "risen", "climbed", "stood", "reached", "is", "are", "now", "toll",
})
_NEGATORS = frozenset({"no", "neither", "nor", "without", "zero"})


@dataclass(slots=True)
class Casualties:
    dead: int | None = None
    injured: int | None = None


def _number(cues: Cues, st: SentenceTokens, k: int, allow_article: bool) -> int | None:
    text = st.tokens[k].text
    if _DIGITS.match(text):
        value = int(text.replace(",", ""))
        return value if value < 1_000_000 and not (1900 <= value <= 2100) else None
    if text in ("a", "an") and not allow_article:
        return None
    value = cues.quantities.get((text,))
    if value is None:
        return None
    if k + 1 < len(st) and text.endswith("ty"):
        unit = cues.quantities.get((st.tokens[k + 1].text,))
        if unit is not None and unit < 10:
            value += unit
    return value


def _count_near(cues: Cues, st: SentenceTokens, a: int, b: int, verb: bool) -> int | None:
    toks = st.tokens
    if verb:
        for k in range(b, min(len(toks), b + 5)):
            if toks[k].clause_break:
                break
            value = _number(cues, st, k, allow_article=k == b)
            if value is not None:
                return value
            if toks[k].text not in _SKIP:
                break
    for k in range(a - 1, max(-1, a - 6), -1):
        if toks[k + 1].clause_break:
            break
        value = _number(cues, st, k, allow_article=False)
        if value is not None:
            return value
        if toks[k].text not in _SKIP and not toks[k].text.isalpha():
            break
    return None


def _negated(st: SentenceTokens, a: int) -> bool:
    return any(st.tokens[k].text in _NEGATORS for k in range(max(0, a - 3), a))


def count_casualties(cues: Cues, st: SentenceTokens) -> Casualties:
    """The largest stated numbers of dead and injured in the sentence (0 when explicitly none)."""
    found = Casualties()
    both = list(cues["casualty_both"].find(st.tokens))
    for name, attr in (("casualty_dead", "dead"), ("casualty_injured", "injured")):
        for a, b in cues[name].find(st.tokens):
            if any(x <= a < y for x, y in both) and name != "casualty_both":
                continue
            if _negated(st, a):
                value: int | None = 0
            else:
                last = st.tokens[b - 1].text
                value = _count_near(cues, st, a, b, verb=last.endswith(("ed", "ing")) or last in ("kill", "wound", "injure"))
            if value is None:
                continue
            current = getattr(found, attr)
            if current is None or value > current:
                setattr(found, attr, value)
    return found
