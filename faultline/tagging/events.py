"""Per-sentence events: triggers to PLOVER type and mode, modality, source and target, place, casualties.

For each sentence with a trigger:
1. drop triggers that report nothing here: the second half of a hyphenated modifier ("US-brokered"), and
   accident words ("killed", "blast") in a sentence about a disaster;
2. a denial ("denied carrying out the attack") negates what follows it instead of being a rejection;
3. a governing trigger absorbs the event that is its content and takes its mode from it ("demanded the
   release" is REQUEST:Yield, "threatened to strike" THREATEN:Violence, "accused X of attacking" ACCUSE);
4. modality converts or flags what remains: a cooperative event promised for the future is AGREE (a
   retreat, CONCEDE), refused or negated it is REJECT; a conflict event vowed is THREATEN; otherwise it
   is flagged negated / hypothetical / historical;
5. events of one type in one sentence merge (the most specific mode wins); weapons give ASSAULT its mode;
6. source and target come from the sentence's structure, the place from its most specific place mention.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime

from faultline.knowledge.signals import Signals, Trigger
from faultline.tagging.actors import Resolution
from faultline.tagging.casualties import count_casualties
from faultline.tagging.cues import Cues
from faultline.tagging.lexicon import Hit, NoEvent
from faultline.tagging.modality import background_start, modality
from faultline.tagging.records import Mention
from faultline.tagging.roles import Attribution, Discourse, RoleFinder, TokMention, find_attribution
from faultline.tagging.sentences import Sentence
from faultline.tagging.tokens import SentenceTokens

_GOVERN_REACH = 12
_PLACE_KIND_RANK = {"base": 6, "crossing": 6, "town": 5, "district": 5, "city": 4, "other": 3, "region": 2, "country": 1}
_DENIAL_LEMMAS = frozenset({"deny", "denial"})
_DEFINITE = frozenset({"the", "this", "that", "these", "those", "its", "his", "their", "such", "s"})
_EVIDENCE_GAP = 80


@dataclass(slots=True)
class Candidate:
    trigger: Trigger
    start: int
    end: int
    i: int
    j: int
    type: str
    mode: str | None
    rules: list[str]
    negated: bool = False
    hypothetical: bool = False
    historical: bool = False
    absorbed: bool = False
    nominal: bool = False
    extra_spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.type}:{self.mode}" if self.mode else self.type


@dataclass(slots=True)
class EventRecord:
    """One event before it becomes an EventTag (actor and place fields are record keys)."""

    type: str
    mode: str | None
    source: str | None
    target: str | None
    place: str | None
    negated: bool
    hypothetical: bool
    historical: bool
    attributed_to: str | None
    attributed_key: str | None
    dead: int | None
    injured: int | None
    weight: float
    sentence: tuple[int, int]
    evidence: tuple[int, int]
    rule: str
    event_id: str = ""


class EventExtractor:
    def __init__(self, signals: Signals, cues: Cues) -> None:
        self.signals = signals
        self.cues = cues
        self.roles = RoleFinder(cues)
        self._seen: set[str] = set()

    def extract(self, doc_id: str, text: str, sentences: list[Sentence], hits: list[Hit], res: Resolution,
                published: datetime | None) -> list[EventRecord]:
        events: list[EventRecord] = []
        discourse = Discourse()
        seen: set[str] = set()
        hit_starts = [h.start for h in hits]
        actor_mentions = sorted(res.mentions, key=lambda m: (m.start, m.end))
        mention_starts = [m.start for m in actor_mentions]
        place_mentions = sorted(res.place_mentions, key=lambda m: (m.start, m.end))
        place_starts = [m.start for m in place_mentions]
        for sentence in sentences:
            lo, hi = bisect_left(hit_starts, sentence.start), bisect_left(hit_starts, sentence.end)
            triggers = [(h, t) for h in hits[lo:hi] if not h.of(NoEvent) for t in h.of(Trigger)]
            a, b = bisect_left(mention_starts, sentence.start), bisect_left(mention_starts, sentence.end)
            sentence_mentions = actor_mentions[a:b]
            if not triggers:
                self._carry(discourse, sentence_mentions)
                continue
            st = SentenceTokens(text, sentence.start, sentence.end)
            pa, pb = bisect_left(place_starts, sentence.start), bisect_left(place_starts, sentence.end)
            found = self._sentence(doc_id, text, sentence, st, triggers, sentence_mentions, place_mentions[pa:pb],
                                   discourse, published, seen)
            seen.update(e.type for e in found if not e.negated)
            events.extend(found)
            self._carry(discourse, sentence_mentions, found)
        return events

    @staticmethod
    def _carry(discourse: Discourse, mentions: list[Mention], found: list[EventRecord] | None = None) -> None:
        subjects = [e.source for e in found or () if e.source]
        if subjects:
            discourse.last_subject = subjects[0]
        elif mentions:
            discourse.last_subject = mentions[0].key
        for e in found or ():
            if e.source and e.weight < 0 and not (e.negated or e.historical or e.hypothetical):
                strength = abs(e.weight) + (2.0 if e.dead else 0.0)
                if strength > discourse.main_event_strength:
                    discourse.main_event_source, discourse.main_event_strength = e.source, strength

    # ------------------------------------------------------------------------------------- sentence

    def _sentence(self, doc_id: str, text: str, sentence: Sentence, st: SentenceTokens, triggers: list[tuple[Hit, Trigger]],
                  mentions: list[Mention], places: list[Mention], discourse: Discourse,
                  published: datetime | None, seen: set[str]) -> list[EventRecord]:
        if not st.tokens:
            return []
        disaster = any(True for _ in self.cues["disaster"].find(st.tokens))
        candidates: list[Candidate] = []
        weapons: list[Candidate] = []
        for hit, trigger in triggers:
            if _hyphen_modifier(text, hit.start):
                continue
            if disaster and trigger.surface in self.cues.weak:
                continue
            i, j = st.span(hit.start, hit.end)
            if trigger.participle and i > 0 and st.tokens[i - 1].text in _DEFINITE:
                continue  # "the killed commander": an attribute, not a report
            cand = Candidate(trigger, hit.start, hit.end, i, j, trigger.type, trigger.mode, [trigger.id],
                             nominal=_nominal(trigger, st, i))
            (weapons if trigger.pos == "weapon" else candidates).append(cand)
        self._denials(candidates)
        self._govern(st, candidates)
        self._anaphora(st, candidates, seen)
        background = background_start(self.cues, st)
        live = [c for c in candidates if not c.absorbed]
        for cand in live:
            self._modality(st, cand, background, published)
        merged = self._merge(live)
        merged.extend(self._weapons(st, merged, weapons, background, published))
        if not merged:
            return []
        tok_mentions = [TokMention(*st.span(m.start, m.end), m.key) for m in mentions]
        attribution = find_attribution(self.cues, st, tok_mentions, text)
        casualties = count_casualties(self.cues, st)
        out: list[EventRecord] = []
        assault_seen = False
        for cand in sorted(merged, key=lambda c: c.start):
            source, target = self.roles.roles(st, cand.i, cand.j, cand.type, "noun" if cand.nominal else cand.trigger.pos,
                                              cand.trigger.lemma,
                                              cand.trigger.participle,
                                              tok_mentions, attribution, discourse)
            dead = injured = None
            if cand.type == "ASSAULT" and not assault_seen and not cand.negated:
                dead, injured = casualties.dead, casualties.injured
                assault_seen = True
            out.append(self._record(doc_id, text, sentence, st, cand, source, target, attribution, places, dead, injured))
        return out

    def _denials(self, candidates: list[Candidate]) -> None:
        """A denial before another trigger negates it ("denied involvement in the attack")."""
        for cand in candidates:
            if cand.type == "REJECT" and cand.trigger.lemma in _DENIAL_LEMMAS:
                later = [c for c in candidates if c.start > cand.start and c is not cand]
                if later:
                    cand.absorbed = True

    def _anaphora(self, st: SentenceTokens, candidates: list[Candidate], seen: set[str]) -> None:
        """A definite noun ("the strike", "Friday's attack") refers back to an event already reported."""
        verbs = {c.type for c in candidates if not c.nominal and not c.absorbed}
        for cand in candidates:
            if cand.absorbed or not cand.nominal or cand.type not in seen or cand.type in verbs:
                continue
            if _definite(st, cand.i) and not self._has_roles_after(st, cand):
                cand.absorbed = True

    def _has_roles_after(self, st: SentenceTokens, cand: Candidate) -> bool:
        nxt = st.tokens[cand.j].text if cand.j < len(st) else ""
        return nxt in self.cues.target_words or nxt == "by"

    def _govern(self, st: SentenceTokens, candidates: list[Candidate]) -> None:
        ordered = sorted(candidates, key=lambda c: c.start)
        for gi, gov in enumerate(ordered):
            table = self.signals.governing.get(gov.type)
            if not table or gov.absorbed:
                continue
            for content in ordered[gi + 1:]:
                if content.absorbed or content.i - gov.j > _GOVERN_REACH:
                    continue
                if st.breaks_between(gov.j - 1, content.i) and content.i - gov.j > 3:
                    continue
                mode_key = content.key if content.key in table else content.type if content.type in table else None
                if mode_key is None:
                    continue
                content.absorbed = True
                mode = content.mode if content.type == gov.type else table[mode_key]
                if gov.mode is None and mode is not None:
                    gov.mode = mode
                gov.rules.append(f"<{content.trigger.id}")
                gov.extra_spans.append((content.start, content.end))

    def _modality(self, st: SentenceTokens, cand: Candidate, background: int | None, published: datetime | None) -> None:
        base = cand.trigger.form == "base"
        m = modality(self.cues, st, cand.i, cand.j, base and not cand.nominal, cand.nominal, background, published)
        etype = self.signals.types[cand.type]
        convert = None
        if m.threatened and etype.conflict:
            convert = self.signals.threat_as.get(cand.key) or self.signals.threat_as.get(cand.type)
            if convert:
                cand.rules.append("+threat")
        elif m.refused and etype.cooperative:
            convert = self.signals.refused_as.get(cand.key) or self.signals.refused_as.get(cand.type)
            if convert:
                cand.rules.append("+refused")
        elif m.future and etype.cooperative:
            convert = self.signals.future_as.get(cand.key) or self.signals.future_as.get(cand.type)
            if convert:
                cand.rules.append("+future")
        if convert:
            type_, _, mode = convert.partition(":")
            cand.type, cand.mode = type_, mode or None
            return
        if m.negated or (m.refused and etype.conflict):
            cand.negated = True
        if m.hypothetical or m.future or m.threatened:
            cand.hypothetical = True
        if m.historical:
            cand.historical = True

    def _merge(self, candidates: list[Candidate]) -> list[Candidate]:
        groups: dict[tuple, Candidate] = {}
        ordered = sorted(candidates, key=lambda c: (c.hypothetical, c.start))
        for cand in ordered:
            key = (cand.type, cand.negated, cand.historical)
            first = groups.get(key)
            if first is None:
                groups[key] = cand
                continue
            first.extra_spans.append((cand.start, cand.end))
            if cand.mode and (first.mode is None or abs(self.signals.weight(cand.type, cand.mode)) > abs(self.signals.weight(first.type, first.mode))):
                first.mode = cand.mode
                first.rules.insert(0, cand.trigger.id)
            else:
                first.rules.append(cand.trigger.id)
            if first.nominal and not cand.nominal:
                first.trigger, first.i, first.j, first.nominal = cand.trigger, cand.i, cand.j, False
        return list(groups.values())

    def _weapons(self, st: SentenceTokens, events: list[Candidate], weapons: list[Candidate], background: int | None,
                 published: datetime | None) -> list[Candidate]:
        """Weapons give an attack its mode; with a firing verb and no other event they are the attack."""
        if not weapons:
            return []
        assaults = [e for e in events if e.type == "ASSAULT"]
        for event in assaults:
            if event.mode is None:
                event.mode = weapons[0].mode
                event.rules.append(weapons[0].trigger.id)
        for event in events:
            if event.type == "MOBILIZE" and event.mode is None:
                event.mode = "Weapons"
                event.rules.append(weapons[0].trigger.id)
        if events:
            return []
        if not any(True for _ in self.cues["weapon_verbs"].find(st.tokens)):
            return []
        weapon = weapons[0]
        weapon.rules.append("+weapon-verb")
        self._modality(st, weapon, background, published)
        return [weapon]

    # ------------------------------------------------------------------------------------- records

    def _record(self, doc_id: str, text: str, sentence: Sentence, st: SentenceTokens, cand: Candidate,
                source: str | None, target: str | None, attribution: Attribution | None, places: list[Mention],
                dead: int | None, injured: int | None) -> EventRecord:
        ev_start, ev_end = cand.start, cand.end
        for s, e in sorted(cand.extra_spans):
            if s - ev_end <= _EVIDENCE_GAP and ev_start - e <= _EVIDENCE_GAP:
                ev_start, ev_end = min(ev_start, s), max(ev_end, e)
        attributed_key = attribution.speaker if attribution else None
        attributed_text = attribution.text if attribution else None
        digest = hashlib.sha1(f"{doc_id}|{sentence.start}|{ev_start}|{cand.type}".encode()).hexdigest()[:20]
        return EventRecord(
            type=cand.type, mode=cand.mode, source=source, target=target,
            place=self._place(st, cand, places),
            negated=cand.negated, hypothetical=cand.hypothetical, historical=cand.historical,
            attributed_to=attributed_text, attributed_key=attributed_key,
            dead=dead, injured=injured, weight=self.signals.weight(cand.type, cand.mode),
            sentence=(sentence.start, sentence.end), evidence=(ev_start, ev_end),
            rule=" ".join(cand.rules), event_id=digest,
        )

    def _place(self, st: SentenceTokens, cand: Candidate, places: list[Mention]) -> str | None:
        best: tuple[float, str] | None = None
        locative = self.cues["locative_prepositions"]
        relative = self.cues["relative_location"]
        for m in places:
            a, _ = st.span(m.start, m.end)
            kind = m.form if m.form in _PLACE_KIND_RANK else "other"
            score = float(_PLACE_KIND_RANK.get(kind, 3))
            k = a - 1
            while k >= 0 and st.tokens[k].text in self.cues.determiners:
                k -= 1
            if k >= 0 and locative.match_at(st.tokens, k):
                score += 2
            if any(b2 >= a - 1 and a2 < a for a2, b2 in relative.find(st.tokens, max(0, a - 5), a)):
                score -= 4
            score -= min(abs(a - cand.i), 30) / 30
            if best is None or score > best[0]:
                best = (score, m.key)
        return best[1] if best else None


def _definite(st: SentenceTokens, i: int) -> bool:
    """A definite noun phrase: "the strike", "the American strike", "Friday's strike", "its attacks"."""
    for k in range(i - 1, max(-1, i - 4), -1):
        token = st.tokens[k]
        if token.text in _DEFINITE or token.text.endswith("'s"):
            return True
        if st.tokens[k + 1].clause_break or not (token.gap.strip() == "" and _proper(st, k)):
            return False
    return False


def _proper(st: SentenceTokens, k: int) -> bool:
    token = st.tokens[k]
    return token.text[:1].isalpha() and token.text != token.text.upper() and st.text[token.start].isupper() or token.text.isupper()


def _nominal(trigger: Trigger, st: SentenceTokens, i: int) -> bool:
    """A noun trigger, or a verb form used as a noun after a determiner ("the strike", "a kill")."""
    if trigger.pos in ("noun", "weapon"):
        return True
    if trigger.pos == "verb" and trigger.form in ("base", "third", "gerund") and i > 0:
        prev = st.tokens[i - 1].text
        return prev in ("a", "an") or _definite(st, i)
    return False


def _hyphen_modifier(text: str, start: int) -> bool:
    """True for the second half of a hyphenated modifier ("US-brokered", "Iran-backed")."""
    return start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum()
