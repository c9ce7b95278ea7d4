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
from faultline.schema import TagResult, Versions
from faultline.tagging.actors import ActorResolver
from faultline.tagging.assemble import result
from faultline.tagging.cues import Cues
from faultline.tagging.events import EventExtractor
from faultline.tagging.lexicon import Lexicon
from faultline.tagging.matching import select_hits
from faultline.tagging.normalise import fold
from faultline.tagging.persons import PersonFinder
from faultline.tagging.sentences import split_sentences


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
        self.extractor = EventExtractor(signals, self.cues, self.resolver)
        self.versions = Versions(catalog=catalog.version, rules=signals.version)

    @classmethod
    @functools.cache
    def load(cls) -> Tagger:
        """The tagger over the packaged knowledge (built once per process)."""
        return cls(load_catalog(), load_gazetteer(), load_signals())

    def tag(
        self, text: str, doc_id: str = "", published: datetime | None = None, language: str | None = None
    ) -> TagResult:
        """Tag one text. ``published`` dates the text (office holders, old dates); events are read only
        in English (``language`` None or "en*"), actors and places in any language."""
        folded = fold(text)
        hits, cues = select_hits(text, self.lexicon.raw_hits(folded))
        sentences = split_sentences(text)
        res = self.resolver.resolve(text, folded, hits, cues, sentences)
        self.persons.find(text, folded, res, cues, published.date() if published else None)
        english = language is None or language.lower().startswith("en")
        records = (
            self.extractor.extract(doc_id, text, folded, sentences, hits, cues, res, published)
            if english
            else []
        )
        return result(doc_id, text, res.actors, res.places, records, self.versions)
