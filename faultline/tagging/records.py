"""Working records of one tagging run: actors and places with their mentions, before they become tags."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ActorRecord:
    """An actor of the article: a catalogue entry (``id``) or one the text introduces (``id`` None)."""

    key: str
    id: str | None
    name: str
    kind: str
    country: str | None
    resolved: bool
    member_of: tuple[str, ...]
    rule: str
    mentions: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class PlaceRecord:
    key: str
    id: str | None
    name: str
    kind: str | None
    country: str | None
    lat: float | None
    lon: float | None
    mentions: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class Mention:
    """One mention of an actor (``key`` into the actor records) or of a place."""

    start: int
    end: int
    key: str
    form: str
