"""Subscriptions: a user's filter over alerts, each routed to its own topic.

Every facet a subscription sets must match (facets are ANDed; values within one facet are ORed):

- who: ``actors`` (catalogue ids or any name/alias; a person counts for the groups they lead) or
  ``members_of`` (anything by a member of these groups, transitively); the two lists form one facet;
- ``dyads`` ("source|target" ids, names resolved like actors), ``event_types``, ``countries`` (ISO3, of an
  actor or a place), ``places`` (id or name), ``keywords`` (whole words in the title or evidence);
- ``min_severity`` always applies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from faultline.alerting.actors import ActorView
from faultline.knowledge.datafiles import surface_key
from faultline.schema import Alert, Subscription, band_rank
from faultline.transform import DYAD_SEPARATOR


@dataclass(frozen=True)
class _Who:
    ids: frozenset[str]
    names: frozenset[str]  # surface keys of terms the catalogue does not know

    def __bool__(self) -> bool:
        return bool(self.ids or self.names)


@dataclass(frozen=True)
class CompiledSubscription:
    name: str
    actors: _Who
    members_of: frozenset[str]
    dyads: tuple[tuple[_Who, _Who], ...]
    event_types: frozenset[str]
    countries: frozenset[str]
    places: frozenset[str]
    keywords: re.Pattern[str] | None
    min_rank: int


class SubscriptionMatcher:
    def __init__(self, actors: ActorView | None = None) -> None:
        self.actors = actors or ActorView()

    def _who(self, terms: Iterable[str]) -> _Who:
        ids: set[str] = set()
        names: set[str] = set()
        for term in terms:
            found = self.actors.resolve(term)
            if found:
                ids |= found
            else:
                names.add(surface_key(term))
        return _Who(frozenset(ids), frozenset(names))

    def compile(self, sub: Subscription) -> CompiledSubscription:
        dyads = []
        for dyad in sub.dyads:
            source, _, target = dyad.partition(DYAD_SEPARATOR)
            dyads.append((self._who([source] if source else []), self._who([target] if target else [])))
        members = set()
        for term in sub.members_of:
            members |= self.actors.resolve(term) or {term}
        words = [w.strip() for w in sub.keywords if w.strip()]
        keywords = (re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
                    if words else None)
        return CompiledSubscription(
            name=sub.name,
            actors=self._who(sub.actors),
            members_of=frozenset(members),
            dyads=tuple(dyads),
            event_types=frozenset(t.upper() for t in sub.event_types),
            countries=frozenset(c.upper() for c in sub.countries),
            places=frozenset(surface_key(p) for p in sub.places),
            keywords=keywords,
            min_rank=band_rank(sub.min_severity),
        )

    # ---- matching -------------------------------------------------------------------------------
    def matches(self, sub: CompiledSubscription, alert: Alert) -> bool:
        if band_rank(alert.severity) < sub.min_rank:
            return False
        if (sub.actors or sub.members_of) and not self._who_matches(sub, alert):
            return False
        if sub.dyads and not self._dyad_matches(sub, alert):
            return False
        if sub.event_types and not sub.event_types & set(alert.event_types):
            return False
        if sub.countries and not sub.countries & self._countries(alert):
            return False
        if sub.places and not any(
            (p.id and surface_key(p.id) in sub.places) or surface_key(p.name) in sub.places for p in alert.places
        ):
            return False
        if sub.keywords is not None:
            text = " ".join([alert.title, *(e.sentence for e in alert.evidence)])
            if not sub.keywords.search(text):
                return False
        return True

    def _is(self, who: _Who, ref) -> bool:
        if who.ids & self.actors.identities(ref):
            return True
        return bool(who.names) and surface_key(ref.name) in who.names

    def _who_matches(self, sub: CompiledSubscription, alert: Alert) -> bool:
        for ref in alert.actors:
            if sub.actors and self._is(sub.actors, ref):
                return True
            if sub.members_of and sub.members_of & self.actors.affiliations(ref):
                return True
        return False

    def _dyad_matches(self, sub: CompiledSubscription, alert: Alert) -> bool:
        if not alert.dyad:
            return False
        source_id, _, target_id = alert.dyad.partition(DYAD_SEPARATOR)
        refs = {ref.id: ref for ref in alert.actors if ref.id}
        source, target = refs.get(source_id), refs.get(target_id)
        if source is None or target is None:
            return False
        return any(
            (not s or self._is(s, source)) and (not t or self._is(t, target)) for s, t in sub.dyads
        )

    def _countries(self, alert: Alert) -> set[str]:
        found: set[str] = set()
        for ref in alert.actors:
            found |= self.actors.countries(ref)
        found |= {p.country for p in alert.places if p.country}
        return found


class SubscriptionSet:
    """The current subscriptions, kept up to date from the compacted topic (a None value deletes)."""

    def __init__(self, matcher: SubscriptionMatcher | None = None) -> None:
        self.matcher = matcher or SubscriptionMatcher()
        self._subs: dict[str, CompiledSubscription] = {}

    def __len__(self) -> int:
        return len(self._subs)

    def __contains__(self, name: str) -> bool:
        return name in self._subs

    def names(self) -> list[str]:
        return sorted(self._subs)

    def apply(self, name: str, sub: Subscription | None) -> None:
        if sub is None:
            self._subs.pop(name, None)
        else:
            self._subs[name] = self.matcher.compile(sub)

    def route(self, alert: Alert) -> list[str]:
        """Names of the subscriptions ``alert`` matches, sorted."""
        return sorted(name for name, sub in self._subs.items() if self.matcher.matches(sub, alert))
