"""Scoring the tagger against labelled texts (pure: the caller reads the files and runs the tagger).

Per dataset:
- event-type accuracy: the type of the strongest non-negated event (largest absolute weight, events that
  are not historical first) must be one of the PLOVER types the gold label maps to;
- named-actor recall: a gold actor (scored in the actor map) is found when a tagged actor's name or one of its
  catalogue forms is one of its accepted names, or, for state forces, police and governments, when a tagged
  state actor (state, government, armed forces, security service) of its country is present;
- source / target accuracy on the records whose gold marks them, read off the scored event (the strongest
  event of a gold type when there is one, else the strongest): right when the tagged actor matches a gold
  actor by country code, by accepted name, or by a mention overlapping the gold actor's text. ACLED's
  actor1/actor2 are read as source/target, except in battles, protests and riots, where ACLED lists the
  two sides (protesters, and the force that intervenes) without an agent-recipient order: there the tagged
  dyad counts in either order;
- false-alarm rate: on texts that report no event, the share with a non-negated event of a conflict type.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from faultline.knowledge.datafiles import surface_key
from faultline.schema import ActorTag, EventTag, TagResult

STATE_KINDS = frozenset({"state", "government", "armed_forces", "security_service"})
STATE_GOLD_KINDS = frozenset({"state_forces", "police", "government"})
_ISO3 = re.compile(r"^[A-Z]{3}$")
_NOT_COUNTRIES = frozenset({"IGO", "NGO", "IMG", "MNC", "UNK", "REB", "GOV", "MIL", "OPP"})
ALL = "all"
_ACLED_UNORDERED = frozenset({"Battles", "Protests", "Riots"})

Targets = Mapping[str, float]
DEFAULT_TARGETS: Targets = {
    "type_accuracy": 0.85,
    "actor_recall": 0.90,
    "source_accuracy": 0.70,
    "target_accuracy": 0.70,
    "false_alarm_rate": 0.10,
}


# --------------------------------------------------------------------------------------------- label map


class LabelMap:
    """Which PLOVER types count as right for a gold label (``label_map.json``)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.conflict_types = frozenset(raw.get("conflict_types_for_false_alarms", ()))
        self.renames: Mapping[str, str] = raw.get("plover_0_5_to_current", {})

    def accepted(self, record: Mapping[str, Any]) -> list[str] | None:
        """Accepted types for the record (empty: reports no event; None: not scored)."""
        scheme = scheme_of(record)
        label = record.get("gold_event_type")
        if scheme == "acled":
            table, label = self.raw.get("acled_sub_event_type", {}), record.get("gold_sub_event_type")
        elif scheme == "case":
            table = self.raw.get("case2021", {})
        elif scheme == "cameo":
            table = self.raw.get("cameo_root", {})
            label = "noevents" if str(label).lower() in ("noevents", "none", "") else str(label)[:2]
        elif scheme == "quad":
            table, label = self.raw.get("conflibert_quad", {}), str(label)
        elif scheme == "plover":
            if not isinstance(label, str) or not label:
                return None
            return [self.renames.get(label, label)]
        else:
            return None
        if label not in table:
            return None
        accepted = table[label]
        return None if accepted is None else list(accepted)


def scheme_of(record: Mapping[str, Any]) -> str:
    """The label scheme of a record, from its dataset name first, then its label_scheme description."""
    for hint in (str(record.get("dataset", "")).lower(), str(record.get("label_scheme", "")).lower()):
        for scheme, words in (
            ("case", ("case2021", "case 2021", "case-2021")),
            ("acled", ("acled",)),
            ("plover", ("plover",)),
            ("cameo", ("petrarch", "cameo")),
            ("quad", ("conflibert", "quad")),
        ):
            if any(w in hint for w in words):
                return scheme
    return "unknown"


# --------------------------------------------------------------------------------------------- actor map


@dataclass(frozen=True)
class GoldActor:
    label: str
    evaluate: bool
    accept: frozenset[str]
    kind: str | None
    country: str | None


class ActorMap:
    """ACLED actor labels to the names a tagger may output (``actor_map.json``)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.actors = {
            label: GoldActor(
                label,
                bool(v.get("evaluate")),
                frozenset(surface_key(a) for a in v.get("accept", ())),
                v.get("kind"),
                v.get("country"),
            )
            for label, v in raw.items()
            if isinstance(v, dict)
        }

    def get(self, label: str) -> GoldActor | None:
        return self.actors.get(label)


# --------------------------------------------------------------------------------------------- scores


@dataclass
class Counts:
    n: int = 0
    ok: int = 0

    def add(self, ok: bool) -> None:
        self.n += 1
        self.ok += int(ok)

    @property
    def rate(self) -> float | None:
        return self.ok / self.n if self.n else None


@dataclass
class DatasetScore:
    dataset: str
    records: int = 0
    type_accuracy: Counts = field(default_factory=Counts)
    actor_recall: Counts = field(default_factory=Counts)
    source_accuracy: Counts = field(default_factory=Counts)
    target_accuracy: Counts = field(default_factory=Counts)
    false_alarm_rate: Counts = field(default_factory=Counts)

    METRICS = ("type_accuracy", "actor_recall", "source_accuracy", "target_accuracy", "false_alarm_rate")

    def merge(self, other: DatasetScore) -> None:
        self.records += other.records
        for name in self.METRICS:
            mine, theirs = getattr(self, name), getattr(other, name)
            mine.n += theirs.n
            mine.ok += theirs.ok

    def misses(self, targets: Targets) -> list[str]:
        """Metrics below (or, for false alarms, above) their target."""
        out = []
        for name, goal in targets.items():
            rate = getattr(self, name).rate
            if rate is None:
                continue
            if (rate > goal) if name == "false_alarm_rate" else (rate < goal):
                out.append(
                    f"{self.dataset}: {name} {rate:.3f} (target {'<=' if name == 'false_alarm_rate' else '>='} {goal})"
                )
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"dataset": self.dataset, "records": self.records}
        for name in self.METRICS:
            c = getattr(self, name)
            out[name] = {"rate": None if c.rate is None else round(c.rate, 4), "n": c.n, "ok": c.ok}
        return out


@dataclass
class RecordOutcome:
    """What scoring one record found (for error analysis)."""

    id: str
    dataset: str
    accepted: list[str] | None
    predicted: str | None
    type_ok: bool | None
    false_alarm: bool | None
    source_ok: bool | None
    target_ok: bool | None
    actors_missed: list[str]


def strongest(events: Iterable[EventTag], among: Iterable[str] | None = None) -> EventTag | None:
    """The strongest non-negated event: events that are not historical first, then largest |weight|."""
    wanted = set(among) if among is not None else None
    best: tuple[tuple[bool, float, int], EventTag] | None = None
    for order, e in enumerate(events):
        if e.negated or (wanted is not None and e.type not in wanted):
            continue
        key = (e.historical, -abs(e.weight), order)
        if best is None or key < best[0]:
            best = (key, e)
    return best[1] if best else None


def _actor_keys(actor: ActorTag, forms: Callable[[str], Iterable[str]]) -> set[str]:
    keys = {surface_key(actor.name)}
    if actor.id:
        keys |= {surface_key(f) for f in forms(actor.id)}
    return keys


def _found_gold_actor(
    gold: GoldActor, actors: Sequence[ActorTag], forms: Callable[[str], Iterable[str]]
) -> bool:
    for actor in actors:
        if _actor_keys(actor, forms) & gold.accept:
            return True
        if (
            gold.kind in STATE_GOLD_KINDS
            and gold.country
            and actor.kind in STATE_KINDS
            and actor.country == gold.country
        ):
            return True
    return False


def _text_spans(text: str, actor_text: str) -> list[tuple[int, int]]:
    spans = []
    lowered = text.lower()
    for part in re.split(r"\.{2,}|\u2026", actor_text):
        part = part.strip().lower()
        if len(part) < 2:
            continue
        at = lowered.find(part)
        if at >= 0:
            spans.append((at, at + len(part)))
    return spans


def _matches_plover(actor: ActorTag, gold: Sequence[Mapping[str, Any]], text: str) -> bool:
    for g in gold:
        code = str(g.get("code") or "")[:3].upper()
        if _ISO3.match(code) and code not in _NOT_COUNTRIES and actor.country == code:
            return True
        actor_text = str(g.get("actorText") or "")
        if actor_text and surface_key(actor.name) in surface_key(actor_text):
            return True
        spans = _text_spans(text, actor_text)
        if any(m.start < e and s < m.end for m in actor.mentions for s, e in spans):
            return True
    return False


def _matches_acled(
    actor: ActorTag, golds: Sequence[GoldActor], forms: Callable[[str], Iterable[str]]
) -> bool:
    return any(_found_gold_actor(g, [actor], forms) for g in golds)


def _role_golds(record: Mapping[str, Any], role: str, actor_map: ActorMap) -> tuple[str, Any] | None:
    """('plover', entries) or ('acled', gold actors) for a role the record marks, else None."""
    plover = record.get(f"gold_{role}")
    if isinstance(plover, list) and any(isinstance(g, dict) and g.get("actorText") for g in plover):
        return "plover", [g for g in plover if isinstance(g, dict)]
    roles = record.get("gold_actor_roles")
    if isinstance(roles, dict):
        n = "1" if role == "source" else "2"
        labels = [roles.get(f"actor{n}") or ""] + (roles.get(f"assoc_actor_{n}") or "").split("; ")
        golds = [
            g for g in (actor_map.get(label.strip()) for label in labels if label.strip()) if g and g.evaluate
        ]
        if golds:
            return "acled", golds
    return None


def _unordered_interaction(record: Mapping[str, Any]) -> bool:
    """ACLED lists the two sides of a battle, and protesters with the force that intervenes, as actor1 and
    actor2 without an agent-recipient order: there either order of the tagged dyad counts."""
    if scheme_of(record) != "acled":
        return False
    return str(record.get("gold_event_type") or "") in _ACLED_UNORDERED


def score_record(
    record: Mapping[str, Any],
    result: TagResult,
    labels: LabelMap,
    actor_map: ActorMap,
    forms: Callable[[str], Iterable[str]],
) -> RecordOutcome:
    text = str(record.get("text") or "")
    accepted = labels.accepted(record)
    events = result.events
    top = strongest(events)
    type_ok = false_alarm = None
    if accepted is not None:
        if accepted:
            type_ok = top is not None and top.type in accepted
        else:
            false_alarm = any(not e.negated and e.type in labels.conflict_types for e in events)
    scored = (strongest(events, accepted) if accepted else None) or top
    by_name = {a.name: a for a in result.actors}
    tagged = {
        role: by_name.get(getattr(scored, role) or "") if scored else None for role in ("source", "target")
    }
    unordered = _unordered_interaction(record)
    outcome = {}
    for role in ("source", "target"):
        gold = _role_golds(record, role, actor_map)
        if gold is None:
            outcome[role] = None
            continue
        other = "target" if role == "source" else "source"
        candidates = [tagged[role], tagged[other]] if unordered else [tagged[role]]
        outcome[role] = any(
            actor is not None
            and (
                _matches_plover(actor, gold[1], text)
                if gold[0] == "plover"
                else _matches_acled(actor, gold[1], forms)
            )
            for actor in candidates
        )
    missed = []
    if scheme_of(record) == "acled":
        for label in record.get("gold_actors") or ():
            gold = actor_map.get(label)
            if gold is not None and gold.evaluate and not _found_gold_actor(gold, result.actors, forms):
                missed.append(label)
    return RecordOutcome(
        id=str(record.get("id", "")),
        dataset=str(record.get("dataset", "")),
        accepted=accepted,
        predicted=top.type if top else None,
        type_ok=type_ok,
        false_alarm=false_alarm,
        source_ok=outcome["source"],
        target_ok=outcome["target"],
        actors_missed=missed,
    )


def _scored_actor_count(record: Mapping[str, Any], actor_map: ActorMap) -> int:
    if scheme_of(record) != "acled":
        return 0
    return sum(
        1
        for label in record.get("gold_actors") or ()
        if (g := actor_map.get(label)) is not None and g.evaluate
    )


def evaluate(
    records: Iterable[Mapping[str, Any]],
    tag: Callable[[Mapping[str, Any]], TagResult],
    labels: LabelMap,
    actor_map: ActorMap,
    forms: Callable[[str], Iterable[str]],
) -> tuple[dict[str, DatasetScore], list[RecordOutcome]]:
    """Scores per dataset (and over all, under ``ALL``) and every record's outcome."""
    scores: dict[str, DatasetScore] = {}
    outcomes: list[RecordOutcome] = []
    for record in records:
        outcome = score_record(record, tag(record), labels, actor_map, forms)
        outcomes.append(outcome)
        score = scores.setdefault(outcome.dataset, DatasetScore(outcome.dataset))
        score.records += 1
        if outcome.type_ok is not None:
            score.type_accuracy.add(outcome.type_ok)
        if outcome.false_alarm is not None:
            score.false_alarm_rate.add(outcome.false_alarm)
        if outcome.source_ok is not None:
            score.source_accuracy.add(outcome.source_ok)
        if outcome.target_ok is not None:
            score.target_accuracy.add(outcome.target_ok)
        total = _scored_actor_count(record, actor_map)
        for k in range(total):
            score.actor_recall.add(k >= len(outcome.actors_missed))
    overall = DatasetScore(ALL)
    for score in scores.values():
        overall.merge(score)
    ordered = dict(sorted(scores.items()))
    ordered[ALL] = overall
    return ordered, outcomes
