"""Spike rules: escalation far above the usual rate, per actor, per dyad and per country.

An article becomes one :class:`Observation` per subject its counted events concern (each resolved
actor, the dyad, the country of the place). A subject's :class:`Tally` keeps per-bucket counts and
summed escalation weight by event type, plus the distinct sources, over the longest rule window
(hopping windows with a step of one bucket), and an EWMA baseline (span ``baseline_span``) of the
buckets that have left that window. A spike rule fires when the window's count or weight is
``min_ratio`` times what the baseline expects, with at least ``min_count`` events from ``min_sources``
distinct sources. Copies of one story count once per event type (their outlets still add sources).

Time is event time (``published``), so replays are deterministic; events older than the window are
ignored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

from faultline.alerting.actors import ActorView
from faultline.alerting.config import AlertRules, SpikeRule
from faultline.alerting.developments import Development, Growth, advance
from faultline.alerting.event_rules import Lookup, Step, excluded, outlet_of, raised_band, rules_versions
from faultline.alerting.titles import human_duration, spike_title
from faultline.schema import ActorRef, AlertEvidence, Event, PlaceRef, Record, Versions

MAX_OUTLETS_PER_BUCKET = 64
RECENT_EVENTS = 96  # article ids (and story/type keys) remembered per tally, so nothing counts twice
MAX_SENTENCE = 400  # characters of evidence kept per observation


def _short_id(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def escalation_weight(plover_weight: float) -> float:
    """How much an event escalates: the magnitude of a conflictual (negative) PLOVER weight, else nothing."""
    return max(0.0, -plover_weight)


class Observation(Record):
    """One article as seen by one subject's tally: its counted event types with their escalation weight
    (the processors' internal record; key = :attr:`key`)."""

    record_type: Literal["observation"] = "observation"
    scope: Literal["actor", "dyad", "country"]
    subject: str
    time: datetime
    article_id: str
    story_id: str | None = None
    source: str
    types: dict[str, float]  # event type -> escalation weight (the largest among the article's events)
    evidence: AlertEvidence
    actors: list[ActorRef] = []
    places: list[PlaceRef] = []
    dyad: str | None = None
    versions: Versions

    @property
    def key(self) -> str:
        return f"{self.scope}:{self.subject}"


@dataclass(frozen=True)
class Bucket:
    counts: dict[str, int] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    outlets: tuple[str, ...] = ()

    def to_list(self) -> list[Any]:
        return [self.counts, self.weights, list(self.outlets)]

    @classmethod
    def from_list(cls, raw: list[Any]) -> Bucket:
        return cls(dict(raw[0]), dict(raw[1]), tuple(raw[2]))


@dataclass(frozen=True)
class Tally:
    """One subject's escalation state: buckets of the longest window and the EWMA baseline."""

    head: int | None = None  # index of the latest bucket seen
    buckets: dict[int, Bucket] = field(default_factory=dict)
    ewma_counts: dict[str, float] = field(default_factory=dict)
    ewma_weights: dict[str, float] = field(default_factory=dict)
    folded: int | None = None  # index of the last bucket folded into the EWMA
    evidence: tuple[AlertEvidence, ...] = ()
    recent: tuple[str, ...] = ()  # short ids of the latest events counted
    seq: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "head": self.head,
            "buckets": {str(i): b.to_list() for i, b in sorted(self.buckets.items())},
            "ewma_counts": self.ewma_counts,
            "ewma_weights": self.ewma_weights,
            "folded": self.folded,
            "evidence": [e.model_dump(mode="json") for e in self.evidence],
            "recent": list(self.recent),
            "seq": self.seq,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> Tally:
        if not raw:
            return cls()
        return cls(
            head=raw.get("head"),
            buckets={int(i): Bucket.from_list(b) for i, b in (raw.get("buckets") or {}).items()},
            ewma_counts=dict(raw.get("ewma_counts") or {}),
            ewma_weights=dict(raw.get("ewma_weights") or {}),
            folded=raw.get("folded"),
            evidence=tuple(AlertEvidence.model_validate(e) for e in raw.get("evidence") or ()),
            recent=tuple(raw.get("recent") or ()),
            seq=raw.get("seq"),
        )


@dataclass(frozen=True)
class Measure:
    """A rule's view of a tally at its head."""

    count: int  # events of the rule's types in the window
    value: float  # the metric: count or summed weight
    expected: float  # what the baseline expects over the window
    ratio: float
    sources: int
    types: tuple[str, ...]
    window_start: datetime


class SpikeAlerting:
    def __init__(self, rules: AlertRules, actors: ActorView | None = None) -> None:
        self.rules = rules
        self.actors = actors or ActorView()
        self.spikes = rules.spikes
        self.bucket_seconds = rules.spikes.bucket.total_seconds()
        self.span_buckets = max(1, round(rules.longest_window / rules.spikes.bucket))
        baseline_buckets = rules.spikes.baseline_span / rules.spikes.bucket
        self.alpha = 2.0 / (baseline_buckets + 1.0)
        self.scopes = frozenset(r.scope for r in rules.spike_rules)

    # ---- observations -------------------------------------------------------------------------------
    def observations(self, events: list[Event]) -> list[Observation]:
        """What one article's events contribute to the tables: one observation per subject (each resolved
        actor, the dyad, the country of the place), none for events the rules exclude or do not count."""
        grouped: dict[tuple[str, str], list[Event]] = {}
        for event in events:
            if excluded(event, self.rules.exclude) or not self._counted(event.type):
                continue
            for subject in self._subjects(event):
                grouped.setdefault(subject, []).append(event)
        return [self._observation(scope, subject, group) for (scope, subject), group in grouped.items()]

    def _subjects(self, event: Event) -> list[tuple[str, str]]:
        subjects: list[tuple[str, str]] = []
        if "actor" in self.scopes:
            ids = (ref.id for ref in (event.source, event.target) if ref is not None and ref.id)
            subjects += [("actor", i) for i in dict.fromkeys(ids)]
        if "dyad" in self.scopes and event.dyad:
            subjects.append(("dyad", event.dyad))
        if "country" in self.scopes and event.place is not None and event.place.country:
            subjects.append(("country", event.place.country))
        return subjects

    def _observation(self, scope: str, subject: str, events: list[Event]) -> Observation:
        first = events[0]
        types: dict[str, float] = {}
        for event in events:
            types[event.type] = max(types.get(event.type, 0.0), escalation_weight(event.weight))
        parties = {}
        for event in events:
            for ref in (event.source, event.target):
                if ref is not None and (scope != "actor" or ref.id == subject):
                    parties.setdefault(ref.id or ref.name, ref)
        places = {e.place.id or e.place.name: e.place for e in events if e.place is not None}
        return Observation(
            scope=scope, subject=subject, time=first.published, article_id=first.article_id,
            story_id=first.story_id, source=outlet_of(first), types=types,
            evidence=AlertEvidence(article_id=first.article_id, url=first.url, outlet=first.outlet,
                                   sentence=first.sentence[:MAX_SENTENCE]),
            actors=list(parties.values()), places=list(places.values()), dyad=first.dyad if scope == "dyad" else None,
            versions=first.versions,
        )

    def _counted(self, event_type: str) -> bool:
        return any(not r.types or event_type in r.types for r in self.rules.spike_rules)

    # ---- tally ---------------------------------------------------------------------------------------
    def bucket_of(self, when: datetime) -> int:
        return int(when.timestamp() // self.bucket_seconds)

    def observe(self, tally: Tally, obs: Observation, seq: int | None = None) -> Tally | None:
        """The tally with ``obs`` counted; None when ``seq`` (or the article itself) was counted already.

        Another copy of a story already counted for this subject (same story, same event type) adds its
        source but not another event: a wire story republished by forty outlets is not forty events.
        """
        if seq is not None and tally.seq is not None and seq <= tally.seq:
            return None
        short = _short_id(obs.article_id)
        if short in tally.recent:
            return None
        index = self.bucket_of(obs.time)
        head = index if tally.head is None else max(tally.head, index)
        if index <= head - self.span_buckets:  # older than the longest window
            return replace(tally, seq=seq if seq is not None else tally.seq)
        old = tally.buckets.get(index, Bucket())
        counts, weights = dict(old.counts), dict(old.weights)
        seen = [short]
        for event_type, weight in obs.types.items():
            copy_key = _short_id(f"{obs.story_id}/{event_type}") if obs.story_id else None
            if copy_key is not None and copy_key in tally.recent:
                continue
            counts[event_type] = counts.get(event_type, 0) + 1
            weights[event_type] = round(weights.get(event_type, 0.0) + weight, 6)
            if copy_key is not None:
                seen.append(copy_key)
        counted = len(seen) > 1 or obs.story_id is None
        outlets = old.outlets if obs.source in old.outlets else (*old.outlets, obs.source)
        bucket = Bucket(counts=counts, weights=weights, outlets=outlets[:MAX_OUTLETS_PER_BUCKET])
        return self._fold(replace(tally, head=head, buckets={**tally.buckets, index: bucket},
                                  evidence=self._recent(tally, obs) if counted else tally.evidence,
                                  recent=(*tally.recent, *seen)[-RECENT_EVENTS:],
                                  seq=seq if seq is not None else tally.seq))

    def _recent(self, tally: Tally, obs: Observation) -> tuple[AlertEvidence, ...]:
        if not self.spikes.evidence:
            return ()
        kept = [e for e in tally.evidence if (e.article_id, e.sentence) != (obs.evidence.article_id,
                                                                            obs.evidence.sentence)]
        return (*kept, obs.evidence)[-self.spikes.evidence:]

    def _fold(self, tally: Tally) -> Tally:
        """Move buckets that left the longest window into the EWMA baseline."""
        assert tally.head is not None
        first_kept = tally.head - self.span_buckets + 1
        leaving = sorted(i for i in tally.buckets if i < first_kept)
        if not leaving:
            return tally
        counts, weights, folded = dict(tally.ewma_counts), dict(tally.ewma_weights), tally.folded
        for index in leaving:
            bucket = tally.buckets[index]
            counts = self._ewma_step(counts, bucket.counts, index, folded)
            weights = self._ewma_step(weights, bucket.weights, index, folded)
            folded = index
        buckets = {i: b for i, b in tally.buckets.items() if i >= first_kept}
        return replace(tally, buckets=buckets, ewma_counts=counts, ewma_weights=weights, folded=folded)

    def _ewma_step(self, ewma: dict[str, float], values: dict[str, float] | dict[str, int], index: int,
                   folded: int | None) -> dict[str, float]:
        decay = (1.0 - self.alpha) ** (index - folded) if folded is not None else 0.0
        out = {k: v * decay for k, v in ewma.items()}
        for k, v in values.items():
            out[k] = out.get(k, 0.0) + self.alpha * v
        return {k: round(v, 9) for k, v in out.items() if v >= 1e-6}

    def baseline(self, tally: Tally, types: frozenset[str], metric: str) -> float:
        """The baseline rate per bucket, decayed up to the bucket before the longest window."""
        if tally.folded is None or tally.head is None:
            return 0.0
        last_before = tally.head - self.span_buckets
        decay = (1.0 - self.alpha) ** max(0, last_before - tally.folded)
        ewma = tally.ewma_counts if metric == "events" else tally.ewma_weights
        return decay * sum(v for k, v in ewma.items() if not types or k in types)

    def measure(self, tally: Tally, rule: SpikeRule) -> Measure | None:
        if tally.head is None:
            return None
        buckets = round(rule.window / self.spikes.bucket)
        first = tally.head - buckets + 1
        window = [b for i, b in tally.buckets.items() if first <= i <= tally.head]
        count, value = 0, 0.0
        outlets: set[str] = set()
        types: set[str] = set()
        for bucket in window:
            for t, n in bucket.counts.items():
                if not rule.types or t in rule.types:
                    count += n
                    types.add(t)
                    value += n if rule.metric == "events" else bucket.weights.get(t, 0.0)
            if any(not rule.types or t in rule.types for t in bucket.counts):
                outlets.update(bucket.outlets)
        expected = max(self.baseline(tally, rule.types, rule.metric), self.spikes.min_baseline) * buckets
        start = datetime.fromtimestamp(first * self.bucket_seconds, UTC)
        return Measure(count=count, value=value, expected=expected, ratio=value / expected,
                       sources=len(outlets), types=tuple(sorted(types)), window_start=start)

    def firing(self, tally: Tally, rule: SpikeRule) -> Measure | None:
        m = self.measure(tally, rule)
        if m is None or m.count < rule.min_count or m.sources < rule.min_sources or m.ratio < rule.min_ratio:
            return None
        return m

    # ---- alerts --------------------------------------------------------------------------------------
    def on_observation(self, obs: Observation, lookup: Lookup, *, now: datetime,
                       seq: int | None = None) -> list[Step]:
        """Count ``obs`` in its subject's tally, then run the spike rules of its scope over it."""
        tally = self.observe(Tally.from_dict(lookup(obs.key)), obs, seq)
        if tally is None:
            return []
        steps = [Step(obs.key, tally.to_dict(), None)]
        for rule in self.rules.spike_rules:
            if rule.scope != obs.scope:
                continue
            m = self.firing(tally, rule)
            if m is None:
                continue
            key = f"{rule.id}|{obs.key}"
            dev, alert = advance(
                Development.from_dict(lookup(key)), self._growth(rule, obs, tally, m),
                rule_id=rule.id, subject=obs.key, window=rule.window, suppress=rule.suppress, now=now,
                max_evidence=self.spikes.evidence, revise_factor=self.spikes.revise_factor, seq=seq,
            )
            if dev is not None or alert is not None:
                steps.append(Step(key, dev.to_dict() if dev else None, alert))
        return steps

    def _growth(self, rule: SpikeRule, obs: Observation, tally: Tally, m: Measure) -> Growth:
        severity = raised_band(rule.severity, rule.escalate,
                               {"ratio": m.ratio, "count": m.count, "sources": m.sources})
        title = spike_title({
            "subject": self._subject_name(obs),
            "count": m.count,
            "ratio": f"{m.ratio:.1f}",
            "window": human_duration(rule.window),
            "sources": m.sources,
        }, self.rules.titles)
        return Growth(
            when=obs.time,
            severity=severity,
            title=title,
            event_ids=(obs.article_id,),
            actors=tuple(obs.actors),
            places=tuple(obs.places),
            event_types=m.types,
            evidence=tally.evidence,
            measure=float(m.count),
            sources=m.sources,
            fields={
                "rule": rule.id,
                "rule_kind": "spike",
                "dyad": obs.dyad if obs.scope == "dyad" else None,
                "versions": rules_versions(obs.versions, self.rules.version),
            },
        )

    def _subject_name(self, obs: Observation) -> str:
        prefer = self.rules.titles.prefer_acronyms
        if obs.scope == "country":
            return self.actors.country_name(obs.subject)
        names = [self.actors.display_name(r, prefer) for r in obs.actors]
        return " and ".join(names) if names else obs.subject
