"""The closed-class cue lists of the signal ontology, compiled once for the per-sentence scan."""

from __future__ import annotations

from faultline.knowledge.signals import Signals
from faultline.tagging.normalise import fold
from faultline.tagging.tokens import CueIndex

SCANNED = (
    "negation", "denial", "refusal", "future", "willingness", "hypothetical", "threat", "reporting", "background",
    "historical", "casualty_dead", "casualty_injured", "casualty_both", "disaster", "weapon_verbs", "anaphora_events",
    "relative_location", "descriptive", "defensive", "economic", "threat_objects",
)  # fmt: skip


def _folded(phrases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(" ".join(fold(p).split()) for p in phrases)


class Cues:
    """The cue index for sentence scans, plus word sets used by single-word lookups."""

    def __init__(self, signals: Signals) -> None:
        self.index = CueIndex({name: signals.cue(name) for name in SCANNED})
        self.months = _folded(signals.cue("months"))
        self.quantities = {" ".join(fold(k).split()): v for k, v in signals.quantities.items()}
        self.weak = _folded(signals.cue("weak_triggers"))
        self.economic_weak = _folded(signals.cue("economic_weak"))
        self.ambiguous = _folded(signals.cue("ambiguous_triggers"))
        self.verbal_attack = _folded(signals.cue("verbal_attack"))
        self.victims = _folded(signals.cue("victim_nouns"))
        self.be = frozenset(p for p in _folded(signals.cue("passive_be")) if " " not in p)
        self.prepositions = frozenset({
            "of", "in", "at", "from", "with", "for", "on", "by", "against", "between", "near", "into", "to", "over",
            "about", "under", "across", "like", "including", "among", "outside", "inside", "toward", "towards",
            "within", "through", "via", "than", "during", "after", "before", "since", "upon",
        })  # fmt: skip
        self.determiners = _folded(signals.cue("determiners"))
        self.locative = _folded(signals.cue("locative_prepositions"))
        self.target_words = frozenset(p.split()[0] for p in _folded(signals.cue("target_prepositions")))
        self.agent_words = frozenset(p for p in _folded(signals.cue("agent_prepositions")) if " " not in p)
