"""Working records of one tagging run: actors and places with their mentions, before they become tags.

Records made for every article (here and in the other tagging modules) spell out ``__init__``
(``dataclass(init=False)``): compiled with mypyc, a written constructor runs natively, where the one the
dataclass decorator generates would run as interpreted Python.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True, init=False)
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
    mentions: list[tuple[int, int]]

    def __init__(
        self,
        key: str,
        id: str | None,
        name: str,
        kind: str,
        country: str | None,
        resolved: bool,
        member_of: tuple[str, ...],
        rule: str,
        mentions: list[tuple[int, int]] | None = None,
    ) -> None:
        self.key = key
        self.id = id
        self.name = name
        self.kind = kind
        self.country = country
        self.resolved = resolved
        self.member_of = member_of
        self.rule = rule
        self.mentions = [] if mentions is None else mentions


@dataclass(slots=True, init=False)
class PlaceRecord:
    key: str
    id: str | None
    name: str
    kind: str | None
    country: str | None
    lat: float | None
    lon: float | None
    mentions: list[tuple[int, int]]

    def __init__(
        self,
        key: str,
        id: str | None,
        name: str,
        kind: str | None,
        country: str | None,
        lat: float | None,
        lon: float | None,
        mentions: list[tuple[int, int]] | None = None,
    ) -> None:
        self.key = key
        self.id = id
        self.name = name
        self.kind = kind
        self.country = country
        self.lat = lat
        self.lon = lon
        self.mentions = [] if mentions is None else mentions


@dataclass(slots=True, init=False)
class Mention:
    """One mention of an actor (``key`` into the actor records) or of a place."""

    start: int
    end: int
    key: str
    form: str

    def __init__(
        self,
        start: int,
        end: int,
        key: str,
        form: str,
    ) -> None:
        self.start = start
        self.end = end
        self.key = key
        self.form = form
