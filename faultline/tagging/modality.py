"""What the words around a trigger say about its event: negated, refused, threatened, future, hypothetical,
historical. Cues count inside the trigger's clause, within a few words of it; time expressions and background
clauses ("after ...", "in retaliation for ...") mark an event as historical.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from faultline.tagging.cues import Cues
from faultline.tagging.tokens import SentenceTokens

_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_NEGATION_BEFORE = 4
_MODAL_BEFORE = 6
_TIME_WINDOW = 14


@dataclass(slots=True)
class Modality:
    negated: bool = False
    refused: bool = False
    threatened: bool = False
    future: bool = False
    hypothetical: bool = False
    historical: bool = False
    cues: tuple[str, ...] = ()


def _ends_near(cues: Cues, name: str, st: SentenceTokens, lo: int, i: int, reach: int) -> bool:
    """True when a ``name`` cue ends within ``reach`` tokens before token ``i`` (inside [lo, i))."""
    for a, b in cues[name].find(st.tokens, max(lo, i - reach - 3), i):
        if i - b <= reach:
            return True
    return False


_NOT_NEGATING_NEXT = frozenset({"fewer", "less", "more", "longer", "only", "doubt", "sooner"})


def _negated_before(cues: Cues, st: SentenceTokens, lo: int, i: int) -> bool:
    toks = st.tokens
    start = max(lo, i - _NEGATION_BEFORE)
    if any(toks[k].text.endswith("n't") for k in range(start, i)):
        return True
    for a, b in cues["negation"].find(toks, max(lo, start - 3), i):
        if i - b > _NEGATION_BEFORE:
            continue
        if b - a == 1 and b < len(toks) and toks[b].text in _NOT_NEGATING_NEXT:
            continue
        return True
    return False


def _negated_after(cues: Cues, st: SentenceTokens, j: int, hi: int) -> bool:
    """"casualties were not reported": a be-form right after the noun, then a negation."""
    toks = st.tokens
    k = j
    while k < min(hi, j + 3) and toks[k].text in cues.be:
        k += 1
    return k > j and k < hi and (toks[k].text in ("not", "never") or toks[k].text.endswith("n't"))


def modality(cues: Cues, st: SentenceTokens, i: int, j: int, base_form: bool, nominal: bool, background_from: int | None,
             published: datetime | None) -> Modality:
    """Flags for the trigger at tokens [i, j) of ``st``."""
    lo, hi = st.clause_bounds(i)
    m = Modality()
    found: list[str] = []
    if _ends_near(cues, "threat", st, lo, i, 3):
        m.threatened = True
        found.append("threat")
    if _ends_near(cues, "refusal", st, lo, i, 4):
        m.refused = True
        found.append("refusal")
    if _negated_before(cues, st, lo, i) or (nominal and _negated_after(cues, st, j, hi)):
        m.negated = True
        found.append("negation")
    if any(a < i for a, _ in cues["denial"].find(st.tokens, 0, i)):
        m.negated = True
        found.append("denial")
    if _ends_near(cues, "willingness", st, lo, i, 4) or _ends_near(cues, "future", st, lo, i, _MODAL_BEFORE):
        m.future = True
        found.append("future")
    if _ends_near(cues, "hypothetical", st, lo, i, _MODAL_BEFORE) or any(
            t.text in ("if", "unless", "whether") for t in st.tokens[lo:i]):
        m.hypothetical = True
        found.append("hypothetical")
    if not (m.threatened or m.future or m.refused) and _infinitive(st, i, base_form, nominal):
        m.hypothetical = True
        found.append("infinitive")
    if _historical(cues, st, i, j, lo, hi, published) or (background_from is not None and i >= background_from):
        m.historical = True
        found.append("historical")
    m.cues = tuple(found)
    return m


def _infinitive(st: SentenceTokens, i: int, base_form: bool, nominal: bool) -> bool:
    """"to attack", or a noun after "to launch (an)": an intended act, not a reported one."""
    toks = st.tokens
    if base_form and i > 0 and toks[i - 1].text == "to":
        return True
    return nominal and any(toks[k].text == "to" for k in range(max(0, i - 3), i - 1))


def _historical(cues: Cues, st: SentenceTokens, i: int, j: int, lo: int, hi: int, published: datetime | None) -> bool:
    toks = st.tokens
    a, b = max(lo, i - _TIME_WINDOW), min(hi, j + _TIME_WINDOW)
    for k in range(a, b):
        word = toks[k].text
        prev = toks[k - 1].text if k > 0 else ""
        if word in cues.months and prev in ("in", "since", "last", "during", "until", "of") and not _day_follows(toks, k):
            if not _same_month(word, toks, k, published):
                return True
        if _YEAR.match(word) and prev in ("in", "since", "during", "of", "until", "before"):
            year = int(word)
            if published is None or year < published.year:
                return True
    return any(True for _ in cues["historical"].find(toks, a, b))


def _day_follows(toks, k: int) -> bool:
    return k + 1 < len(toks) and toks[k + 1].text.isdigit() and len(toks[k + 1].text) <= 2


_MONTH_NUMBER = {m: n for n, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")), start=1) for m in names}


def _same_month(word: str, toks, k: int, published: datetime | None) -> bool:
    if published is None:
        return False
    return _MONTH_NUMBER.get(word) == published.month


def background_start(cues: Cues, st: SentenceTokens) -> int | None:
    """First token of a background clause ("after ...", "in retaliation for ..."), or None.

    A background cue opening the sentence covers only its own clause; elsewhere it runs to the end.
    """
    for a, b in cues["background"].find(st.tokens):
        if a == 0:
            continue
        return b
    return None
