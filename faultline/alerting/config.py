"""The alert rules data file (``knowledge/data/alert_rules.yaml``): parsed and validated once.

Everything that decides when an alert fires, how developments are told apart and how stories are
clustered is data; this module only reads and checks it. A malformed file raises ``KnowledgeError``
naming the problem.
"""

from __future__ import annotations

import functools
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from faultline.errors import KnowledgeError
from faultline.schema import SEVERITY_BANDS, Band

RULES_PATH = Path(__file__).resolve().parent.parent / "knowledge" / "data" / "alert_rules.yaml"

EXCLUDABLE = ("negated", "hypothetical", "historical", "not_breaking")
SCOPES = ("actor", "dyad", "country")

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(value: Any) -> timedelta:
    """``"90s"``, ``"30m"``, ``"24h"``, ``"7d"`` (or a timedelta) as a positive timedelta."""
    if isinstance(value, timedelta):
        duration = value
    else:
        match = _DURATION_RE.match(str(value))
        if not match:
            raise ValueError(f"not a duration: {value!r} (write e.g. 90s, 30m, 24h or 7d)")
        duration = timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})
    if duration <= timedelta(0):
        raise ValueError(f"duration must be positive: {value!r}")
    return duration


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventCondition(_Model):
    """What an event must look like for a rule (every given field must hold)."""

    types: frozenset[str] = frozenset()
    modes: frozenset[str] = frozenset()
    min_dead: int | None = None
    max_dead: int | None = None
    min_injured: int | None = None
    min_weight: float | None = None
    source_known: bool | None = None  # true: the source must be a resolved actor
    target_known: bool | None = None
    source_kinds: frozenset[str] = frozenset()
    target_kinds: frozenset[str] = frozenset()
    any_party_kinds: frozenset[str] = frozenset()
    no_party_kinds: frozenset[str] = frozenset()
    source_actors: frozenset[str] = frozenset()
    target_actors: frozenset[str] = frozenset()
    any_actors: frozenset[str] = frozenset()


class Escalation(_Model):
    """A higher band for a development once it meets ``when`` (dead/injured/sources for events,
    ratio/count for spikes)."""

    when: dict[Literal["min_dead", "min_injured", "min_sources", "min_ratio", "min_count"], float]
    severity: Band


class EventRule(_Model):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    description: str = ""
    severity: Band
    identity: Literal["story", "dyad"] = "story"
    window: Duration
    suppress: Duration
    when: EventCondition
    escalate: tuple[Escalation, ...] = ()


class SpikeRule(_Model):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    description: str = ""
    scope: Literal["actor", "dyad", "country"]
    window: Duration
    metric: Literal["events", "weight"] = "events"
    types: frozenset[str] = frozenset()
    min_ratio: float = Field(gt=0)
    min_count: int = Field(ge=1)
    min_sources: int = Field(default=1, ge=1)
    severity: Band
    suppress: Duration
    escalate: tuple[Escalation, ...] = ()


class SpikeSettings(_Model):
    bucket: Duration = timedelta(hours=1)
    baseline_span: Duration = timedelta(days=7)
    min_baseline: float = Field(default=0.05, gt=0)
    evidence: int = Field(default=5, ge=0, le=50)
    revise_factor: float = Field(default=1.5, gt=1)


class StorySettings(_Model):
    shingle_words: int = Field(default=4, ge=1, le=12)
    max_words: int = Field(default=300, ge=10)
    sketch_size: int = Field(default=64, ge=8, le=512)
    lsh_keys: int = Field(default=4, ge=1, le=64)
    min_shingles: int = Field(default=5, ge=1)
    min_similarity: float = Field(default=0.6, gt=0, le=1)
    horizon: Duration = timedelta(hours=72)

    @model_validator(mode="after")
    def _keys_within_sketch(self) -> StorySettings:
        if self.lsh_keys > self.sketch_size:
            raise ValueError("lsh_keys cannot exceed sketch_size")
        return self


class TitleSettings(_Model):
    prefer_acronyms: bool = True
    attack_by_mode: dict[str, str] = Field(default_factory=lambda: {"default": "attack"})
    events: dict[str, str] = Field(default_factory=lambda: {"default": "{source}: {type}[ against {target}]"})
    spike: str = "Escalation: {count} events involving {subject} in {window}"

    @model_validator(mode="after")
    def _defaults_present(self) -> TitleSettings:
        if "default" not in self.events:
            raise ValueError("titles.events needs a 'default' template")
        if "default" not in self.attack_by_mode:
            raise ValueError("titles.attack_by_mode needs a 'default' noun")
        return self


class AlertRules(_Model):
    version: str = Field(min_length=1)
    exclude: frozenset[Literal["negated", "hypothetical", "historical", "not_breaking"]] = frozenset(EXCLUDABLE)
    evidence_per_alert: int = Field(default=20, ge=1, le=200)
    stories: StorySettings = StorySettings()
    titles: TitleSettings = TitleSettings()
    event_rules: tuple[EventRule, ...] = ()
    spikes: SpikeSettings = SpikeSettings()
    spike_rules: tuple[SpikeRule, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> AlertRules:
        ids = [r.id for r in self.event_rules] + [r.id for r in self.spike_rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate rule ids: {dupes}")
        for rule in self.spike_rules:
            if rule.window < self.spikes.bucket:
                raise ValueError(f"spike rule {rule.id}: window shorter than the bucket")
            if rule.window % self.spikes.bucket:
                raise ValueError(f"spike rule {rule.id}: window must be a whole number of buckets")
        for rule in (*self.event_rules, *self.spike_rules):
            for esc in rule.escalate:
                if SEVERITY_BANDS.index(esc.severity) <= SEVERITY_BANDS.index(rule.severity):
                    raise ValueError(f"rule {rule.id}: an escalation must raise the band above {rule.severity}")
        return self

    @property
    def longest_window(self) -> timedelta:
        return max((r.window for r in self.spike_rules), default=self.spikes.bucket)

    def event_rule(self, rule_id: str) -> EventRule | None:
        return next((r for r in self.event_rules if r.id == rule_id), None)

    def spike_rule(self, rule_id: str) -> SpikeRule | None:
        return next((r for r in self.spike_rules if r.id == rule_id), None)


def parse_rules(raw: Any, where: str = "alert rules") -> AlertRules:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: must be a mapping")
    try:
        return AlertRules.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in exc.errors()[:10]
        )
        raise KnowledgeError(f"{where}: invalid: {problems}") from exc


def load_rules(path: Path | None = None) -> AlertRules:
    """The alert rules; the packaged file by default (read once)."""
    if path is None:
        return _packaged()
    return _read(Path(path))


@functools.cache
def _packaged() -> AlertRules:
    return _read(RULES_PATH)


def _read(path: Path) -> AlertRules:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read: {exc}") from exc
    return parse_rules(raw, str(path))
