"""The lexicon: every surface form the tagger looks for, compiled into one Aho-Corasick automaton.

One pass over the folded text finds actor names, place names, event triggers, "no event" phrases and the
structural cues (titles, phrases introducing a person). Keys are folded forms wrapped in spaces, so every
match starts and ends on a word boundary; the longest match wins where matches overlap.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import ahocorasick_rs

from faultline.knowledge.catalog import Catalog
from faultline.knowledge.gazetteer import Gazetteer
from faultline.knowledge.signals import Compound, Signals, Trigger
from faultline.tagging.normalise import article_variants, pattern_keys

_ACRONYM_LIKE = re.compile(r"^[A-Z0-9][A-Z0-9.&\-]{0,7}$")
_STRUCTURAL_CUES = (
    "titles",
    "person_intro",
    "person_roles",
    "local_military",
    "local_police",
    "local_government",
    "conflict_anchors",
    "sport_words",
)


@dataclass(frozen=True, slots=True)
class ActorForm:
    """A catalogue form of an actor; ``exact`` forms must match the original text's letters and case."""

    actor_id: str
    form: str
    surface: str
    exact: str | None


@dataclass(frozen=True, slots=True)
class PlaceForm:
    place_id: str
    surface: str


@dataclass(frozen=True, slots=True)
class NoEvent:
    """A phrase that contains a trigger word but reports no event ("heart attack")."""

    surface: str


@dataclass(frozen=True, slots=True)
class Cue:
    """A structural cue: a title, a phrase introducing a person, or a force named without its country."""

    name: str
    surface: str


@dataclass(frozen=True, slots=True)
class CompoundHead:
    """The verb of one or more compounds ("expelled" of expel + diplomats); an event only with its object."""

    surface: str
    form: str
    lemma: str
    compounds: tuple[Compound, ...]


Entry = ActorForm | PlaceForm | Trigger | NoEvent | Cue | CompoundHead
#: Entries that mark a position for later reading instead of competing for the span.
MARKERS = (Cue, CompoundHead)


@dataclass(frozen=True, slots=True)
class Bundle:
    """Everything one folded key stands for, sorted by kind once when the lexicon is built."""

    length: int
    actors: tuple[ActorForm, ...]
    places: tuple[PlaceForm, ...]
    triggers: tuple[Trigger, ...]
    none: bool
    cues: tuple[Cue, ...]
    heads: tuple[CompoundHead, ...]
    exact: bool  # an actor form here must match the original letters and case
    competing: bool  # an actor, place, trigger or "no event" phrase: competes for its span
    marking: bool  # a cue or compound head: marks its position


@dataclass(slots=True, init=False)
class Hit:
    """A match at ``start``/``end`` (offsets into the original text) and what the span may be."""

    start: int
    end: int
    actors: tuple[ActorForm, ...]
    places: tuple[PlaceForm, ...]
    triggers: tuple[Trigger, ...]  # empty when the span is a "no event" phrase
    cues: tuple[Cue, ...]
    heads: tuple[CompoundHead, ...]

    def __init__(
        self,
        start: int,
        end: int,
        actors: tuple[ActorForm, ...] = (),
        places: tuple[PlaceForm, ...] = (),
        triggers: tuple[Trigger, ...] = (),
        cues: tuple[Cue, ...] = (),
        heads: tuple[CompoundHead, ...] = (),
    ) -> None:
        self.start = start
        self.end = end
        self.actors = actors
        self.places = places
        self.triggers = triggers
        self.cues = cues
        self.heads = heads


def _bundle(length: int, entries: list[Entry]) -> Bundle:
    actors = tuple(e for e in entries if isinstance(e, ActorForm))
    places = tuple(e for e in entries if isinstance(e, PlaceForm))
    none = any(isinstance(e, NoEvent) for e in entries)
    triggers = () if none else tuple(e for e in entries if isinstance(e, Trigger))
    cues = tuple(e for e in entries if isinstance(e, Cue))
    heads = tuple(e for e in entries if isinstance(e, CompoundHead))
    return Bundle(
        length=length,
        actors=actors,
        places=places,
        triggers=triggers,
        none=none,
        cues=cues,
        heads=heads,
        exact=any(a.exact is not None for a in actors),
        competing=bool(actors or places or triggers or none),
        marking=bool(cues or heads),
    )


def _exact_letters(surface: str) -> str | None:
    """The letters an acronym must show in the text ("U.S." -> "US"), or None for an ordinary name."""
    if _ACRONYM_LIKE.match(surface) and any(c.isalpha() for c in surface):
        return "".join(c for c in surface if c.isalnum())
    return None


class Lexicon:
    """The compiled automaton with its entries; build once per knowledge set and share."""

    def __init__(self, catalog: Catalog, gazetteer: Gazetteer, signals: Signals) -> None:
        table: dict[str, list[Entry]] = defaultdict(list)

        def add(surface: str, entry: Entry, variants: bool = False) -> None:
            keys = pattern_keys(surface)
            if variants:
                keys |= {v for k in keys for v in article_variants(k)}
            for key in keys:
                bucket = table[key]
                if entry not in bucket:
                    bucket.append(entry)

        for text, actor_id, form in catalog.surface_forms():
            exact = _exact_letters(text) if form in ("acronym", "alias", "name") else None
            add(text, ActorForm(actor_id, form, text, exact), variants=form in ("name", "alias"))
            if form == "demonym" and text[-1:] in ("i", "n"):
                add(text + "s", ActorForm(actor_id, "demonym_plural", text + "s", None))
        for text, place_id in gazetteer.surface_forms():
            add(text, PlaceForm(place_id, text), variants=True)
        for trigger in signals.triggers:
            add(trigger.surface, trigger)
        for phrase in signals.none:
            add(phrase, NoEvent(phrase))
        for name in _STRUCTURAL_CUES:
            for phrase in signals.cue(name):
                add(phrase, Cue(name, phrase))
        heads: dict[tuple[str, str, str], list[Compound]] = defaultdict(list)
        for compound in signals.compounds:
            for head in compound.heads:
                if compound not in heads[head]:
                    heads[head].append(compound)
        for (surface, form, lemma), compounds in heads.items():
            add(surface, CompoundHead(surface, form, lemma, tuple(compounds)))

        self.size = len(table)
        keys = list(table)
        self._bundles = [_bundle(len(key) + 2, table[key]) for key in keys]
        padded = [f" {key} " for key in keys]  # the spaces make matches whole words of the folded text
        # Folded text is ASCII unless it has letters of other scripts: bytes are matched without mapping
        # offsets back to characters. Both automata number the keys alike.
        self._ascii = ahocorasick_rs.BytesAhoCorasick(
            [key.encode("utf-8") for key in padded], matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )  # fmt: skip
        self._unicode = ahocorasick_rs.AhoCorasick(
            padded, matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )  # fmt: skip

    def raw_hits(self, folded: str) -> list[tuple[int, Bundle]]:
        """Every match in ``folded`` as (last offset in the padded text, bundle), overlapping ones included.

        The match covers the original characters [end + 2 - bundle.length, end - 1)."""
        padded = f" {folded} "
        if padded.isascii():
            found = self._ascii.find_matches_as_indexes(padded.encode("ascii"), overlapping=True)
        else:
            found = self._unicode.find_matches_as_indexes(padded, overlapping=True)
        bundles = self._bundles
        return [(end - 1, bundles[key]) for key, _, end in found]
