"""The tagger: text in, actors, places, events and an escalation score out (a ``TagResult``).

Pure and deterministic: the same text, id, date and knowledge give the same result. Offsets are character
offsets into the input text. One automaton pass finds every lexicon form; sentences with a trigger are then
read word by word.
"""

from __future__ import annotations

import functools
from datetime import datetime

from faultline.knowledge.catalog import Catalog, load_catalog
from faultline.knowledge.gazetteer import Gazetteer, load_gazetteer
from faultline.knowledge.signals import Signals, load_signals
from faultline.schema import (
    ActorTag,
    EventTag,
    Evidence,
    Mention,
    PlaceTag,
    Severity,
    Span,
    TagResult,
    Versions,
)
from faultline.tagging.actors import ActorResolver, Resolution
from faultline.tagging.cues import Cues
from faultline.tagging.events import EventExtractor, EventRecord
from faultline.tagging.lexicon import Lexicon
from faultline.tagging.matching import select_hits
from faultline.tagging.normalise import fold
from faultline.tagging.persons import PersonFinder
from faultline.tagging.records import ActorRecord, PlaceRecord
from faultline.tagging.sentences import split_sentences
from faultline.tagging.severity import severity


class Tagger:
    """Tags texts against one set of knowledge (catalogue, gazetteer, signal ontology)."""

    def __init__(self, catalog: Catalog, gazetteer: Gazetteer, signals: Signals) -> None:
        self.catalog = catalog
        self.gazetteer = gazetteer
        self.signals = signals
        self.lexicon = Lexicon(catalog, gazetteer, signals)
        self.cues = Cues(signals)
        self.resolver = ActorResolver(catalog, gazetteer, signals)
        self.persons = PersonFinder(self.resolver)
        self.extractor = EventExtractor(signals, self.cues)
        self.versions = Versions(catalog=catalog.version, rules=signals.version)

    @classmethod
    @functools.cache
    def load(cls) -> Tagger:
        """The tagger over the packaged knowledge (built once per process)."""
        return cls(load_catalog(), load_gazetteer(), load_signals())

    def tag(self, text: str, doc_id: str = "", published: datetime | None = None,
            language: str | None = None) -> TagResult:
        """Tag one text. ``published`` dates the text (office holders, old dates); events are read only
        in English (``language`` None or "en*"), actors and places in any language."""
        folded = fold(text)
        hits, cues = select_hits(text, self.lexicon.raw_hits(folded))
        sentences = split_sentences(text)
        res = self.resolver.resolve(text, folded, hits, sentences)
        self.persons.find(text, folded, res, cues, published.date() if published else None)
        english = language is None or language.lower().startswith("en")
        records = self.extractor.extract(doc_id, text, sentences, hits, res, published) if english else []
        return self._result(doc_id, text, res, records)

    # ------------------------------------------------------------------------------------- assembly

    def _result(self, doc_id: str, text: str, res: Resolution, records: list[EventRecord]) -> TagResult:
        actors = {k: r for k, r in res.actors.items() if r.mentions}
        places = {k: r for k, r in res.places.items() if r.mentions}

        def name(key: str | None) -> str | None:
            return actors[key].name if key in actors else None

        def ident(key: str | None) -> str | None:
            return actors[key].id if key in actors else None

        def describe(e: EventRecord) -> str:
            kind = f"{e.type}:{e.mode}" if e.mode else e.type
            parts = [kind, f"{name(e.source) or '?'} -> {name(e.target) or '?'}"]
            if e.dead:
                parts.append(f"dead {e.dead}")
            if e.historical:
                parts.append("historical")
            elif e.hypothetical:
                parts.append("hypothetical")
            return " ".join(parts)

        events = [
            EventTag.model_construct(
                event_id=e.event_id, type=e.type, mode=e.mode,
                source=name(e.source), target=name(e.target), source_id=ident(e.source), target_id=ident(e.target),
                place=places[e.place].name if e.place in places else None,
                negated=e.negated, hypothetical=e.hypothetical, historical=e.historical,
                attributed_to=name(e.attributed_key) or e.attributed_to,
                dead=e.dead, injured=e.injured, weight=e.weight,
                sentence=Span.model_construct(start=e.sentence[0], end=e.sentence[1]),
                evidence=Evidence.model_construct(start=e.evidence[0], end=e.evidence[1], text=text[e.evidence[0]:e.evidence[1]]),
                rule=e.rule,
            )
            for e in records
        ]
        sev: Severity = severity(records, describe)
        return TagResult.model_construct(
            id=doc_id,
            actors=[_actor_tag(r, text) for r in sorted(actors.values(), key=_first_mention)],
            places=[_place_tag(r, text) for r in sorted(places.values(), key=_first_mention)],
            events=events,
            severity=sev,
            versions=self.versions,
        )


def _first_mention(record: ActorRecord | PlaceRecord) -> tuple[int, str]:
    return min(record.mentions)[0], record.key


def _mentions(spans: list[tuple[int, int]], text: str) -> list[Mention]:
    return [Mention.model_construct(start=s, end=e, text=text[s:e]) for s, e in sorted(set(spans))]


def _actor_tag(r: ActorRecord, text: str) -> ActorTag:
    return ActorTag.model_construct(
        id=r.id, name=r.name, kind=r.kind, country=r.country, resolved=r.resolved, member_of=list(r.member_of),
        mentions=_mentions(r.mentions, text), rule=r.rule,
    )


def _place_tag(r: PlaceRecord, text: str) -> PlaceTag:
    return PlaceTag.model_construct(
        id=r.id, name=r.name, kind=r.kind, country=r.country, lat=r.lat, lon=r.lon, mentions=_mentions(r.mentions, text),
    )
