"""The one schema shared by every stage: Article, TaggedArticle, Event, Alert, DeadLetter, Subscription.

JSON on the wire (UTF-8), one record per Kafka message, keyed by the record's id. Every record carries
``schema_version``; the same number travels in the Kafka header ``HEADER_SCHEMA_VERSION``. Readers accept
unknown fields (forward compatibility) and reject records whose major version they do not know.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from faultline.errors import SchemaError

SCHEMA_VERSION = 1
HEADER_SCHEMA_VERSION = "faultline-schema-version"
HEADER_RECORD_TYPE = "faultline-record-type"

SEVERITY_BANDS: tuple[str, ...] = ("low", "elevated", "high", "critical")
Band = Literal["low", "elevated", "high", "critical"]

# Article flags that keep an article from ever firing an alert as breaking news.
FLAG_FUTURE_DATED = "future_dated"
FLAG_STALE = "stale"
NOT_BREAKING_FLAGS = frozenset({FLAG_FUTURE_DATED, FLAG_STALE})


def band_rank(band: str) -> int:
    """Order of a severity band (low=0 ... critical=3); raises ValueError for an unknown band."""
    return SEVERITY_BANDS.index(band)


def _utc(v: datetime) -> datetime:
    if v.tzinfo is None:
        return v.replace(tzinfo=UTC)
    return v.astimezone(UTC)


class Record(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    schema_version: int = SCHEMA_VERSION
    record_type: str = "record"

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v > SCHEMA_VERSION:
            raise ValueError(f"schema_version {v} is newer than this reader ({SCHEMA_VERSION}); upgrade Faultline")
        return v

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude_none=False).encode("utf-8")

    def to_dict(self) -> dict:
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls: type[R], data: bytes | str) -> R:
        """Decode a wire record; any problem becomes a ``SchemaError`` (a data error, bound for the DLQ)."""
        try:
            return cls.model_validate_json(data)
        except ValidationError as exc:
            raise SchemaError(f"not a valid {cls.__name__}: {_short(exc)}") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise SchemaError(f"not a valid {cls.__name__}: {exc}") from exc

    @classmethod
    def from_dict(cls: type[R], data: dict) -> R:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise SchemaError(f"not a valid {cls.__name__}: {_short(exc)}") from exc


R = TypeVar("R", bound=Record)


def _short(exc: ValidationError) -> str:
    errs = exc.errors()[:3]
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in errs)


# ---------------------------------------------------------------------------------------------
# Articles


class Article(Record):
    """A normalised news item, as producers publish it to the raw topic (key = article_id)."""

    record_type: Literal["article"] = "article"
    article_id: str = Field(min_length=1, max_length=128)
    url: str | None = None  # canonical URL (tracking parameters and fragment removed)
    guid: str | None = None
    title: str = ""
    summary: str = ""
    content: str = ""
    published: datetime
    published_from: Literal["feed", "first_seen", "input"] = "feed"
    fetched_at: datetime
    language: str | None = None
    outlet: str | None = None
    feed_id: str | None = None
    authors: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)

    _norm_published = field_validator("published", "fetched_at")(classmethod(lambda cls, v: _utc(v)))

    @property
    def body(self) -> str:
        """The longest text we have: full content when fetched, else the feed's summary."""
        return self.content or self.summary

    def tagging_text(self) -> str:
        """The text the tagger reads; every offset in a TaggedArticle points into this string."""
        parts = [p for p in (self.title.strip(), self.body.strip()) if p]
        return "\n\n".join(parts)

    @property
    def breaking_eligible(self) -> bool:
        return not (set(self.flags) & NOT_BREAKING_FLAGS)


# ---------------------------------------------------------------------------------------------
# Tags (the output contract of `faultline tag`)


class Mention(BaseModel):
    start: int
    end: int
    text: str


class Span(BaseModel):
    start: int
    end: int


class Evidence(BaseModel):
    start: int
    end: int
    text: str


class ActorTag(BaseModel):
    id: str | None = None  # catalogue id; None for an unresolved (new) actor
    name: str
    kind: str
    country: str | None = None  # ISO 3166 alpha-3
    resolved: bool = True
    member_of: list[str] = Field(default_factory=list)  # catalogue ids, transitively
    mentions: list[Mention] = Field(default_factory=list)
    rule: str | None = None  # the dictionary entry or pattern that fired


class PlaceTag(BaseModel):
    id: str | None = None
    name: str
    kind: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    mentions: list[Mention] = Field(default_factory=list)


class EventFacts(BaseModel):
    """What an event asserts beyond its type: modality flags, casualties and PLOVER weight."""

    negated: bool = False
    hypothetical: bool = False
    historical: bool = False
    attributed_to: str | None = None
    dead: int | None = None
    injured: int | None = None
    weight: float = 0.0


class EventTag(EventFacts):
    event_id: str | None = None
    type: str
    mode: str | None = None
    source: str | None = None  # actor name, as in `actors`
    target: str | None = None
    source_id: str | None = None
    target_id: str | None = None
    place: str | None = None
    sentence: Span
    evidence: Evidence
    rule: str


class Severity(BaseModel):
    score: float = Field(ge=0, le=100)
    band: Band
    explanation: list[str] = Field(default_factory=list)


class Versions(BaseModel):
    catalog: str
    rules: str


class TagResult(BaseModel):
    """What the tagger returns for one text; `faultline tag` prints exactly this as JSON."""

    id: str
    actors: list[ActorTag] = Field(default_factory=list)
    places: list[PlaceTag] = Field(default_factory=list)
    events: list[EventTag] = Field(default_factory=list)
    severity: Severity
    versions: Versions


class TaggedArticle(Article):
    """An article with its tags (key = article_id). Offsets point into ``tagging_text()``."""

    record_type: Literal["tagged_article"] = "tagged_article"  # type: ignore[assignment]
    actors: list[ActorTag] = Field(default_factory=list)
    places: list[PlaceTag] = Field(default_factory=list)
    events: list[EventTag] = Field(default_factory=list)
    severity: Severity
    versions: Versions
    story_id: str | None = None
    tagged_at: datetime


# ---------------------------------------------------------------------------------------------
# Events (one record per tagged event; key = dyad, so per-dyad tables are co-partitioned)


class ActorRef(BaseModel):
    id: str | None = None
    name: str
    kind: str | None = None
    country: str | None = None
    member_of: list[str] = Field(default_factory=list)


class PlaceRef(BaseModel):
    id: str | None = None
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


class Event(Record, EventFacts):
    record_type: Literal["event"] = "event"
    event_id: str
    article_id: str
    story_id: str | None = None
    type: str
    mode: str | None = None
    source: ActorRef | None = None
    target: ActorRef | None = None
    dyad: str | None = None  # "source_id|target_id"
    place: PlaceRef | None = None
    sentence: str = ""
    evidence: Evidence
    rule: str
    published: datetime
    url: str | None = None
    outlet: str | None = None
    feed_id: str | None = None
    breaking_eligible: bool = True
    versions: Versions


# ---------------------------------------------------------------------------------------------
# Alerts


class AlertEvidence(BaseModel):
    article_id: str
    url: str | None = None
    outlet: str | None = None
    sentence: str = ""


class Alert(Record):
    """One development; re-emitted with a higher ``revision`` as it grows (key = alert_id)."""

    record_type: Literal["alert"] = "alert"
    alert_id: str
    revision: int = Field(default=1, ge=1)
    created: datetime
    updated: datetime
    severity: Band
    title: str
    rule: str
    rule_kind: Literal["event", "spike", "subscription"] = "event"
    subscriptions: list[str] = Field(default_factory=list)
    actors: list[ActorRef] = Field(default_factory=list)
    dyad: str | None = None
    event_types: list[str] = Field(default_factory=list)
    places: list[PlaceRef] = Field(default_factory=list)
    story_id: str | None = None
    sources: int = 1  # distinct outlets reporting the development
    dead: int | None = None
    injured: int | None = None
    evidence: list[AlertEvidence] = Field(default_factory=list)
    versions: Versions


# ---------------------------------------------------------------------------------------------
# Subscriptions (compacted topic; key = name; a null value deletes)


class Subscription(Record):
    record_type: Literal["subscription"] = "subscription"
    name: str
    actors: list[str] = Field(default_factory=list)  # catalogue ids or names
    members_of: list[str] = Field(default_factory=list)  # anything by a member of these groups
    dyads: list[str] = Field(default_factory=list)  # "source|target" ids
    event_types: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)
    min_severity: Band = "elevated"
    keywords: list[str] = Field(default_factory=list)
    created: datetime | None = None


# ---------------------------------------------------------------------------------------------
# Dead letters


class DeadLetter(Record):
    """What a stage could not process, with the reason and where it came from. Nothing is dropped silently."""

    record_type: Literal["dead_letter"] = "dead_letter"
    stage: str  # "producer", "tag", "indexer", ...
    error: str
    error_type: str
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    payload_b64: str = ""
    payload_preview: str = ""
    failed_at: datetime

    @classmethod
    def for_payload(cls, *, stage: str, error: BaseException | str, payload: bytes | None,
                    failed_at: datetime, topic: str | None = None, partition: int | None = None,
                    offset: int | None = None, key: bytes | str | None = None,
                    max_payload: int = 900_000) -> DeadLetter:
        raw = payload or b""
        if isinstance(key, bytes):
            key = key.decode("utf-8", "replace")
        return cls(
            stage=stage,
            error=str(error)[:4000],
            error_type=type(error).__name__ if isinstance(error, BaseException) else "Error",
            topic=topic, partition=partition, offset=offset, key=key,
            payload_b64=base64.b64encode(raw[:max_payload]).decode("ascii"),
            payload_preview=raw[:500].decode("utf-8", "replace"),
            failed_at=failed_at,
        )

    def payload(self) -> bytes:
        return base64.b64decode(self.payload_b64)
