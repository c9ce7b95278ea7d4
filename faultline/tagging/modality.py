"""What the words around a trigger say about its event.

- negated: a negation within a few words before it ("no attacks", "did not attack"), a be-form and a
  negation after a noun ("casualties were not reported"), or a denial earlier in the sentence;
- refused: "refused to", "will not", "did not" before it (a refused cooperation is a rejection);
- threatened / future / modal: "threatened to", "vowed to"; "will", "plans to", "is ready to"; "may", "could";
- hypothetical: a conditional ("if", "unless") or hedge before it in its clause, or an intended act ("to
  attack", "efforts to end the fighting");
- historical: a time expression ("in November", "in January 2020", "years ago") attached to the nearest
  trigger, or a background clause ("after ...", "in retaliation for ...", "despite ...").
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
_NOT_NEGATING_NEXT = frozenset({"fewer", "less", "more", "longer", "only", "doubt", "sooner"})
_MODALS = frozenset({"may", "might", "could"})
_DENIAL_REACH = 12
_CONDITIONALS = frozenset({"if", "unless", "whether"})
_COORDINATING = frozenset({"and", "but"})
_TIME_PREPOSITIONS = frozenset({"in", "since", "last", "during", "until", "of", "before"})
_MONTH_NUMBER = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}


@dataclass(slots=True, init=False)
class Modality:
    negated: bool
    refused: bool
    threatened: bool
    future: bool
    modal: bool
    hypothetical: bool
    conditional: bool
    purpose: bool

    def __init__(
        self,
        negated: bool = False,
        refused: bool = False,
        threatened: bool = False,
        future: bool = False,
        modal: bool = False,
        hypothetical: bool = False,
        conditional: bool = False,
        purpose: bool = False,
    ) -> None:
        self.negated = negated
        self.refused = refused
        self.threatened = threatened
        self.future = future
        self.modal = modal
        self.hypothetical = hypothetical
        self.conditional = conditional
        self.purpose = purpose


def _negated_before(st: SentenceTokens, lo: int, i: int) -> bool:
    ws = st.words
    for k in range(max(lo, i - _NEGATION_BEFORE) + 1, i):
        if ws[k] == "t" and ws[k - 1].endswith("n"):
            return True  # "didn't", "won't", "can't"
    spans = st.cues.get("negation")
    if spans:
        for a, b in spans:
            if b > i or a < lo or i - b > _NEGATION_BEFORE:
                continue
            if b - a == 1 and b < len(ws) and ws[b] in _NOT_NEGATING_NEXT:
                continue
            return True
    return False


def _negated_after(cues: Cues, st: SentenceTokens, j: int, hi: int) -> bool:
    """ "casualties were not reported": a be-form right after the noun, then a negation."""
    ws = st.words
    k = j
    while k < min(hi, j + 3) and ws[k] in cues.be:
        k += 1
    return j < k < hi and (
        ws[k] in ("not", "never") or (ws[k].endswith("n") and k + 1 < hi and ws[k + 1] == "t")
    )


def _coordinated(ws: list[str], a: int, i: int) -> bool:
    """True when a coordinated predicate ("... and urged") starts between words a and i."""
    return not _COORDINATING.isdisjoint(ws[a + 1 : i])


def _denied(st: SentenceTokens, i: int) -> bool:
    """A denial shortly before word ``i`` and in the same predicate ("denied carrying out the attack")."""
    spans = st.cues.get("denial")
    if spans:
        for a, _ in spans:
            if a < i and i - a <= _DENIAL_REACH and not _coordinated(st.words, a, i):
                return True
    return False


def _purpose(st: SentenceTokens, i: int, base_form: bool, nominal: bool) -> bool:
    """ "to attack", or a noun after "to launch (an)": an intended act, not a reported one."""
    ws = st.words
    if base_form and i > 0 and ws[i - 1] == "to":
        return True
    return nominal and i > 1 and "to" in ws[max(0, i - 3) : i - 1]


def modality(cues: Cues, st: SentenceTokens, i: int, j: int, base_form: bool, nominal: bool) -> Modality:
    """Flags for the trigger at words [i, j) of ``st`` (time is read separately, see ``time_cues``)."""
    lo, hi = st.clause_bounds(i)
    ws = st.words
    m = Modality()
    m.threatened = st.cue_near("threat", lo, i, 3)
    m.refused = st.cue_near("refusal", lo, i, 4)
    m.negated = _negated_before(st, lo, i) or (nominal and _negated_after(cues, st, j, hi)) or _denied(st, i)
    m.future = st.cue_near("willingness", lo, i, 4) or st.cue_near("future", lo, i, _MODAL_BEFORE)
    m.modal = not _MODALS.isdisjoint(ws[max(lo, i - 2) : i])
    m.conditional = not _CONDITIONALS.isdisjoint(ws[lo:i])
    m.hypothetical = m.conditional or m.modal or st.cue_near("hypothetical", lo, i, _MODAL_BEFORE)
    if not (m.threatened or m.future or m.refused) and _purpose(st, i, base_form, nominal):
        m.purpose = True
        m.hypothetical = True
    return m


def time_cues(cues: Cues, st: SentenceTokens, published: datetime | None) -> list[int]:
    """Word positions of expressions placing an event in the past ("in November", "in 2019", "years ago")."""
    ws = st.words
    historical = st.cues.get("historical")
    found: list[int] = [a for a, _ in historical] if historical else []
    if cues.months.isdisjoint(ws) and not _has_year(ws):
        return sorted(found)
    for k in range(1, len(ws)):
        if ws[k - 1] not in _TIME_PREPOSITIONS:
            continue
        word = ws[k]
        if word in cues.months and not _day_follows(ws, k) and not _current_month(word, published):
            found.append(k)
        elif _YEAR.match(word) and (published is None or int(word) < published.year):
            found.append(k)
    return sorted(found)


def _has_year(ws: list[str]) -> bool:
    for word in ws:
        if len(word) == 4 and word.isdigit() and _YEAR.match(word):
            return True
    return False


def _day_follows(ws: list[str], k: int) -> bool:
    return k + 1 < len(ws) and ws[k + 1].isdigit() and len(ws[k + 1]) <= 2


def _current_month(word: str, published: datetime | None) -> bool:
    return published is not None and _MONTH_NUMBER.get(word) == published.month


def background_start(st: SentenceTokens) -> int | None:
    """First token of a background clause ("after ...", "in retaliation for ..."), or None.

    A background cue opening the sentence covers only its own clause; elsewhere it runs to the end.
    """
    for a, b in st.occurrences("background"):
        if a > 0:
            return b
    return None


def nearest(positions: list[int], spans: list[tuple[int, int]], reach: int = _TIME_WINDOW) -> set[int]:
    """Indexes of the spans each position attaches to: the nearest span within ``reach`` tokens."""
    chosen: set[int] = set()
    for p in positions:
        best: tuple[int, int] | None = None
        for n, (i, j) in enumerate(spans):
            distance = i - p if p < i else max(0, p - j + 1)
            if distance <= reach and (best is None or distance < best[0]):
                best = (distance, n)
        if best is not None:
            chosen.add(best[1])
    return chosen
