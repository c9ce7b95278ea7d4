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

from dataclasses import dataclass

from faultline.tagging.cues import Cues
from faultline.tagging.tokens import SentenceTokens

SPEECH_TYPES = frozenset(
    {"ACCUSE", "THREATEN", "REQUEST", "REJECT", "AGREE", "SUPPORT", "CONCEDE", "CONSULT"}
)
_PRONOUNS = frozenset({"he", "she", "they", "his", "her", "their", "it", "its"})
_SOURCE_AFTER = frozenset({"by", "from"})
_TWO_SIDED = frozenset(
    {"CONSULT", "ASSAULT", "COOPERATE", "AGREE"}
)  # "clashes between X and Y", "talks between X and Y"
_ANAPHORA_TYPES = frozenset({"ACCUSE", "THREATEN", "REQUEST", "REJECT", "SANCTION"})
_NOUN_POSITIONS = frozenset({"noun", "weapon"})
_TARGET_REACH = 14


@dataclass(slots=True, init=False)
class TokMention:
    """An actor mention inside the sentence, as a token range."""

    a: int
    b: int
    key: str

    def __init__(
        self,
        a: int,
        b: int,
        key: str,
    ) -> None:
        self.a = a
        self.b = b
        self.key = key


@dataclass(slots=True, init=False)
class Attribution:
    speaker: str | None  # actor key
    text: str | None  # the speaker as written when it is no catalogued actor ("Iraqi security sources")
    region: tuple[int, int]  # words of the speaker (a trailing attribution: from its comma to the end)
    content_from: int  # first token of the reported content (head attribution), else len(tokens)

    def __init__(
        self,
        speaker: str | None,
        text: str | None,
        region: tuple[int, int],
        content_from: int,
    ) -> None:
        self.speaker = speaker
        self.text = text
        self.region = region
        self.content_from = content_from


@dataclass(slots=True)
class Discourse:
    """What earlier sentences leave for later ones: the last subject, and the source of the main material
    event so far (what "the strike" or "it" refers back to)."""

    last_subject: str | None = None
    main_event_source: str | None = None
    main_event_strength: float = 0.0
    protest_until: int = -1


def _preceded_by_preposition(cues: Cues, st: SentenceTokens, m: TokMention) -> bool:
    ws, breaks = st.words, st.breaks
    k = m.a - 1
    while k >= 0 and ws[k] in cues.determiners and not breaks[k + 1]:
        k -= 1
    return k >= 0 and ws[k] in cues.prepositions and not breaks[k + 1]


def find_attribution(
    cues: Cues, st: SentenceTokens, mentions: list[TokMention], text: str
) -> Attribution | None:
    ws, breaks = st.words, st.breaks
    n = len(ws)
    for a, b in st.occurrences("reporting"):
        if ws[a:b] == ["according", "to"]:
            hi = b
            while hi < n and not breaks[hi]:
                hi += 1
            return _attribution(st, mentions, text, b, hi, (a, hi), n)
        marks = [k for k in range(max(0, a - 10), a + 1) if breaks[k]]
        if marks and n - b <= 12:
            p = marks[-1]
            speakers_before = any(m.a >= p and m.b <= a for m in mentions)
            if speakers_before or a - p >= 1:
                lo, hi = (p, a) if speakers_before or b >= n else (b, n)
                return _attribution(st, mentions, text, lo, hi, (p, n), n)
        if a > 0 and ws[a - 1] in cues.be:
            continue  # "was reported": no speaker named
        before = [m for m in mentions if m.b <= a and a - m.b <= 3 and not st.breaks_between(m.b - 1, a)]
        if before and not _preceded_by_preposition(cues, st, before[-1]):
            m = before[-1]
            return Attribution(m.key, None, (m.a, m.b), b)
        first = [m for m in mentions if m.b <= a]
        if first and first[0].a <= 2 and st.breaks_between(first[0].b - 1, a):
            m = first[0]  # "X, the head of Y, said ..."
            return Attribution(m.key, None, (m.a, m.b), b)
    return None


def _attribution(
    st: SentenceTokens,
    mentions: list[TokMention],
    text: str,
    lo: int,
    hi: int,
    region: tuple[int, int],
    n: int,
) -> Attribution:
    inside = [m for m in mentions if m.a >= lo and m.b <= hi]
    if inside:
        return Attribution(inside[0].key, None, region, n)
    if hi > lo:
        phrase = text[st.starts[lo] : st.end_of(min(hi, lo + 8) - 1)]
        return Attribution(None, " ".join(phrase.split()).strip(" ,"), region, n)
    return Attribution(None, None, region, n)


_PASSIVE_SKIP = frozenset(
    {"also", "reportedly", "allegedly", "just", "already", "then", "not", "being", "been"}
)
_PREMODIFIER_GAP = frozenset({"s", "led", "backed"})


class RoleFinder:
    """Source and target of one trigger."""

    def __init__(self, cues: Cues) -> None:
        self.cues = cues

    @staticmethod
    def usable(mentions: list[TokMention], attribution: Attribution | None) -> list[TokMention]:
        """The mentions that may fill a role: those outside the words of the attribution."""
        if attribution is None:
            return mentions
        lo, hi = attribution.region
        return [m for m in mentions if not lo <= m.a < hi]

    def roles(
        self,
        st: SentenceTokens,
        i: int,
        j: int,
        type_: str,
        pos: str,
        lemma: str,
        participle: bool,
        usable: list[TokMention],
        attribution: Attribution | None,
        discourse: Discourse,
    ) -> tuple[str | None, str | None]:
        """Source and target of the trigger at words [i, j); ``usable`` is ``self.usable(...)``."""
        speaker = attribution.speaker if attribution else None
        in_content = attribution is not None and i >= attribution.content_from

        if self._passive(st, i, j, participle):
            target = self._subject(st, i, usable, discourse)
            source = self._after_word(st, j, usable, self.cues.agent_words, 6)
            return source, target if target != source else None

        between = self._between(st, j, usable) if type_ in _TWO_SIDED else None
        if between:
            return between

        source = None
        nominal = pos in _NOUN_POSITIONS
        if nominal or (type_ == "CONSULT" and lemma.startswith("receive")):
            source = self._premodifier(st, i, usable) if nominal else None
            if source is None:
                source = self._after_word(st, j, usable, _SOURCE_AFTER, 4)
                if source is not None:
                    target = self._subject(st, i, [m for m in usable if m.key != source], discourse)
                    return source, target if target != source else None
        if source is None and in_content and type_ in SPEECH_TYPES and speaker is not None:
            source = speaker
        if source is None:
            source = self._subject(st, i, usable, discourse, leftmost=nominal)
        if source is None and type_ in SPEECH_TYPES and speaker is not None:
            source = speaker

        target = self._target(st, i, j, type_, pos, usable, source)
        if target is None and in_content and type_ in SPEECH_TYPES and source == speaker:
            target = self._subject(st, i, [m for m in usable if m.key != speaker], discourse, carry=False)
        if target is None and type_ in _ANAPHORA_TYPES and self._anaphora(st, i):
            target = discourse.main_event_source
        if target == source:
            target = None
        return source, target

    def subject_of(
        self, st: SentenceTokens, i: int, mentions: list[TokMention], discourse: Discourse
    ) -> str | None:
        """The subject of the verb at word ``i`` (the defender in "X repelled an attack")."""
        return self._subject(st, i, mentions, discourse)

    # ------------------------------------------------------------------------------------- pieces

    def _passive(self, st: SentenceTokens, i: int, j: int, participle: bool) -> bool:
        if not participle:
            return False
        ws = st.words
        for k in range(i - 1, max(-1, i - 4), -1):
            if ws[k] in self.cues.be:
                return True
            if ws[k] not in _PASSIVE_SKIP:
                break
        return j < len(ws) and ws[j] == "by" and not st.breaks[j]

    def _subject(
        self,
        st: SentenceTokens,
        i: int,
        usable: list[TokMention],
        discourse: Discourse,
        carry: bool = True,
        leftmost: bool = False,
    ) -> str | None:
        """The clause's subject: the nearest actor before a verb; for a noun (the object of "gave",
        "carried out", "staged") the clause's first actor."""
        lo, _ = st.clause_bounds(i)
        before = [m for m in usable if m.b <= i]
        same_clause = [m for m in before if m.a >= lo and not _preceded_by_preposition(self.cues, st, m)]
        if same_clause:
            return same_clause[0 if leftmost else -1].key
        if carry and discourse.last_subject and not _PRONOUNS.isdisjoint(st.words[lo:i]):
            return discourse.last_subject
        heads = [m for m in before if not _preceded_by_preposition(self.cues, st, m)]
        if heads:
            return heads[0].key
        if carry and discourse.last_subject and st.words and st.words[0] in _PRONOUNS:
            return discourse.last_subject
        return before[-1].key if before else None

    def _premodifier(self, st: SentenceTokens, i: int, usable: list[TokMention]) -> str | None:
        for m in reversed(usable):
            if m.b > i:
                continue
            gap = st.words[m.b : i]
            if (
                len(gap) <= 3
                and all(w in self.cues.determiners or w in _PREMODIFIER_GAP for w in gap)
                and not any(st.breaks[m.b : i + 1])
            ):
                return m.key
            return None
        return None

    def _after_word(
        self, st: SentenceTokens, j: int, usable: list[TokMention], preps: frozenset[str], reach: int
    ) -> str | None:
        ws = st.words
        for k in range(j, min(len(ws), j + reach)):
            if st.breaks[k] and k > j:
                return None
            if ws[k] in preps:
                for m in usable:
                    if k < m.a <= k + 4 and not st.breaks_between(k, m.a):
                        return m.key
        return None

    def _target(
        self,
        st: SentenceTokens,
        i: int,
        j: int,
        type_: str,
        pos: str,
        usable: list[TokMention],
        source: str | None,
    ) -> str | None:
        ws = st.words
        if pos in _NOUN_POSITIONS:
            others = [m for m in usable if m.key != source]
            via_prep = self._after_word(st, j, others, self.cues.target_words, 6)
            if via_prep:
                return via_prep
        _, hi = st.clause_bounds(max(i, j - 1))
        limit = min(len(ws), j + _TARGET_REACH)
        for m in usable:
            if m.a <= i or m.key == source:
                continue
            if m.a >= limit:
                break
            if m.a >= hi and st.breaks_between(hi - 1, m.a) and m.a > hi + 1:
                break
            if type_ in SPEECH_TYPES and m.a > 0 and ws[m.a - 1] == "of":
                continue
            if m.a > 0 and ws[m.a - 1] in self.cues.agent_words:
                continue
            return m.key
        return None

    def _between(self, st: SentenceTokens, j: int, usable: list[TokMention]) -> tuple[str, str] | None:
        ws = st.words
        for k in range(j, min(len(ws), j + 8)):
            if ws[k] == "between":
                after = [m for m in usable if k < m.a <= k + 12]
                if len(after) >= 2:
                    return after[0].key, after[1].key
        return None

    def _anaphora(self, st: SentenceTokens, i: int) -> bool:
        return any(i <= a <= i + 6 for a, _ in st.occurrences("anaphora_events"))
