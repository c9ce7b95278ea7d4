"""Event rules: single events that deserve an alert ("a deadly attack involving a state's forces").

:meth:`EventAlerting.on_event` takes one Event and the current state of the developments it touches,
and returns the steps for the caller to apply: new state per key, and the alerts to emit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from faultline.alerting.actors import ActorView
from faultline.alerting.config import AlertRules, Escalation, EventCondition, EventRule
from faultline.alerting.developments import Development, Growth, advance
from faultline.alerting.titles import attack_noun, event_title
from faultline.schema import ActorRef, Alert, AlertEvidence, Event, Versions, band_rank
from faultline.transform import event_key

Lookup = Callable[[str], dict[str, Any] | None]


@dataclass(frozen=True)
class Step:
    """What the caller applies: ``state`` under ``key`` (None: unchanged) and ``alert`` to emit (if any)."""

    key: str
    state: dict[str, Any] | None
    alert: Alert | None


def _known(ref: ActorRef | None) -> bool:
    return ref is not None and bool(ref.id)


def excluded(event: Event, exclude: frozenset[str]) -> bool:
    """True when the rules' ``exclude`` list keeps ``event`` out of alerts and tables."""
    return (
        ("negated" in exclude and event.negated)
        or ("hypothetical" in exclude and event.hypothetical)
        or ("historical" in exclude and event.historical)
        or ("not_breaking" in exclude and not event.breaking_eligible)
    )


def outlet_of(event: Event) -> str:
    """Who reported it, for counting distinct sources: outlet, else feed, else the URL's host."""
    if event.outlet:
        return event.outlet
    if event.feed_id:
        return event.feed_id
    if event.url:
        host = urlsplit(event.url).hostname
        if host:
            return host.removeprefix("www.")
    return event.article_id


def raised_band(base: str, escalate: tuple[Escalation, ...], figures: dict[str, float]) -> str:
    """``base`` raised by every escalation whose thresholds ``figures`` meet."""
    band = base
    for esc in escalate:
        met = all(figures.get(name[4:], 0) >= threshold for name, threshold in esc.when.items())
        if met and band_rank(esc.severity) > band_rank(band):
            band = esc.severity
    return band


def rules_versions(versions: Versions, rules_version: str) -> Versions:
    """Stamp the alert rules' version next to the tagging rules' version."""
    return Versions(catalog=versions.catalog, rules=f"{versions.rules}+alerts.{rules_version}")


class EventAlerting:
    def __init__(self, rules: AlertRules, actors: ActorView | None = None) -> None:
        self.rules = rules
        self.actors = actors or ActorView()
        types = [r.when.types for r in rules.event_rules]
        #: every type some rule looks at (None: a rule looks at every type)
        self.types: frozenset[str] | None = None if any(not t for t in types) else frozenset().union(*types)

    # ---- matching ---------------------------------------------------------------------------------
    def may_match(self, doc: dict[str, Any]) -> bool:
        """A cheap look at an event record (as a JSON dict): False when no rule can match it, so the
        caller need not pass it on (most events are of types no event rule looks at)."""
        if self.types is not None and doc.get("type") not in self.types:
            return False
        exclude = self.rules.exclude
        return not (
            ("negated" in exclude and doc.get("negated"))
            or ("hypothetical" in exclude and doc.get("hypothetical"))
            or ("historical" in exclude and doc.get("historical"))
            or ("not_breaking" in exclude and doc.get("breaking_eligible") is False)
        )

    def matching(self, event: Event) -> list[EventRule]:
        if excluded(event, self.rules.exclude):
            return []
        return [rule for rule in self.rules.event_rules if self._holds(rule.when, event)]

    def _holds(self, cond: EventCondition, event: Event) -> bool:
        if cond.types and event.type not in cond.types:
            return False
        if cond.modes and (event.mode or "") not in cond.modes:
            return False
        dead, injured = event.dead or 0, event.injured or 0
        if cond.min_dead is not None and dead < cond.min_dead:
            return False
        if cond.max_dead is not None and dead > cond.max_dead:
            return False
        if cond.min_injured is not None and injured < cond.min_injured:
            return False
        if cond.min_weight is not None and event.weight < cond.min_weight:
            return False
        if cond.source_known is not None and _known(event.source) != cond.source_known:
            return False
        if cond.target_known is not None and _known(event.target) != cond.target_known:
            return False
        src, tgt = self._kinds(event.source), self._kinds(event.target)
        if cond.source_kinds and not src & cond.source_kinds:
            return False
        if cond.target_kinds and not tgt & cond.target_kinds:
            return False
        if cond.any_party_kinds and not (src | tgt) & cond.any_party_kinds:
            return False
        if cond.no_party_kinds and (src | tgt) & cond.no_party_kinds:
            return False
        src_ids, tgt_ids = self._ids(event.source), self._ids(event.target)
        if cond.source_actors and not src_ids & cond.source_actors:
            return False
        if cond.target_actors and not tgt_ids & cond.target_actors:
            return False
        return not (cond.any_actors and not (src_ids | tgt_ids) & cond.any_actors)

    def _kinds(self, ref: ActorRef | None) -> frozenset[str]:
        return self.actors.acts_as(ref) if ref is not None else frozenset()

    def _ids(self, ref: ActorRef | None) -> frozenset[str]:
        return self.actors.identities(ref) if ref is not None else frozenset()

    # ---- developments -------------------------------------------------------------------------------
    def subject(self, rule: EventRule, event: Event) -> str:
        """What tells developments of ``rule`` apart: story and dyad, or the dyad alone."""
        key = event_key(event)
        if rule.identity == "story":
            return f"{event.story_id or event.article_id}/{key}"
        return key

    def on_event(self, event: Event, lookup: Lookup, *, now: datetime, seq: int | None = None) -> list[Step]:
        steps: list[Step] = []
        for rule in self.matching(event):
            subject = self.subject(rule, event)
            key = f"{rule.id}|{subject}"
            dev, alert = advance(
                Development.from_dict(lookup(key)), self._growth(rule, event),
                rule_id=rule.id, subject=subject, window=rule.window, suppress=rule.suppress, now=now,
                max_evidence=self.rules.evidence_per_alert, seq=seq, finish=self._finisher(rule, event),
            )
            if dev is not None or alert is not None:
                steps.append(Step(key, dev.to_dict() if dev else None, alert))
        return steps

    def _growth(self, rule: EventRule, event: Event) -> Growth:
        parties = tuple(ref for ref in (event.source, event.target) if ref is not None)
        return Growth(
            when=event.published,
            severity=rule.severity,
            title="",
            outlets=(outlet_of(event),),
            event_ids=(event.event_id,),
            actors=parties,
            places=(event.place,) if event.place else (),
            event_types=(event.type,),
            evidence=(AlertEvidence(article_id=event.article_id, url=event.url, outlet=event.outlet,
                                    sentence=event.sentence),),
            dead=event.dead,
            injured=event.injured,
            fields={
                "rule": rule.id,
                "rule_kind": "event",
                "dyad": event.dyad,
                "story_id": event.story_id,
                "versions": rules_versions(event.versions, self.rules.version),
            },
        )

    def _finisher(self, rule: EventRule, event: Event) -> Callable[[Alert], Alert]:
        titles = self.rules.titles

        def name(ref: ActorRef | None) -> str | None:
            return self.actors.display_name(ref, titles.prefer_acronyms) if ref is not None else None

        def finish(alert: Alert) -> Alert:
            figures = {"dead": alert.dead or 0, "injured": alert.injured or 0, "sources": alert.sources}
            title = event_title(event.type, {
                "source": name(event.source) or "unknown actor",
                "target": name(event.target),
                "place": event.place.name if event.place else None,
                "dead": alert.dead or None,
                "injured": alert.injured or None,
                "type": event.type,
                "attack": attack_noun(event.mode, titles),
            }, titles)
            return alert.model_copy(update={
                "severity": raised_band(alert.severity, rule.escalate, figures),
                "title": title,
            })

        return finish
