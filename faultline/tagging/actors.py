"""Actor and place resolution over the selected hits of one text.

- An acronym or alias marked ``ambiguous`` counts only when the article also names the actor unambiguously;
  a person's short name ("Sudani") only after a full mention earlier in the article.
- A capital ("Washington", "Baghdad") is the government unless the context makes it a place: a locative
  preposition before it ("in Baghdad"), a dateline, or a place noun after it ("Baghdad's streets").
  A country name is always a place and also the state, unless it follows a locative preposition.
- A demonym names its state; followed by a force, police or government noun ("Turkish forces", "Iraqi
  police", "Iranian officials") it names that body of the state, and followed by a noun for an armed group
  or for people ("Afghan rebels", "Iraqi civilians") it introduces a group of that country.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from faultline.knowledge.catalog import ActorEntry, Catalog
from faultline.knowledge.gazetteer import Gazetteer
from faultline.knowledge.signals import Signals
from faultline.tagging.lexicon import ActorForm, Hit, PlaceForm
from faultline.tagging.normalise import fold
from faultline.tagging.records import ActorRecord, Mention, PlaceRecord
from faultline.tagging.sentences import Sentence

LOCATIVE = frozenset(
    {
        "in",
        "at",
        "near",
        "outside",
        "inside",
        "into",
        "from",
        "to",
        "across",
        "around",
        "throughout",
        "within",
        "toward",
        "towards",
        "via",
        "through",
        "reaching",
        "entered",
        "over",
        "visit",
        "visited",
        "visiting",
        "arrived",
        "returned",
        "landed",
        "flew",
        "travelled",
        "traveled",
        "capital",
    }
)
PLACE_NEXT = frozenset(
    {
        "city",
        "streets",
        "street",
        "residents",
        "airport",
        "province",
        "governorate",
        "district",
        "suburbs",
        "area",
        "neighbourhood",
        "neighborhood",
        "outskirts",
        "centre",
        "center",
        "downtown",
        "countryside",
        "skyline",
    }
)
_DIRECTIONS = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
    }
)
_ALNUM = re.compile(r"[^\W_]")  # a letter or digit (str.isalnum)
_ROLE_KINDS = {
    "force": (("armed_forces",), (".military", ".mil", ".army", ".armed_forces", ".defence_forces")),
    "police": (("security_service",), (".police", ".isf", ".security", ".gendarmerie")),
    "government": (("government",), (".gov",)),
}


@dataclass(slots=True)
class Resolution:
    """What the resolver found: actor and place records keyed by id (or a text key), and actor mentions."""

    actors: dict[str, ActorRecord] = field(default_factory=dict)
    places: dict[str, PlaceRecord] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    place_mentions: list[Mention] = field(default_factory=list)
    place_ends: set[int] = field(default_factory=set)  # end offsets of the place mentions

    def add_actor_mention(self, record: ActorRecord, start: int, end: int, form: str) -> None:
        existing = self.actors.setdefault(record.key, record)
        existing.mentions.append((start, end))
        self.mentions.append(Mention(start, end, existing.key, form))

    def add_place_mention(self, record: PlaceRecord, start: int, end: int) -> None:
        existing = self.places.setdefault(record.key, record)
        existing.mentions.append((start, end))
        self.place_mentions.append(Mention(start, end, existing.key, existing.kind or "other"))
        self.place_ends.add(end)


def _noun_table(signals: Signals) -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for cue, role in (
        ("people_nouns", "people"),
        ("armed_group_nouns", "group"),
        ("government_nouns", "government"),
        ("police_nouns", "police"),
        ("force_nouns", "force"),
    ):
        for phrase in signals.cue(cue):
            table[tuple(fold(phrase).split())] = role
    return table


class ActorResolver:
    """Resolves hits to actors and places; built once per knowledge set."""

    def __init__(self, catalog: Catalog, gazetteer: Gazetteer, signals: Signals) -> None:
        self.catalog = catalog
        self.gazetteer = gazetteer
        self._ambiguous = {
            a.id: frozenset(fold(f).strip() for f in a.ambiguous)
            for a in catalog.actors.values()
            if a.ambiguous
        }
        self._ambiguous_forms: dict[ActorForm, bool] = {}
        self._role_nouns = _noun_table(signals)
        self._group_heads = frozenset(
            fold(p).strip() for p in signals.cue("group_heads") if " " not in p.strip()
        )
        self._seat_nouns = frozenset(w for p in signals.cue("government_nouns") for w in fold(p).split())
        self._longest_role = max((len(k) for k in self._role_nouns), default=1)
        self._bodies = self._index_bodies(catalog.actors.values())
        self._members = {a.id: tuple(sorted(catalog.members_of(a.id))) for a in catalog.actors.values()}

    @staticmethod
    def _index_bodies(actors: Iterable[ActorEntry]) -> dict[tuple[str, str], str]:
        bodies: dict[tuple[str, str], str] = {}
        by_country: dict[str, list[ActorEntry]] = {}
        for a in actors:
            if a.country:
                by_country.setdefault(a.country, []).append(a)
        for country, entries in by_country.items():
            for role, (kinds, suffixes) in _ROLE_KINDS.items():
                candidates = sorted((a for a in entries if a.kind in kinds), key=lambda a: a.id)
                if not candidates:
                    continue
                preferred = [a for a in candidates if a.id.endswith(suffixes)]
                best = min(
                    preferred or candidates,
                    key=lambda a: (next((i for i, s in enumerate(suffixes) if a.id.endswith(s)), 99), a.id),
                )
                bodies[(country, role)] = best.id
        return bodies

    # ------------------------------------------------------------------------------------- records

    def record(self, actor_id: str) -> ActorRecord:
        a = self.catalog.actors[actor_id]
        return ActorRecord(
            a.id, a.id, a.name, a.kind, a.country, True, self._members.get(a.id, ()), f"catalog:{a.id}"
        )

    def members(self, actor_id: str) -> tuple[str, ...]:
        return self._members.get(actor_id, ())

    def mention(self, res: Resolution, actor_id: str, start: int, end: int, form: str) -> None:
        """Add a mention of the catalogue actor ``actor_id`` (its record made at its first mention)."""
        record = res.actors.get(actor_id)
        res.add_actor_mention(record if record is not None else self.record(actor_id), start, end, form)

    def place_record(self, place_id: str) -> PlaceRecord:
        p = self.gazetteer.places[place_id]
        return PlaceRecord(p.id, p.id, p.name, p.kind, p.country, p.lat, p.lon)

    def state_record(self, country: str | None) -> ActorRecord | None:
        state = self.catalog.state_of(country) if country else None
        return self.record(state.id) if state is not None else None

    def body(self, country: str, role: str) -> str | None:
        return self._bodies.get((country, role))

    # ------------------------------------------------------------------------------------- resolution

    def resolve(
        self, text: str, folded: str, hits: list[Hit], markers: list[Hit], sentences: list[Sentence]
    ) -> Resolution:
        res = Resolution()
        starts = _sentence_starts(sentences)
        unambiguous = self._unambiguous_ids(hits)
        fully_named: set[str] = set()
        titled = {m.end + 1 for m in markers for c in m.cues if c.name == "titles"}
        for n, hit in enumerate(hits):
            forms = hit.actors
            places = hit.places
            if not forms and not places:
                continue
            if places and forms:
                self._actor_or_place(res, text, folded, hit, forms, places, starts, unambiguous)
            elif places:
                self._place(res, places, hit, res)
            else:
                licensed = self._licensed(text, folded, hit, hits[n + 1] if n + 1 < len(hits) else None)
                named = self._actor(
                    res,
                    text,
                    folded,
                    hit,
                    forms,
                    unambiguous | licensed if licensed else unambiguous,
                    fully_named | {f.actor_id for f in forms} if hit.start in titled else fully_named,
                )  # a titled name is a full one: "President Erdogan"
                if named is not None:
                    fully_named.add(named)
        self._local_forces(res, text, folded, markers, sentences)
        return res

    def _licensed(self, text: str, folded: str, hit: Hit, following: Hit | None) -> set[str]:
        """Ids an ambiguous form may stand for here, from its use in the text:

        - it heads a noun phrase ("IS militants", "KH attack") or modifies with a hyphen ("Islah-affiliated");
        - it is coordinated with a named actor ("JWS and Turkish forces");
        - a name (not an acronym) is written as a proper name, capitalised inside the sentence.
        """
        ambiguous = [f for f in hit.actors if self._is_ambiguous(f)]
        if not ambiguous:
            return set()
        ids = {f.actor_id for f in hit.actors}
        next_word = folded[hit.end : hit.end + 24].split()[:1]
        if next_word and next_word[0] in self._group_heads and folded[hit.end : hit.end + 1] == " ":
            return ids
        if text[hit.end : hit.end + 1] == "-":
            return ids
        if following is not None and following.start <= hit.end + 1 and following.triggers:
            return ids
        if (
            following is not None
            and following.actors
            and text[hit.end : following.start].strip() in ("and", ",", "&")
        ):
            return ids
        shown = text[hit.start : hit.end]
        inside = hit.start > 0 and text[max(0, hit.start - 2) : hit.start].strip() not in (
            "",
            ".",
            "!",
            "?",
            '"',
        )
        if (
            inside
            and shown[:1].isupper()
            and shown != shown.upper()
            and all(f.form != "acronym" for f in ambiguous)
        ):
            return ids
        return set()

    def _local_forces(
        self, res: Resolution, text: str, folded: str, markers: list[Hit], sentences: list[Sentence]
    ) -> None:
        """Forces named without their country take the country where the text places them."""
        locals_ = [(m, c.name) for m in markers for c in m.cues if c.name in _LOCAL_ROLES]
        if not locals_ or not res.place_mentions:
            return
        taken = sorted((s, e) for r in res.actors.values() for s, e in r.mentions)
        main = _main_country(res)
        bounds = [(s.start, s.end) for s in sentences]
        place_at = {m.end: res.places[m.key].country for m in res.place_mentions}
        for marker, name in locals_:
            if _overlaps(taken, marker.start, marker.end):
                continue
            local = place_at.get(marker.start - 1)  # "Van Governor's Office": the office of that place
            if local is None and _qualified(text, taken, marker.start):
                continue
            country = local or _nearest_country(res, bounds, marker.start) or main
            if country is None:
                continue
            role = _LOCAL_ROLES[name]
            body = self.body(country, role) or (self.body(country, "force") if role == "police" else None)
            state = self.catalog.state_of(country)
            target = body or (state.id if state is not None and role == "government" else None)
            if target is not None:
                self.mention(res, target, marker.start, marker.end, "local")
                taken.append((marker.start, marker.end))

    def _unambiguous_ids(self, hits: list[Hit]) -> set[str]:
        ids: set[str] = set()
        for hit in hits:
            for form in hit.actors:
                if form.form in ("name", "alias", "acronym") and not self._is_ambiguous(form):
                    ids.add(form.actor_id)
        return ids

    def _is_ambiguous(self, form: ActorForm) -> bool:
        keys = self._ambiguous.get(form.actor_id)
        if not keys:
            return False
        known = self._ambiguous_forms.get(form)
        if known is None:
            known = self._ambiguous_forms[form] = fold(form.surface).strip() in keys
        return known

    def _choose(self, forms: Sequence[ActorForm], unambiguous: set[str]) -> ActorForm | None:
        if len(forms) == 1:
            form = forms[0]
            return form if form.actor_id in unambiguous or not self._is_ambiguous(form) else None
        usable = [f for f in forms if not self._is_ambiguous(f) or f.actor_id in unambiguous]
        if not usable:
            return None
        if len({f.actor_id for f in usable}) == 1:
            return usable[0]
        mentioned = [f for f in usable if f.actor_id in unambiguous]
        pool = mentioned or usable
        rule = self.catalog.shared_forms.get(_surface_key(pool[0].surface))
        if rule is not None and rule.prefer is not None:
            preferred = [f for f in pool if f.actor_id == rule.prefer]
            if preferred:
                return preferred[0]
        return min(pool, key=lambda f: f.actor_id)

    def _actor(
        self,
        res: Resolution,
        text: str,
        folded: str,
        hit: Hit,
        forms: Sequence[ActorForm],
        unambiguous: set[str],
        fully_named: set[str],
    ) -> str | None:
        """Resolve one actor hit; returns the id when it counts as a full mention (licensing short names)."""
        forms = [f for f in forms if f.form != "short_name" or f.actor_id in fully_named]
        form = self._choose(forms, unambiguous)
        if form is None:
            return None
        if form.form in ("demonym", "demonym_plural"):
            self._demonym(res, text, folded, hit, form)
            return None
        self.mention(res, form.actor_id, hit.start, hit.end, form.form)
        full = form.form in ("name", "alias") or (form.form == "acronym" and not self._is_ambiguous(form))
        return form.actor_id if full or form.form == "short_name" else None

    def _demonym(self, res: Resolution, text: str, folded: str, hit: Hit, form: ActorForm) -> None:
        state = self.catalog.actors[form.actor_id]
        role, end = (None, hit.end) if form.form == "demonym_plural" else self._role_after(folded, hit.end)
        if role in ("force", "police", "government") and state.country:
            body = self.body(state.country, role) or (
                self.body(state.country, "force") if role == "police" else None
            )
            if body:
                self.mention(res, body, hit.start, end, "demonym")
                return
        if role in ("group", "people") and state.country:
            name = " ".join(text[hit.start : end].split())
            key = f"{role}:{state.country}:{fold(name).split()[-1]}"
            kind = "armed_group" if role == "group" else "other"
            record = ActorRecord(key, None, name, kind, state.country, False, (), f"demonym+{role}")
            res.add_actor_mention(record, hit.start, end, "demonym")
            return
        self.mention(res, state.id, hit.start, hit.end, "demonym")

    def _role_after(self, folded: str, end: int) -> tuple[str | None, int]:
        """The role noun right after a demonym, and the end offset of the noun phrase."""
        window = folded[end : end + 48]
        if not window.startswith(" ") or window[1:2] == " ":
            return None, end
        words = window.split()[: self._longest_role]
        for n in range(len(words), 0, -1):
            role = self._role_nouns.get(tuple(words[:n]))
            if role:
                phrase = " ".join(words[:n])
                offset = folded.find(phrase, end)
                return role, offset + len(phrase) if offset >= 0 else end
        return None, end

    def _actor_or_place(
        self,
        res: Resolution,
        text: str,
        folded: str,
        hit: Hit,
        forms: Sequence[ActorForm],
        places: Sequence[PlaceForm],
        starts: list[int],
        unambiguous: set[str],
    ) -> None:
        form = self._choose(forms, unambiguous)
        locative = _locative_context(text, folded, hit, starts, res.place_ends)
        country_name = (
            form is not None
            and form.form in ("name", "alias")
            and self.catalog.actors[form.actor_id].kind == "state"
        )
        if country_name and form is not None:
            self._place(res, places, hit, res)
            if not locative:
                self.mention(res, form.actor_id, hit.start, hit.end, form.form)
        elif locative or form is None:
            self._place(res, places, hit, res)
            if form is not None and self._seat_of_government(folded, hit):
                self.mention(res, form.actor_id, hit.start, hit.end, "metonym")
        else:
            self.mention(res, form.actor_id, hit.start, hit.end, form.form)

    def _seat_of_government(self, folded: str, hit: Hit) -> bool:
        """ "the Foreign Ministry in Tehran", "officials in Baghdad": the capital stands for its government."""
        before = folded[max(0, hit.start - 40) : hit.start].split()
        return len(before) >= 2 and before[-1] == "in" and before[-2] in self._seat_nouns

    def _place(self, res: Resolution, places: Sequence[PlaceForm], hit: Hit, context: Resolution) -> None:
        ids = [places[0].place_id] if len(places) == 1 else sorted({p.place_id for p in places})
        if len(ids) > 1:
            countries = {r.country for r in context.places.values()} | {
                r.country for r in context.actors.values()
            }
            local = [i for i in ids if self.gazetteer.places[i].country in countries]
            rule = self.gazetteer.shared_forms.get(_surface_key(places[0].surface))
            if len(local) == 1:
                ids = local
            elif rule is not None and rule.prefer in ids:
                ids = [rule.prefer]
        record = res.places.get(ids[0])
        res.add_place_mention(record if record is not None else self.place_record(ids[0]), hit.start, hit.end)


_LOCAL_ROLES = {"local_military": "force", "local_police": "police", "local_government": "government"}


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _qualified(text: str, taken: list[tuple[int, int]], start: int) -> bool:
    """True when the word before names whose force it is ("Chechen police", "pro-Houthi forces", "US army")."""
    before = text[max(0, start - 30) : start].rstrip()
    if before.endswith(("-", "'s", "\u2019s")):
        return True
    words = before.split()
    if not words:
        return False
    previous = words[-1]
    gap_start = start - len(text[max(0, start - 30) : start]) + len(before) - len(previous)
    if any(s <= gap_start < e for s, e in taken):
        return True
    return previous[:1].isupper() and previous.lower() not in ("the", "a", "an", "and", "but", "as")


def _main_country(res: Resolution) -> str | None:
    counts: dict[str, int] = {}
    for m in res.place_mentions:
        country = res.places[m.key].country
        if country:
            counts[country] = counts.get(country, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def _nearest_country(res: Resolution, bounds: list[tuple[int, int]], offset: int) -> str | None:
    i = bisect_right([b[0] for b in bounds], offset) - 1
    if i < 0:
        return None
    start, end = bounds[i]
    inside = [m for m in res.place_mentions if start <= m.start < end]
    if not inside:
        return None
    local = [
        m for m in inside if res.places[m.key].kind != "country"
    ] or inside  # a town says more than a country
    nearest = min(local, key=lambda m: abs(m.start - offset))
    return res.places[nearest.key].country


def _surface_key(surface: str) -> str:
    from faultline.knowledge.datafiles import surface_key

    return surface_key(surface)


def _sentence_starts(sentences: list[Sentence]) -> list[int]:
    return [s.start for s in sentences]


def _locative_context(
    text: str,
    folded: str,
    hit: Hit,
    sentence_starts: list[int],
    place_ends: set[int] | frozenset[int] = frozenset(),
) -> bool:
    """True when a name at ``hit`` reads as a place: after a locative word (also "in central X"), in a list
    after a place ("in Cankaya, Ankara"), in a dateline, before a place noun."""
    before = folded[max(0, hit.start - 40) : hit.start].split()
    after = folded[hit.end : hit.end + 24].split()
    if before and before[-1] in LOCATIVE:
        return True
    if len(before) >= 2 and before[-1] in _DIRECTIONS and before[-2] in LOCATIVE:
        return True
    if len(before) >= 2 and before[-1] == "of" and before[-2] in _DIRECTIONS:
        return True
    gap = text[max(0, hit.start - 3) : hit.start]
    if "," in gap and (hit.start - len(gap) + gap.index(",")) in place_ends:
        return True
    if after and (after[0] in PLACE_NEXT or (after[0] == "s" and len(after) > 1 and after[1] in PLACE_NEXT)):
        return True
    return _dateline(text, hit, sentence_starts)


def _dateline(text: str, hit: Hit, sentence_starts: list[int]) -> bool:
    i = bisect_right(sentence_starts, hit.start) - 1
    start = sentence_starts[i] if i >= 0 else 0
    if _ALNUM.search(text, start, hit.start):
        return False
    shown = text[hit.start : hit.end]
    follow = text[hit.end : hit.end + 2]
    return shown.isupper() or follow.startswith((",", " (", "*"))
