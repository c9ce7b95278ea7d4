"""Alert identity: one development, one alert id, re-emitted with a higher revision as it grows.

A development is what one rule sees about one subject (a story and dyad, a dyad, an actor or a country)
within a window of event time. Its alert id is derived from rule + subject + window start, so a replay
or a restarted worker never mints a second id for the same development. An event continues the
current development when it falls within the rule's window of its start, or within the suppression
period after its latest event (repeats of a development are folded into it, not alerted again).
The alert is re-emitted only when the development grows: more sources, more dead or injured, a new
event type, a higher band (or, for spikes, a count grown by the rules' ``revise_factor``).

State is a JSON-able dict kept by the caller (a changelog-backed table in the processors); functions
here return new state and never mutate what they were given.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from faultline.schema import ActorRef, Alert, AlertEvidence, PlaceRef, band_rank

MAX_EVENT_IDS = 500  # event ids remembered per development (replays beyond that are deduplicated by seq)


def alert_id(rule_id: str, subject: str, window_start: datetime) -> str:
    """The id of the development ``rule_id`` sees about ``subject`` from ``window_start``."""
    stamp = window_start.astimezone(UTC).strftime("%Y%m%dT%H%M")
    digest = hashlib.sha1(f"{rule_id}\x1f{subject}\x1f{stamp}".encode()).hexdigest()
    return f"al-{digest[:24]}"


def window_start_for(when: datetime) -> datetime:
    """Where a development starting at ``when`` opens its window: the hour it falls in."""
    return when.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Development:
    """The state of one development, as kept between events."""

    alert: Alert
    subject: str
    window_start: datetime
    last_time: datetime  # latest event time folded in
    event_ids: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()  # distinct sources, in order of arrival
    measure: float = 0.0  # spikes: the count at the last emission
    seq: int | None = None  # the caller's sequence number of the last applied input (idempotence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "alert": self.alert.to_dict(),
            "subject": self.subject,
            "window_start": self.window_start.isoformat(),
            "last_time": self.last_time.isoformat(),
            "event_ids": list(self.event_ids),
            "outlets": list(self.outlets),
            "measure": self.measure,
            "seq": self.seq,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any] | None) -> Development | None:
        if not raw:
            return None
        return cls(
            alert=Alert.from_dict(raw["alert"]),
            subject=raw["subject"],
            window_start=datetime.fromisoformat(raw["window_start"]),
            last_time=datetime.fromisoformat(raw["last_time"]),
            event_ids=tuple(raw.get("event_ids") or ()),
            outlets=tuple(raw.get("outlets") or ()),
            measure=float(raw.get("measure") or 0.0),
            seq=raw.get("seq"),
        )

    def already_applied(self, seq: int | None, event_ids: Iterable[str] = ()) -> bool:
        if seq is not None and self.seq is not None and seq <= self.seq:
            return True
        ids = [e for e in event_ids if e]
        return bool(ids) and all(e in self.event_ids for e in ids)

    def continues(self, when: datetime, window: timedelta, suppress: timedelta) -> bool:
        """Does an observation at event time ``when`` belong to this development?"""
        within_window = self.window_start - window < when < self.window_start + window
        return within_window or when < self.last_time + suppress


@dataclass(frozen=True)
class Growth:
    """What a new contribution brings to a development (merged by :func:`advance`)."""

    when: datetime
    severity: str
    title: str
    outlets: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()
    actors: tuple[ActorRef, ...] = ()
    places: tuple[PlaceRef, ...] = ()
    event_types: tuple[str, ...] = ()
    evidence: tuple[AlertEvidence, ...] = ()
    dead: int | None = None
    injured: int | None = None
    measure: float = 0.0  # spikes: the current count
    sources: int | None = None  # spikes: distinct sources in the window (else: the development's outlets)
    fields: dict[str, Any] = field(default_factory=dict)  # rule, rule_kind, dyad, story_id, versions


Finish = Callable[[Alert], Alert]


def advance(dev: Development | None, growth: Growth, *, rule_id: str, subject: str, window: timedelta,
            suppress: timedelta, now: datetime, max_evidence: int, revise_factor: float | None = None,
            seq: int | None = None, finish: Finish | None = None) -> tuple[Development | None, Alert | None]:
    """Fold ``growth`` into ``dev``; returns the new state (None: unchanged) and the alert to emit, if any.

    ``finish`` sees the merged alert before it is compared with the last emitted one: rules use it to
    raise the band (escalations over dead, injured, sources) and to retitle it from the merged figures.
    """
    if dev is not None and dev.already_applied(seq, growth.event_ids):
        return None, None
    finish = finish or (lambda alert: alert)
    if dev is None or not dev.continues(growth.when, window, suppress):
        return _open(growth, rule_id=rule_id, subject=subject, now=now, max_evidence=max_evidence, seq=seq,
                     finish=finish)
    return _grow(dev, growth, now=now, max_evidence=max_evidence, revise_factor=revise_factor, seq=seq,
                 finish=finish)


def _open(growth: Growth, *, rule_id: str, subject: str, now: datetime, max_evidence: int,
          seq: int | None, finish: Finish) -> tuple[Development, Alert]:
    start = window_start_for(growth.when)
    outlets = _unique(growth.outlets)
    alert = finish(Alert(
        alert_id=alert_id(rule_id, subject, start),
        revision=1,
        created=now,
        updated=now,
        severity=growth.severity,
        title=growth.title,
        actors=list(_unique_refs(growth.actors)),
        places=list(_unique_refs(growth.places)),
        event_types=list(_unique(growth.event_types)),
        sources=growth.sources if growth.sources is not None else max(len(outlets), 1),
        dead=growth.dead,
        injured=growth.injured,
        evidence=list(_unique_evidence(growth.evidence))[-max_evidence:] if max_evidence else [],
        **growth.fields,
    ))
    dev = Development(alert=alert, subject=subject, window_start=start, last_time=growth.when,
                      event_ids=tuple(growth.event_ids)[-MAX_EVENT_IDS:], outlets=outlets,
                      measure=growth.measure, seq=seq)
    return dev, alert


def _grow(dev: Development, growth: Growth, *, now: datetime, max_evidence: int,
          revise_factor: float | None, seq: int | None, finish: Finish) -> tuple[Development, Alert | None]:
    old = dev.alert
    outlets = _unique((*dev.outlets, *growth.outlets))
    severity = growth.severity if band_rank(growth.severity) > band_rank(old.severity) else old.severity
    merged = finish(old.model_copy(update={
        "severity": severity,
        "title": growth.title,
        "actors": list(_unique_refs((*old.actors, *growth.actors))),
        "places": list(_unique_refs((*old.places, *growth.places))),
        "event_types": list(_unique((*old.event_types, *growth.event_types))),
        "sources": growth.sources if growth.sources is not None else max(len(outlets), 1),
        "dead": _max(old.dead, growth.dead),
        "injured": _max(old.injured, growth.injured),
        "evidence": list(_unique_evidence((*old.evidence, *growth.evidence)))[-max_evidence:]
        if max_evidence else [],
    }))
    raised = band_rank(merged.severity) > band_rank(old.severity)
    if revise_factor is not None:  # spikes: the count must grow by the factor, or the band rise
        grown = raised or growth.measure >= dev.measure * revise_factor
    else:
        grown = (
            raised
            or merged.sources > old.sources
            or (merged.dead or 0) > (old.dead or 0)
            or (merged.injured or 0) > (old.injured or 0)
            or len(merged.event_types) > len(old.event_types)
        )
    if grown:
        merged = merged.model_copy(update={"revision": old.revision + 1, "updated": now,
                                           "versions": growth.fields.get("versions", old.versions)})
    else:
        merged = merged.model_copy(update={"title": old.title, "severity": old.severity})
    new_dev = replace(
        dev,
        alert=merged,
        last_time=max(dev.last_time, growth.when),
        event_ids=_unique((*dev.event_ids, *growth.event_ids))[-MAX_EVENT_IDS:],
        outlets=outlets,
        measure=growth.measure if grown else dev.measure,
        seq=seq if seq is not None else dev.seq,
    )
    return new_dev, (merged if grown else None)


def _max(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i))


def _unique_refs(refs: Iterable[ActorRef | PlaceRef]) -> list:
    seen: dict[str, ActorRef | PlaceRef] = {}
    for ref in refs:
        seen.setdefault(ref.id or ref.name.casefold(), ref)
    return list(seen.values())


def _unique_evidence(items: Iterable[AlertEvidence]) -> list[AlertEvidence]:
    seen: dict[tuple[str, str], AlertEvidence] = {}
    for item in items:
        seen.setdefault((item.article_id, item.sentence), item)
    return list(seen.values())
