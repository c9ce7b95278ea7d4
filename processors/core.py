"""The pure core the agents call, loaded once per worker: tagger, catalogue, alert rules."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from faultline.alerting import ActorView, AlertRules, EventAlerting, SpikeAlerting, load_rules
from faultline.alerting.subscriptions import SubscriptionMatcher

log = logging.getLogger(__name__)


class TaggerLike(Protocol):
    def tag(self, text: str, *, doc_id: str, published: Any = None, language: str | None = None) -> Any: ...


@dataclass
class Core:
    tagger: TaggerLike
    rules: AlertRules
    actors: ActorView
    events: EventAlerting
    spikes: SpikeAlerting
    matcher: SubscriptionMatcher

    @classmethod
    def build(cls, tagger: TaggerLike, rules: AlertRules, catalog: Any = None) -> Core:
        actors = ActorView(catalog)
        return cls(tagger=tagger, rules=rules, actors=actors, events=EventAlerting(rules, actors),
                   spikes=SpikeAlerting(rules, actors), matcher=SubscriptionMatcher(actors))

    @classmethod
    def load(cls, rules_path: Path | None = None) -> Core:
        """The real tagger and the packaged catalogue and rules (or the rules at ``rules_path``)."""
        from faultline.knowledge.catalog import load_catalog
        from faultline.tagging import Tagger

        rules = load_rules(rules_path)
        catalog = load_catalog()
        tagger = Tagger.load()
        log.info("core loaded: catalogue %s, alert rules %s", catalog.version, rules.version)
        return cls.build(tagger, rules, catalog)
