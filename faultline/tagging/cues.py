"""The closed-class cue lists of the signal ontology, compiled once into token phrase sets."""

from __future__ import annotations

from faultline.knowledge.signals import Signals
from faultline.tagging.tokens import PhraseSet, words

_SETS = (
    "negation", "negation_after", "denial", "refusal", "future", "willingness", "hypothetical", "threat", "reporting",
    "source_nouns", "background", "historical", "casualty_dead", "casualty_injured", "casualty_both", "disaster",
    "weak_triggers", "weapon_verbs", "anaphora_events", "pronoun_subjects", "target_prepositions", "agent_prepositions",
    "relative_location", "locative_prepositions", "passive_be", "determiners",
)


class Cues:
    """Token phrase sets for every cue list, plus single-word lookups used in tight loops."""

    def __init__(self, signals: Signals) -> None:
        self.sets: dict[str, PhraseSet] = {name: PhraseSet(signals.cue(name)) for name in _SETS}
        self.months = frozenset(signals.cue("months"))
        self.quantities = {words(k): v for k, v in signals.quantities.items()}
        self.weak = frozenset(signals.cue("weak_triggers"))
        self.be = frozenset(p for p in signals.cue("passive_be") if " " not in p)
        self.prepositions = frozenset({
            "of", "in", "at", "from", "with", "for", "on", "by", "against", "between", "near", "into", "to", "over",
            "about", "under", "across", "like", "including", "among", "outside", "inside", "toward", "towards", "within",
            "through", "via", "than", "during", "after", "before", "since", "upon",
        })
        self.determiners = frozenset(signals.cue("determiners"))
        self.target_words = frozenset(p.split()[0] for p in signals.cue("target_prepositions"))

    def __getitem__(self, name: str) -> PhraseSet:
        return self.sets[name]
