"""Per-sentence events: triggers to PLOVER type and mode, modality, source and target, place, casualties.

For each sentence with a trigger or a compound verb:
1. candidates: triggers, compounds (a verb with its object: "expelled two diplomats" is SANCTION:Expel),
   and weapons used with a firing verb ("rockets fired at"); dropped are the second half of a hyphenated
   modifier ("US-brokered"), words inside a proper name ("Economic Cooperation Organisation"), adjectival
   participles ("the killed commander"), accident words in a sentence about a disaster, and words inside
   the attribution of the sentence (", a member of the team trying to broker peace, said");
2. a denial ("denied carrying out the attack") negates what follows instead of being a rejection;
3. verbal events govern their content: a strong governor (a demand, rejection, threat, accusation,
   agreement) absorbs the triggers after it up to a new coordinated predicate and takes its mode from
   them ("demanded the release" is REQUEST:Yield); a weak one (talks, support, a protest) absorbs what
   closely follows ("talks on a troop pullback", "protested against the curfew");
4. a definite noun ("the strike", "Friday's attack") refers back to an event already reported;
5. modality converts or flags what remains: an announced cooperative act is AGREE, a refused one REJECT,
   a vowed, announced or modal conflict act THREATEN; otherwise negated / hypothetical flags; conditions
   ("if ...") and purposes ("to disperse them") of an earlier event are part of it; time expressions mark
   their nearest trigger historical, as do background clauses ("after ...") and relative clauses after a
   main event of another type;
6. events of one type in one sentence merge (the most specific mode wins); weapons give ASSAULT its mode;
   in a protest, a clash without weapons is part of the riot;
7. source and target come from the sentence's structure, the place from its most specific place mention.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha1

from faultline.knowledge.signals import Compound, Signals, Trigger
from faultline.tagging.actors import ActorResolver, Resolution
from faultline.tagging.casualties import count_casualties
from faultline.tagging.cues import Cues
from faultline.tagging.lexicon import CompoundHead, Hit
from faultline.tagging.modality import background_start, modality, nearest, time_cues
from faultline.tagging.records import Mention
from faultline.tagging.roles import Attribution, Discourse, RoleFinder, TokMention, find_attribution
from faultline.tagging.sentences import Sentence
from faultline.tagging.tokens import PhraseSet, SentenceTokens

_WEAK_REACH = 8
_WEAPON_VERB_REACH = 5
_PLACE_KIND_RANK = {
    "base": 6,
    "crossing": 6,
    "town": 5,
    "district": 5,
    "city": 4,
    "other": 3,
    "region": 2,
    "country": 1,
}
_DENIAL_LEMMAS = frozenset({"deny", "denial"})
_DEFINITE = frozenset({"the", "this", "that", "these", "those", "its", "his", "their", "such"})
_ANAPHORIC = frozenset({"the", "this", "that", "these", "those", "such"})
_VIOLENT = frozenset({"ASSAULT", "PROTEST", "COERCE"})
_COORDINATORS = frozenset({"and", "but", "while", "whereas", "then"})
_ADVERBS = frozenset(
    {
        "also",
        "later",
        "then",
        "subsequently",
        "again",
        "reportedly",
        "allegedly",
        "quickly",
        "has",
        "have",
        "had",
    }
)
_RELATIVES = frozenset({"which", "where", "who", "whose", "whom"})
_ARMED_KINDS = frozenset({"armed_forces", "security_service", "armed_group"})
_SPORT_WORDS = 3
_VICTIM_REACH = 4
_PROTEST_REACH = 2
_EVIDENCE_GAP = 80
_TARGET_PLACE_REACH = 14
_STRONG_BREAK = re.compile(r"[;\u2014\u2013(]| - ")

#: A place mention of a sentence: its first word, its score before distance, the mention.
PlacedMention = tuple[int, float, Mention]


@dataclass(slots=True, init=False)
class Candidate:
    trigger: Trigger
    start: int
    end: int
    i: int
    j: int
    type: str
    mode: str | None
    rules: list[str]
    nominal: bool
    negated: bool
    hypothetical: bool
    historical: bool
    conditional: bool
    purpose: bool
    absorbed: bool
    defender_at: int | None  # word of a defensive verb before the attack ("repelled an IS attack")
    extra_spans: list[tuple[int, int]]
    members: list[tuple[Trigger, int, int, bool]]  # merged triggers (for roles)

    def __init__(
        self,
        trigger: Trigger,
        start: int,
        end: int,
        i: int,
        j: int,
        type: str,
        mode: str | None,
        rules: list[str],
        nominal: bool = False,
        negated: bool = False,
        hypothetical: bool = False,
        historical: bool = False,
        conditional: bool = False,
        purpose: bool = False,
        absorbed: bool = False,
        defender_at: int | None = None,
        extra_spans: list[tuple[int, int]] | None = None,
        members: list[tuple[Trigger, int, int, bool]] | None = None,
    ) -> None:
        self.trigger = trigger
        self.start = start
        self.end = end
        self.i = i
        self.j = j
        self.type = type
        self.mode = mode
        self.rules = rules
        self.nominal = nominal
        self.negated = negated
        self.hypothetical = hypothetical
        self.historical = historical
        self.conditional = conditional
        self.purpose = purpose
        self.absorbed = absorbed
        self.defender_at = defender_at
        self.extra_spans = [] if extra_spans is None else extra_spans
        self.members = [] if members is None else members

    @property
    def key(self) -> str:
        return f"{self.type}:{self.mode}" if self.mode else self.type

    def absorb(self, other: Candidate, mode: str | None) -> None:
        other.absorbed = True
        if self.mode is None and mode is not None:
            self.mode = mode
        self.rules.append(f"<{other.trigger.id}")
        self.extra_spans.append((other.start, other.end))


@dataclass(slots=True, init=False)
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
    event_id: str

    def __init__(
        self,
        type: str,
        mode: str | None,
        source: str | None,
        target: str | None,
        place: str | None,
        negated: bool,
        hypothetical: bool,
        historical: bool,
        attributed_to: str | None,
        attributed_key: str | None,
        dead: int | None,
        injured: int | None,
        weight: float,
        sentence: tuple[int, int],
        evidence: tuple[int, int],
        rule: str,
        event_id: str = "",
    ) -> None:
        self.type = type
        self.mode = mode
        self.source = source
        self.target = target
        self.place = place
        self.negated = negated
        self.hypothetical = hypothetical
        self.historical = historical
        self.attributed_to = attributed_to
        self.attributed_key = attributed_key
        self.dead = dead
        self.injured = injured
        self.weight = weight
        self.sentence = sentence
        self.evidence = evidence
        self.rule = rule
        self.event_id = event_id


@dataclass(slots=True, init=False)
class _Context:
    """Everything one sentence's reading needs."""

    doc_id: str
    text: str
    sentence: Sentence
    st: SentenceTokens
    mentions: list[TokMention]
    places: list[Mention]
    attribution: Attribution | None
    published: datetime | None
    armed: bool  # the sentence names an armed actor of the catalogue
    states: int  # how many different states and governments the sentence names
    # word indices right after a state's demonym or possessive ("Israeli", "Russia's")
    states_before: frozenset[int]
    anchors: _Anchors  # conflict words of the article, for the sentences around this one

    def __init__(
        self,
        doc_id: str,
        text: str,
        sentence: Sentence,
        st: SentenceTokens,
        mentions: list[TokMention],
        places: list[Mention],
        attribution: Attribution | None,
        published: datetime | None,
        armed: bool,
        states: int,
        states_before: frozenset[int],
        anchors: _Anchors,
    ) -> None:
        self.doc_id = doc_id
        self.text = text
        self.sentence = sentence
        self.st = st
        self.mentions = mentions
        self.places = places
        self.attribution = attribution
        self.published = published
        self.armed = armed
        self.states = states
        self.states_before = states_before
        self.anchors = anchors


class EventExtractor:
    def __init__(self, signals: Signals, cues: Cues, resolver: ActorResolver) -> None:
        self.signals = signals
        self.cues = cues
        self.resolver = resolver
        self.roles = RoleFinder(cues)
        self._objects = {c.id: PhraseSet(c.objects) for c in signals.compounds}
        self._past = frozenset(
            t.surface
            for t in signals.triggers
            if t.form in ("past", "past_participle") and " " not in t.surface
        ) | frozenset(p for p in signals.cue("reporting") if " " not in p)

    def extract(
        self,
        doc_id: str,
        text: str,
        folded: str,
        sentences: list[Sentence],
        hits: list[Hit],
        markers: list[Hit],
        res: Resolution,
        published: datetime | None,
    ) -> list[EventRecord]:
        events: list[EventRecord] = []
        discourse = Discourse()
        seen: set[str] = set()
        trigger_hits = [h for h in hits if h.triggers]
        trigger_starts = [h.start for h in trigger_hits]
        head_hits = [h for h in markers if h.heads]
        head_starts = [h.start for h in head_hits]
        actor_mentions = sorted(res.mentions, key=lambda m: (m.start, m.end))
        mention_starts = [m.start for m in actor_mentions]
        place_mentions = sorted(res.place_mentions, key=lambda m: (m.start, m.end))
        place_starts = [m.start for m in place_mentions]
        anchors = _Anchors(markers, sentences)
        sentence_starts = [s.start for s in sentences]
        busy = sorted({bisect_right(sentence_starts, h.start) - 1 for h in (*trigger_hits, *head_hits)})
        last_read = -1  # the last sentence read for events
        for index in busy:
            sentence = sentences[index]
            start, end = sentence.start, sentence.end
            lo, hi = bisect_left(trigger_starts, start), bisect_left(trigger_starts, end)
            ml, mh = bisect_left(head_starts, start), bisect_left(head_starts, end)
            if lo == hi and not self._objects_present(folded, start, end, head_hits[ml:mh]):
                continue
            a, b = bisect_left(mention_starts, start), bisect_left(mention_starts, end)
            _catch_up(discourse, sentences, sentence_starts, actor_mentions, mention_starts, a, last_read)
            last_read = index
            triggers = [(h, t) for h in trigger_hits[lo:hi] for t in h.triggers]
            heads = [(h, c) for h in head_hits[ml:mh] for c in h.heads]
            sentence_mentions = actor_mentions[a:b]
            st = SentenceTokens(text, folded, start, end, self.cues.index)
            if not st.words:
                continue
            tok_mentions: list[TokMention] = []
            for m in sentence_mentions:
                first, stop = st.span(m.start, m.end)
                tok_mentions.append(TokMention(first, stop, m.key))
            pa, pb = bisect_left(place_starts, start), bisect_left(place_starts, end)
            ctx = _Context(
                doc_id,
                text,
                sentence,
                st,
                tok_mentions,
                place_mentions[pa:pb],
                find_attribution(self.cues, st, tok_mentions, text),
                published,
                any(res.actors[m.key].kind in _ARMED_KINDS for m in sentence_mentions),
                len({m.key for m in sentence_mentions if res.actors[m.key].kind in ("state", "government")}),
                self._states_before(st, tok_mentions, sentence_mentions, res),
                anchors,
            )
            found = self._sentence(ctx, triggers, heads, discourse, seen, res)
            if found:
                events.extend(found)
                seen.update(e.type for e in found if not e.negated)
                if any(e.type == "PROTEST" and not e.negated for e in found):
                    discourse.protest_until = sentence.index + _PROTEST_REACH
            _carry(discourse, sentence_mentions, found)
        return events

    def _objects_present(self, folded: str, start: int, end: int, heads: list[Hit]) -> bool:
        """True when the sentence has a word that may begin an object of one of these compound verbs."""
        present = folded[start:end].split()
        return any(
            not self._objects[compound.id].first_words.isdisjoint(present)
            for hit in heads
            for head in hit.heads
            for compound in head.compounds
        )

    # ------------------------------------------------------------------------------------- sentence

    def _sentence(
        self,
        ctx: _Context,
        triggers: list[tuple[Hit, Trigger]],
        heads: list[tuple[Hit, CompoundHead]],
        discourse: Discourse,
        seen: set[str],
        res: Resolution,
    ) -> list[EventRecord]:
        st = ctx.st
        candidates, weapons = self._candidates(ctx, triggers, heads)
        if not candidates:
            return []
        if len(candidates) > 1:  # steps relating one candidate to another
            self._denials(candidates)
            self._govern(st, candidates)
        self._anaphora(st, candidates, seen)
        live = [c for c in candidates if not c.absorbed]
        for cand in live:
            self._modality(st, cand)
        if len(live) > 1:
            self._subordinate(st, live)
        self._time(ctx, candidates)
        merged = self._merge([c for c in live if not c.absorbed])
        self._arm(merged, weapons)
        if discourse.protest_until >= ctx.sentence.index or any(
            c.type == "PROTEST" and not c.negated for c in merged
        ):
            merged = self._riot(merged)
        if not merged:
            return []
        usable = self.roles.usable(ctx.mentions, ctx.attribution)
        places = self._sentence_places(st, ctx.places)
        out: list[EventRecord] = []
        counted = False
        for cand in sorted(merged, key=lambda c: c.start):
            source, target = None, None
            for trigger, i, j, nominal in [(cand.trigger, cand.i, cand.j, cand.nominal), *cand.members]:
                found = self.roles.roles(
                    st, i, j, cand.type, "noun" if nominal else trigger.pos, trigger.lemma, trigger.participle,
                    usable, ctx.attribution, discourse,
                )  # fmt: skip
                source = source or found[0]
                if target is None and found[1] != source:
                    target = found[1]
                if source is not None and target is not None:
                    break
            if cand.defender_at is not None:
                defender = self.roles.subject_of(st, cand.defender_at, ctx.mentions, discourse)
                if defender is not None and defender != source:
                    target = defender
            if target is None and (cand.type != "CONSULT" or cand.mode == "Visit"):
                target = self._place_target(places, cand, res, source)
            if cand.type == "CONSULT" and source is None and target is None:
                continue  # a meeting or visit between nobody the text names is no consultation
            dead = injured = None
            if cand.type == "ASSAULT" and not counted and not cand.negated:
                casualties = count_casualties(self.cues, st)
                dead, injured, counted = casualties.dead, casualties.injured, True
            out.append(self._record(ctx, cand, source, target, dead, injured, _place(places, cand)))
        return out

    # ------------------------------------------------------------------------------------- candidates

    def _candidates(
        self, ctx: _Context, triggers: list[tuple[Hit, Trigger]], heads: list[tuple[Hit, CompoundHead]]
    ) -> tuple[list[Candidate], list[Candidate]]:
        st, text = ctx.st, ctx.text
        disaster = "disaster" in st.cues
        economic = "economic" in st.cues
        headline: bool | None = None
        tail_lo, tail_hi = _tail_region(ctx.attribution, len(st))
        label_end = _label_end(st)
        descriptive = {b for _, b in st.occurrences("descriptive")}
        candidates: list[Candidate] = []
        weapons: list[Candidate] = []
        for hit, trigger in triggers:
            i, j = st.span(hit.start, hit.end)
            if tail_lo <= i < tail_hi or i < label_end or _hyphen_modifier(text, hit.start):
                continue
            if disaster and trigger.surface in self.cues.weak:
                continue
            if economic and (
                trigger.lemma in self.cues.economic_weak or trigger.surface in self.cues.economic_weak
            ):
                continue
            if i > 0 and _proper_word(text, hit.start, hit.end):
                if headline is None:
                    headline = _headline(st)
                if not headline:
                    continue  # a word of a proper name: "Asia-Pacific Economic Cooperation"
            if trigger.participle and i > 0 and st.words[i - 1] in _DEFINITE:
                continue  # "the killed commander": an attribute, not a report
            if i in descriptive or i - 1 in descriptive:
                continue  # "tasked with fighting": a role, not an act
            if self._ambiguous(trigger) or (self.signals.types[trigger.type].conflict and ctx.anchors.sport):
                if not self._anchored(ctx, trigger, i, j, triggers):
                    if trigger.lemma not in self.cues.verbal_attack or ctx.anchors.sport:
                        continue  # "shares hit a high", "Wales beat Ireland": a figure of speech
                    trigger = self._criticism(trigger)  # "the Tories attacked the plans"
            cand = Candidate(
                trigger,
                hit.start,
                hit.end,
                i,
                j,
                trigger.type,
                trigger.mode,
                [trigger.id],
                _nominal(trigger, st, i),
            )
            (weapons if trigger.pos == "weapon" else candidates).append(cand)
        for cand in candidates:
            if cand.type == "ASSAULT" and cand.nominal:
                lo, _ = st.clause_bounds(cand.i)
                spans = [
                    a for a, b in st.occurrences("defensive") if lo <= a and b <= cand.i and cand.i - b <= 5
                ]
                if spans:
                    cand.defender_at = spans[-1]
        for hit, head in heads:
            i, j = st.span(hit.start, hit.end)
            if tail_lo <= i < tail_hi or _hyphen_modifier(text, hit.start):
                continue
            compound = self._compound(st, hit, head, i, j, candidates, economic)
            if compound is not None:
                candidates.append(compound)
        fired = [w for w in weapons if self._fired(st, w)]
        for weapon in fired:
            weapon.rules.append("+weapon-verb")
            weapons.remove(weapon)
            candidates.append(weapon)
        return [c for c in candidates if not c.absorbed], weapons

    @staticmethod
    def _states_before(
        st: SentenceTokens, toks: list[TokMention], mentions: list[Mention], res: Resolution
    ) -> frozenset[int]:
        out: set[int] = set()
        for tok, m in zip(toks, mentions, strict=True):
            if res.actors[m.key].kind not in ("state", "government"):
                continue
            if m.form in ("demonym", "demonym_plural"):
                out.add(tok.b)
            elif tok.b < len(st) and st.words[tok.b] == "s":
                out.add(tok.b + 1)
        return frozenset(out)

    def _ambiguous(self, trigger: Trigger) -> bool:
        ambiguous = self.cues.ambiguous
        return trigger.mode != "Sexual" and (trigger.surface in ambiguous or trigger.lemma in ambiguous)

    def _anchored(
        self, ctx: _Context, trigger: Trigger, i: int, j: int, triggers: list[tuple[Hit, Trigger]]
    ) -> bool:
        """The sentence shows armed conflict: a conflict word, an armed actor, an unambiguous attack, or a
        state's attack ("Israeli strikes", "Russia's attack")."""
        if i in ctx.states_before and not ctx.anchors.sport:
            return True
        if (
            trigger.type == "ASSAULT"
            and not ctx.anchors.sport
            and not self.cues.victims.isdisjoint(ctx.st.words[j : j + _VICTIM_REACH])
        ):
            return True  # "beat a man", "shot a journalist"
        if ctx.armed:
            return True
        if trigger.type == "THREATEN" and ("threat_objects" in ctx.st.cues or ctx.states > 1):
            return True  # "warned of consequences", "China warned the UK"
        if any(self._unambiguous_attack(t) for _, t in triggers):
            return True
        # here or next door: "... was beaten. She was hospitalised."
        return ctx.anchors.near(ctx.sentence.index)

    def _unambiguous_attack(self, trigger: Trigger) -> bool:
        """An attack word that needs no context ("airstrike", "shelled"), not a casualty word, which a
        disaster has too, nor a weapon, which may be a rock."""
        return (
            trigger.type == "ASSAULT"
            and trigger.pos != "weapon"
            and trigger.surface not in self.cues.weak
            and not self._ambiguous(trigger)
        )

    def _criticism(self, trigger: Trigger) -> Trigger:
        return Trigger(f"{trigger.id}+verbal", trigger.surface, "ACCUSE", "Disapprove", trigger.pos, trigger.form,
                       trigger.lemma)  # fmt: skip

    def _compound(
        self,
        st: SentenceTokens,
        hit: Hit,
        head: CompoundHead,
        i: int,
        j: int,
        candidates: list[Candidate],
        economic: bool = False,
    ) -> Candidate | None:
        """The compound whose object is nearest ``head`` (after it, or before a passive participle: "weapons
        were found"), consuming the triggers it covers."""
        lo, clause_end = st.clause_bounds(i)
        passive = head.form in ("participle", "past_participle") and i > 0 and st.words[i - 1] in self.cues.be
        best: tuple[tuple[int, int, int], Compound, tuple[int, int]] | None = None
        for order, compound in enumerate(head.compounds):
            if compound.weak and economic:
                continue
            objects = self._objects[compound.id]
            found = objects.first(st.words, j, min(clause_end, j + compound.reach))
            if found is None and passive:
                found = objects.last(st.words, max(lo, i - 1 - compound.reach), i - 1)
            if found is not None:
                rank = (abs(found[0] - i), found[0] - found[1], order)
                if best is None or rank < best[0]:
                    best = (rank, compound, found)
        if best is None:
            return None
        _, compound, (a, b) = best
        start, end = min(hit.start, st.starts[a]), max(hit.end, st.end_of(b - 1))
        trigger = Trigger(
            f"{compound.id}/{head.surface}", st.text[start:end], compound.type, compound.mode, "verb", head.form,
            head.lemma,
        )  # fmt: skip
        for other in candidates:
            if i <= other.i < j or (other.i >= a and other.j <= b):
                other.absorbed = True
        return Candidate(trigger, start, end, i, j, compound.type, compound.mode, [trigger.id])

    def _fired(self, st: SentenceTokens, weapon: Candidate) -> bool:
        """A weapon with a firing verb close by ("rockets fired at", "hurled a grenade") is an attack."""
        lo, hi = st.clause_bounds(weapon.i)
        a, b = max(lo, weapon.i - _WEAPON_VERB_REACH), min(hi, weapon.j + _WEAPON_VERB_REACH)
        return bool(st.cue_between("weapon_verbs", a, b))

    def _denials(self, candidates: list[Candidate]) -> None:
        """A denial before another trigger negates it ("denied involvement in the attack")."""
        for cand in candidates:
            if cand.type == "REJECT" and cand.trigger.lemma in _DENIAL_LEMMAS:
                if any(c.start > cand.start for c in candidates if c is not cand):
                    cand.absorbed = True

    # ------------------------------------------------------------------------------------- governing

    def _govern(self, st: SentenceTokens, candidates: list[Candidate]) -> None:
        ordered = sorted(candidates, key=lambda c: c.start)
        for gi, gov in enumerate(ordered):
            if gov.absorbed:
                continue
            strong = gov.type in self.signals.strong_governors
            if not strong and gov.type not in self.signals.weak_governors:
                continue
            stop = self._scope_end(st, gov, ordered) if strong else gov.j + _WEAK_REACH
            table = self.signals.governing.get(gov.type, {})
            for content in ordered[gi + 1 :]:
                if content.absorbed or content.i < gov.j:
                    continue
                against = not strong and _opposed(st, content.i)  # "a protest, against the arrest of ..."
                if content.i >= (stop + _WEAK_REACH if against else stop):
                    break
                if not strong and not against and st.breaks_between(gov.j - 1, content.i):
                    break
                if not strong and content.key not in table and content.type not in table:
                    continue
                mode = (
                    content.mode
                    if content.type == gov.type
                    else table.get(content.key, table.get(content.type))
                )
                gov.absorb(content, mode)

    def _scope_end(self, st: SentenceTokens, gov: Candidate, ordered: list[Candidate]) -> int:
        """Where a strong governor's content ends: a semicolon or dash, or a new coordinated predicate."""
        ws, text = st.words, st.text
        verbs = {c.i for c in ordered if not c.nominal and c.trigger.pos == "verb"}
        for k in range(gov.j, len(ws)):
            if st.breaks[k] and k > 0 and _STRONG_BREAK.search(text, st.end_of(k - 1), st.starts[k]):
                return k
            if ws[k] in _COORDINATORS:
                n = k + 1
                while n < len(ws) and ws[n] in _ADVERBS:
                    n += 1
                if n < len(ws) and (n in verbs or ws[n] in self._past or ws[n].endswith("ed")):
                    return k
        return len(ws)

    def _anaphora(self, st: SentenceTokens, candidates: list[Candidate], seen: set[str]) -> None:
        """A definite noun ("the strike", "Friday's attack") refers back to an event already reported."""
        verbs = {c.type for c in candidates if not c.nominal and not c.absorbed}
        for cand in candidates:
            if cand.absorbed or not cand.nominal or cand.type in verbs:
                continue
            if self.signals.types[cand.type].quad != "material_conflict":
                continue
            earlier = cand.type in seen or (cand.type in _VIOLENT and bool(seen & _VIOLENT))
            if earlier and _definite(st, cand.i, _ANAPHORIC) and not self._roles_follow(st, cand):
                cand.absorbed = True

    def _roles_follow(self, st: SentenceTokens, cand: Candidate) -> bool:
        nxt = st.words[cand.j] if cand.j < len(st) else ""
        return nxt in self.cues.target_words or nxt == "by"

    # ------------------------------------------------------------------------------------- modality

    def _modality(self, st: SentenceTokens, cand: Candidate) -> None:
        base = cand.trigger.form == "base" and not cand.nominal
        m = modality(self.cues, st, cand.i, cand.j, base, cand.nominal)
        etype = self.signals.types[cand.type]
        convert = None
        material_conflict = etype.quad == "material_conflict"
        if (
            (m.threatened or ((m.future or m.modal) and not m.conditional))
            and material_conflict
            and not m.negated
        ):
            convert = self._lookup(self.signals.threat_as, cand)
            tag = "+threat"
        elif m.refused and etype.cooperative:
            convert = self._lookup(self.signals.refused_as, cand)
            tag = "+refused"
        elif m.future and etype.cooperative and not m.negated:
            convert = self._lookup(self.signals.future_as, cand)
            tag = "+future"
        cand.conditional, cand.purpose = m.conditional, m.purpose
        if convert:
            type_, _, mode = convert.partition(":")
            cand.mode = mode or (cand.mode if type_ == cand.type else None)
            cand.type = type_
            cand.rules.append(tag)
            return
        cand.negated = m.negated or (m.refused and etype.conflict)
        cand.hypothetical = m.hypothetical or m.future or m.threatened

    @staticmethod
    def _lookup(table: Mapping[str, str], cand: Candidate) -> str | None:
        return table.get(cand.key) or table.get(cand.type)

    def _subordinate(self, st: SentenceTokens, live: list[Candidate]) -> None:
        """Conditions and purposes of an earlier event are part of it; relative clauses are background."""
        ordered = sorted(live, key=lambda c: c.start)
        purpose_until = -1  # a purpose clause runs to the end of its clause
        for n, cand in enumerate(ordered):
            main = next(
                (c for c in reversed(ordered[:n]) if not c.absorbed and not (c.conditional or c.purpose)),
                None,
            )
            if main is None:
                continue
            if cand.conditional or cand.purpose or cand.i < purpose_until:
                main.absorb(cand, None)
                if cand.purpose:
                    purpose_until = st.clause_bounds(cand.i)[1]
            elif main.type != cand.type and self._in_relative_clause(st, main, cand):
                cand.historical = True

    @staticmethod
    def _in_relative_clause(st: SentenceTokens, main: Candidate, cand: Candidate) -> bool:
        for k in range(main.j, cand.i):
            if st.words[k] in _RELATIVES and (st.breaks[k] or st.words[k - 1] == "in"):
                return True
        return False

    def _time(self, ctx: _Context, candidates: list[Candidate]) -> None:
        st = ctx.st
        positions = time_cues(self.cues, st, ctx.published)
        spans = [(c.i, c.j) for c in candidates] if positions else []
        for n in nearest(positions, spans):
            dated = candidates[n]
            clause = st.clause_bounds(dated.i)
            for cand in candidates:  # one clause, one event: "a drone strike killed X in January 2020"
                if cand is dated or (cand.type == dated.type and st.clause_bounds(cand.i) == clause):
                    cand.historical = True
        background = background_start(st)
        if background is not None:
            for cand in candidates:
                if cand.i >= background:
                    cand.historical = True

    # ------------------------------------------------------------------------------------- merging

    def _merge(self, candidates: list[Candidate]) -> list[Candidate]:
        groups: dict[tuple, Candidate] = {}
        for cand in sorted(candidates, key=lambda c: (c.hypothetical, c.start)):
            key = (cand.type, cand.negated, cand.historical)
            first = groups.get(key)
            if first is None:
                groups[key] = cand
                continue
            first.extra_spans.append((cand.start, cand.end))
            first.members.append((cand.trigger, cand.i, cand.j, cand.nominal))
            if cand.mode and (first.mode is None or self._stronger(cand, first)):
                first.mode = cand.mode
                first.rules.insert(0, cand.trigger.id)
            else:
                first.rules.append(cand.trigger.id)
            if first.nominal and not cand.nominal and cand.trigger.surface not in self.cues.weak:
                # roles come from the verb ("a drone strike killed X"), not from a casualty word, whose
                # subject is the victim ("an explosion left three soldiers injured")
                first.members[-1] = (first.trigger, first.i, first.j, first.nominal)
                first.trigger, first.i, first.j, first.nominal = cand.trigger, cand.i, cand.j, False
        return list(groups.values())

    def _stronger(self, a: Candidate, b: Candidate) -> bool:
        return abs(self.signals.weight(a.type, a.mode)) > abs(self.signals.weight(b.type, b.mode))

    @staticmethod
    def _arm(events: list[Candidate], weapons: list[Candidate]) -> None:
        """Weapons give an attack its mode, and a mobilisation of them the Weapons mode; a raid made with
        them ("warplanes carried out raids") is an attack."""
        if not weapons:
            return
        for event in events:
            if event.type == "COERCE" and event.trigger.lemma == "raid" and not event.negated:
                event.type, event.mode = "ASSAULT", None
            if event.mode is None and event.type in ("ASSAULT", "MOBILIZE"):
                event.mode = weapons[0].mode if event.type == "ASSAULT" else "Weapons"
                event.rules.append(weapons[0].trigger.id)

    @staticmethod
    def _riot(events: list[Candidate]) -> list[Candidate]:
        """In a protest, a clash or attack without weapons is part of the riot."""
        out: list[Candidate] = []
        for event in events:
            if event.type == "ASSAULT" and event.mode is None and not event.negated:
                event.type, event.mode = "PROTEST", "Riot"
                event.rules.append("+protest")
            out.append(event)
        return out

    def _place_target(
        self, places: list[PlacedMention], cand: Candidate, res: Resolution, source: str | None
    ) -> str | None:
        """A place after the trigger ("lifted the curfew in Montenegro", "visited Amman") makes its state the
        target, as event coding does when the recipient is a location."""
        for a, _, m in places:
            if a < cand.j or a - cand.j > _TARGET_PLACE_REACH:
                continue
            record = self.resolver.state_record(res.places[m.key].country)
            if record is None or record.key == source:
                return None
            res.add_actor_mention(record, m.start, m.end, "place")
            return res.actors[record.key].key
        return None

    # ------------------------------------------------------------------------------------- records

    def _record(
        self, ctx: _Context, cand: Candidate, source: str | None, target: str | None, dead: int | None,
        injured: int | None, place: str | None,
    ) -> EventRecord:  # fmt: skip
        ev_start, ev_end = cand.start, cand.end
        if cand.extra_spans:
            for s, e in sorted(cand.extra_spans):
                if s - ev_end <= _EVIDENCE_GAP and ev_start - e <= _EVIDENCE_GAP:
                    ev_start, ev_end = min(ev_start, s), max(ev_end, e)
        attribution = ctx.attribution
        sentence = ctx.sentence
        digest = sha1(f"{ctx.doc_id}|{sentence.start}|{ev_start}|{cand.type}".encode()).hexdigest()[:20]
        return EventRecord(
            cand.type,
            cand.mode,
            source,
            target,
            place,
            cand.negated,
            cand.hypothetical,
            cand.historical,
            attribution.text if attribution else None,
            attribution.speaker if attribution else None,
            dead,
            injured,
            self.signals.types[cand.type].weight(cand.mode),
            (sentence.start, sentence.end),
            (ev_start, ev_end),
            " ".join(cand.rules),
            digest,
        )

    def _sentence_places(self, st: SentenceTokens, places: list[Mention]) -> list[PlacedMention]:
        """The sentence's place mentions with their first word and how well they place its events: a more
        specific place, one after a locative preposition ("in"), not one after a relative location ("north
        of")."""
        out: list[PlacedMention] = []
        ws = st.words
        locative, determiners = self.cues.locative, self.cues.determiners
        relative = st.occurrences("relative_location")
        for m in places:
            a, _ = st.span(m.start, m.end)
            score = float(_PLACE_KIND_RANK.get(m.form, 3))
            k = a - 1
            while k >= 0 and ws[k] in determiners:
                k -= 1
            if k >= 0 and (ws[k] in locative or (k > 0 and f"{ws[k - 1]} {ws[k]}" in locative)):
                score += 2
            if any(a - 5 <= a2 < a and b2 >= a - 1 for a2, b2 in relative):
                score -= 4
            out.append((a, score, m))
        return out


# ----------------------------------------------------------------------------------------- helpers


class _Anchors:
    """Where the article's conflict words are (marked by the automaton), and whether it is a sport report."""

    __slots__ = ("_sentences", "_starts", "sport")

    def __init__(self, markers: list[Hit], sentences: list[Sentence]) -> None:
        starts: list[int] = []
        sport: set[str] = set()
        for hit in markers:
            for cue in hit.cues:
                if cue.name == "conflict_anchors":
                    starts.append(hit.start)
                elif cue.name == "sport_words":
                    sport.add(cue.surface)
        self._sentences = sentences
        self._starts = starts
        self.sport = len(sport) >= _SPORT_WORDS  # three or more different sport words

    def near(self, index: int) -> bool:
        """True when a conflict word is in sentence ``index`` or the sentence before or after it."""
        if not self._starts:
            return False
        sentences = self._sentences
        lo = sentences[max(0, index - 1)].start
        hi = sentences[min(len(sentences) - 1, index + 1)].end
        k = bisect_left(self._starts, lo)
        return k < len(self._starts) and self._starts[k] < hi


def _catch_up(
    discourse: Discourse,
    sentences: list[Sentence],
    sentence_starts: list[int],
    mentions: list[Mention],
    mention_starts: list[int],
    before: int,
    last_read: int,
) -> None:
    """The sentences skipped since the last one read for events leave their first actor as the last subject:
    the latest of them that names one (``before`` is the first mention of the sentence about to be read)."""
    if before == 0:
        return
    index = bisect_right(sentence_starts, mention_starts[before - 1]) - 1
    if index > last_read:
        discourse.last_subject = mentions[bisect_left(mention_starts, sentences[index].start)].key


def _carry(discourse: Discourse, mentions: list[Mention], found: list[EventRecord]) -> None:
    subject = next((e.source for e in found if e.source), None)
    if subject is not None:
        discourse.last_subject = subject
    elif mentions:
        discourse.last_subject = mentions[0].key
    for e in found:
        if e.source and e.weight < 0 and not (e.negated or e.historical or e.hypothetical):
            strength = abs(e.weight) + (2.0 if e.dead else 0.0)
            if strength > discourse.main_event_strength:
                discourse.main_event_source, discourse.main_event_strength = e.source, strength


def _place(places: list[PlacedMention], cand: Candidate) -> str | None:
    """The best-scoring place of the sentence for ``cand``, a nearer one preferred."""
    best: tuple[float, str] | None = None
    for a, score, m in places:
        score -= min(abs(a - cand.i), 30) / 30
        if best is None or score > best[0]:
            best = (score, m.key)
    return best[1] if best else None


def _tail_region(attribution: Attribution | None, n: int) -> tuple[int, int]:
    """Tokens of a trailing attribution (", a member of the Chadian team said"): no events there."""
    if attribution is None or attribution.content_from < n or attribution.region[0] == 0:
        return n, n
    return attribution.region


_OPPOSED = frozenset({"against", "over", "denouncing", "condemning", "protesting", "decrying"})


def _opposed(st: SentenceTokens, i: int) -> bool:
    """The trigger at word ``i`` is what something is against ("against the arrest of ...")."""
    return any(w in _OPPOSED for w in st.words[max(0, i - 3) : i])


def _definite(st: SentenceTokens, i: int, determiners: frozenset[str] = _DEFINITE) -> bool:
    """A definite noun phrase: "the strike", "the American strike", "Friday's strike", "its attacks"."""
    for k in range(i - 1, max(-1, i - 4), -1):
        word = st.words[k]
        if word in determiners or (word == "s" and k > 0 and st.text[st.starts[k] - 1] in "'\u2019"):
            return True
        if st.breaks[k + 1] or not _capitalised(st.text, st.starts[k]):
            return False
    return False


def _capitalised(text: str, start: int) -> bool:
    return text[start].isupper()


def _proper_word(text: str, start: int, end: int) -> bool:
    """A capitalised word that is not an acronym ("Cooperation", not "IED")."""
    if not text[start].isupper():  # a match starts on the first letter of its word
        return False
    first = text[start:end].split(maxsplit=1)[0]
    return first[:1].isupper() and first != first.upper()


def _label_end(st: SentenceTokens) -> int:
    """Tokens of a leading label ("Arrests:", "Security measures:"), metadata rather than text."""
    if ":" not in st.text[st.start : st.start + 48]:
        return 0
    for k in range(1, min(5, len(st))):
        if ":" in st.text[st.end_of(k - 1) : st.starts[k]]:
            return k
    return 0


def _headline(st: SentenceTokens) -> bool:
    """A title-case sentence (a headline): capitalised words do not mark proper names there."""
    long = [k for k, w in enumerate(st.words) if len(w) > 3 and w.isalpha()]
    return bool(long) and sum(1 for k in long if st.text[st.starts[k]].isupper()) >= 0.6 * len(long)


def _nominal(trigger: Trigger, st: SentenceTokens, i: int) -> bool:
    """A noun trigger, or a verb form used as a noun after a determiner ("the strike", "a kill")."""
    if trigger.pos in ("noun", "weapon"):
        return True
    if trigger.pos == "verb" and trigger.form in ("base", "third", "gerund") and i > 0:
        return st.words[i - 1] in ("a", "an") or _definite(st, i)
    return False


def _hyphen_modifier(text: str, start: int) -> bool:
    """True for the second half of a hyphenated modifier ("US-brokered", "Iran-backed")."""
    return start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum()
