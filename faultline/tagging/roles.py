"""Who acts on whom: source and target of an event from the sentence's structure, and who says so.

- Attribution: "..., CENTCOM said", "according to Iraqi security sources", "X said (that) ...". The speaker
  is excluded from the roles of material events it reports; for speech acts (demands, threats, accusations)
  reported as "X said ...", the speaker is the source.
- Active voice: the source is the subject (the nearest actor before the trigger in its clause that is not
  the object of a preposition; else the sentence's first actor, which skips appositives and relative
  clauses; a pronoun subject takes the previous sentence's subject); the target is the first actor after it.
- Passive voice ("was killed by X", "were attacked"): the subject is the target, the agent after "by" the source.
- Nouns ("a US drone strike on X", "an attack by X", "a call from X"): the actor before the noun or after
  "by"/"from" is the source; the actor after "on"/"against"/"at" the target.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from faultline.tagging.cues import Cues
from faultline.tagging.tokens import SentenceTokens

SPEECH_TYPES = frozenset({"ACCUSE", "THREATEN", "REQUEST", "REJECT", "AGREE", "SUPPORT", "CONCEDE", "CONSULT"})
_PRONOUNS = frozenset({"he", "she", "they", "his", "her", "their", "it", "its"})
_SOURCE_AFTER = frozenset({"by", "from"})
_NOUN_POSITIONS = frozenset({"noun", "weapon"})
_TARGET_REACH = 14


@dataclass(frozen=True, slots=True)
class TokMention:
    """An actor mention inside the sentence, as a token range."""

    a: int
    b: int
    key: str


@dataclass(slots=True)
class Attribution:
    speaker: str | None  # actor key
    text: str | None  # the speaker as written when it is no catalogued actor ("Iraqi security sources")
    region: tuple[int, int]  # tokens of the attribution phrase (speaker and reporting verb)
    content_from: int  # first token of the reported content (head attribution), else len(tokens)

    @property
    def label(self) -> str | None:
        return self.text


@dataclass(slots=True)
class Discourse:
    """What earlier sentences leave for later ones: the last subject, and the source of the main material
    event so far (what "the strike" or "it" refers back to)."""

    last_subject: str | None = None
    main_event_source: str | None = None
    main_event_strength: float = 0.0
    names: dict[str, str] = field(default_factory=dict)


def _preceded_by_preposition(cues: Cues, st: SentenceTokens, m: TokMention) -> bool:
    k = m.a - 1
    while k >= 0 and st.tokens[k].text in cues.determiners and not st.tokens[k + 1].clause_break:
        k -= 1
    return k >= 0 and st.tokens[k].text in cues.prepositions and not st.tokens[k + 1].clause_break


def find_attribution(cues: Cues, st: SentenceTokens, mentions: list[TokMention], text: str) -> Attribution | None:
    toks = st.tokens
    n = len(toks)
    for a, b in cues["reporting"].find(toks):
        words = tuple(t.text for t in toks[a:b])
        if words == ("according", "to"):
            hi = b
            while hi < n and not toks[hi].clause_break:
                hi += 1
            return _attribution(st, mentions, text, b, hi, (a, hi), n)
        breaks = [k for k in range(max(0, a - 10), a + 1) if toks[k].clause_break]
        if breaks and n - b <= 12:
            p = breaks[-1]
            if any(m.a >= p and m.b <= a for m in mentions) or a - p >= 1:
                after_said = b < n and not any(m.a >= p and m.b <= a for m in mentions)
                lo, hi = (b, n) if after_said else (p, a)
                return _attribution(st, mentions, text, lo, hi, (p, n), n)
        before = [m for m in mentions if m.b <= a and not st.breaks_between(m.b - 1, a)]
        if before and not _preceded_by_preposition(cues, st, before[-1]):
            m = before[-1]
            return Attribution(m.key, None, (m.a, b), b)
        first = [m for m in mentions if m.b <= a]
        if first and first[0].a <= 2:
            m = first[0]
            return Attribution(m.key, None, (m.a, b), b)
    return None


def _attribution(st: SentenceTokens, mentions: list[TokMention], text: str, lo: int, hi: int,
                 region: tuple[int, int], n: int) -> Attribution:
    inside = [m for m in mentions if m.a >= lo and m.b <= hi]
    if inside:
        return Attribution(inside[0].key, None, region, n)
    if hi > lo:
        phrase = text[st.tokens[lo].start:st.tokens[min(hi, lo + 8) - 1].end]
        return Attribution(None, phrase.strip(" ,"), region, n)
    return Attribution(None, None, region, n)


class RoleFinder:
    """Source and target of one trigger."""

    def __init__(self, cues: Cues) -> None:
        self.cues = cues

    def roles(self, st: SentenceTokens, i: int, j: int, type_: str, pos: str, lemma: str, participle: bool,
              mentions: list[TokMention], attribution: Attribution | None, discourse: Discourse) -> tuple[str | None, str | None]:
        excluded = attribution.region if attribution else (len(st), len(st))
        usable = [m for m in mentions if not (excluded[0] <= m.a < excluded[1])]
        speaker = attribution.speaker if attribution else None
        in_content = attribution is not None and i >= attribution.content_from

        if self._passive(st, i, j, participle):
            target = self._subject(st, i, usable, discourse)
            source = self._after_word(st, j, usable, ("by",), 6)
            return source, target if target != source else None

        between = self._between(st, j, usable) if type_ == "CONSULT" else None
        if between:
            return between

        source = None
        if pos in _NOUN_POSITIONS or lemma.startswith("receive"):
            source = self._premodifier(st, i, usable) if pos in _NOUN_POSITIONS else None
            if source is None:
                source = self._after_word(st, j, usable, _SOURCE_AFTER, 4)
                if source is not None:
                    target = self._subject(st, i, [m for m in usable if m.key != source], discourse)
                    return source, target if target != source else None
        if source is None and in_content and type_ in SPEECH_TYPES and speaker is not None:
            source = speaker
        if source is None:
            source = self._subject(st, i, usable, discourse)
        if source is None and type_ in SPEECH_TYPES and speaker is not None:
            source = speaker

        target = self._target(st, i, j, type_, pos, usable, source)
        if target is None and in_content and type_ in SPEECH_TYPES and source == speaker:
            target = self._subject(st, i, [m for m in usable if m.key != speaker], discourse, carry=False)
        if target is None and type_ in ("ACCUSE", "THREATEN", "REQUEST", "REJECT", "SANCTION") and self._anaphora(st, i):
            target = discourse.main_event_source
        if target == source:
            target = None
        return source, target

    # ------------------------------------------------------------------------------------- pieces

    def _passive(self, st: SentenceTokens, i: int, j: int, participle: bool) -> bool:
        if not participle:
            return False
        toks = st.tokens
        for k in range(i - 1, max(-1, i - 4), -1):
            if toks[k].text in self.cues.be:
                return True
            if toks[k].text not in ("also", "reportedly", "allegedly", "just", "already", "then", "not", "being", "been"):
                break
        return j < len(toks) and toks[j].text == "by" and not st.tokens[j].clause_break

    def _subject(self, st: SentenceTokens, i: int, usable: list[TokMention], discourse: Discourse,
                 carry: bool = True) -> str | None:
        lo, _ = st.clause_bounds(i)
        before = [m for m in usable if m.b <= i]
        same_clause = [m for m in before if m.a >= lo and not _preceded_by_preposition(self.cues, st, m)]
        if same_clause:
            return same_clause[-1].key
        if carry and any(t.text in _PRONOUNS for t in st.tokens[lo:i]) and discourse.last_subject:
            return discourse.last_subject
        heads = [m for m in before if not _preceded_by_preposition(self.cues, st, m)]
        if heads:
            return heads[0].key
        if carry and st.tokens and st.tokens[0].text in _PRONOUNS and discourse.last_subject:
            return discourse.last_subject
        return before[-1].key if before else None

    def _premodifier(self, st: SentenceTokens, i: int, usable: list[TokMention]) -> str | None:
        for m in reversed(usable):
            if m.b > i:
                continue
            gap = st.tokens[m.b:i]
            if len(gap) <= 3 and all(t.text in self.cues.determiners or t.text in ("s", "'s", "led", "backed") for t in gap) \
                    and not any(t.clause_break for t in st.tokens[m.b:i + 1]):
                return m.key
            return None
        return None

    def _after_word(self, st: SentenceTokens, j: int, usable: list[TokMention], preps: tuple[str, ...] | frozenset,
                    reach: int) -> str | None:
        toks = st.tokens
        for k in range(j, min(len(toks), j + reach)):
            if toks[k].clause_break and k > j:
                return None
            if toks[k].text in preps:
                for m in usable:
                    if k < m.a <= k + 4 and not st.breaks_between(k, m.a):
                        return m.key
        return None

    def _target(self, st: SentenceTokens, i: int, j: int, type_: str, pos: str, usable: list[TokMention],
                source: str | None) -> str | None:
        toks = st.tokens
        if pos in _NOUN_POSITIONS:
            via_prep = self._after_word(st, j, [m for m in usable if m.key != source], self.cues.target_words, 6)
            if via_prep:
                return via_prep
        _, hi = st.clause_bounds(max(i, j - 1))
        limit = min(len(toks), j + _TARGET_REACH)
        for m in usable:
            if m.a < j or m.key == source:
                continue
            if m.a >= limit:
                break
            if m.a >= hi and st.breaks_between(hi - 1, m.a) and m.a > hi + 1:
                break
            if type_ in SPEECH_TYPES and m.a > 0 and toks[m.a - 1].text == "of":
                continue
            if _after_agent(st, m):
                continue
            return m.key
        return None

    def _between(self, st: SentenceTokens, j: int, usable: list[TokMention]) -> tuple[str, str] | None:
        toks = st.tokens
        for k in range(j, min(len(toks), j + 8)):
            if toks[k].text == "between":
                after = [m for m in usable if m.a > k and m.a <= k + 12]
                if len(after) >= 2:
                    return after[0].key, after[1].key
        return None

    def _anaphora(self, st: SentenceTokens, i: int) -> bool:
        return any(a - i <= 6 for a, _ in self.cues["anaphora_events"].find(st.tokens, i, min(len(st), i + 10)))


def _after_agent(st: SentenceTokens, m: TokMention) -> bool:
    return m.a > 0 and st.tokens[m.a - 1].text == "by"
