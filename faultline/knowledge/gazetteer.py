"""The gazetteer: countries, first-level regions, cities and towns, bases and crossings, with coordinates.

Entries live in ``data/places/*.yaml`` (one list ``places`` per file, sorted by id); the version is the
catalogue's (``data/catalog.yaml``). ``admin1`` is the id of the place's first-level region (a kind=region
entry of the same country) when the gazetteer has it. A national capital carries ``capital_of``: its
mentions may be metonyms for that state's government, which the tagger decides from context.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faultline.knowledge.datafiles import (
    ID_RE,
    ISO3_RE,
    SharedForm,
    as_strings,
    raise_if_problems,
    read_entries,
    read_index,
    surface_key,
)

PLACE_KINDS: tuple[str, ...] = ("country", "region", "city", "town", "district", "base", "crossing", "other")

_FIELDS = frozenset(
    {"id", "name", "kind", "country", "lat", "lon", "aliases", "admin1", "capital_of", "source"}
)


@dataclass(frozen=True)
class PlaceEntry:
    id: str
    name: str
    kind: str
    country: str
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()
    admin1: str | None = None
    capital_of: str | None = None
    source: str = ""

    def forms(self) -> Iterator[str]:
        yield self.name
        yield from self.aliases


class Gazetteer:
    """The validated gazetteer."""

    def __init__(
        self,
        version: str,
        places: Mapping[str, PlaceEntry],
        shared_forms: Mapping[str, SharedForm] | None = None,
    ) -> None:
        self.version = version
        self.places: dict[str, PlaceEntry] = dict(places)
        #: surface_key(form) -> the rule letting several places claim it (``prefer`` when context is silent)
        self.shared_forms: dict[str, SharedForm] = dict(shared_forms or {})
        by_country: dict[str, list[PlaceEntry]] = defaultdict(list)
        for place_id in sorted(self.places):
            by_country[self.places[place_id].country].append(self.places[place_id])
        self._by_country = {k: tuple(v) for k, v in by_country.items()}

    def __len__(self) -> int:
        return len(self.places)

    def get(self, place_id: str) -> PlaceEntry | None:
        return self.places.get(place_id)

    def by_country(self, iso3: str) -> tuple[PlaceEntry, ...]:
        """Every place of a country (the country entry included), in id order."""
        return self._by_country.get(iso3, ())

    def country(self, iso3: str) -> PlaceEntry | None:
        """The kind=country entry of an ISO3 code."""
        return next((p for p in self.by_country(iso3) if p.kind == "country"), None)

    def surface_forms(self) -> Iterator[tuple[str, str]]:
        """(surface text, place id) for the name and every alias of every place, in id order."""
        for place_id in sorted(self.places):
            for text in self.places[place_id].forms():
                yield text, place_id


# --------------------------------------------------------------------------------------------- loading


def _coordinate(raw: dict[str, Any], field: str, limit: float) -> float:
    value = raw.get(field)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"'{field}' must be a number")
    if not -limit <= value <= limit:
        raise ValueError(f"'{field}' {value} is out of range [-{limit}, {limit}]")
    return float(value)


def parse_place(raw: dict[str, Any]) -> PlaceEntry:
    """One raw YAML mapping as a PlaceEntry; ValueError on a malformed field (not on cross-references)."""
    unknown = set(raw) - _FIELDS
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    for field in ("id", "name", "kind", "country"):
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            raise ValueError(f"needs a string '{field}'")
    for field in ("admin1", "capital_of", "source"):
        if raw.get(field) is not None and not isinstance(raw[field], str):
            raise ValueError(f"'{field}' must be a string")
    return PlaceEntry(
        id=raw["id"],
        name=raw["name"],
        kind=raw["kind"],
        country=raw["country"],
        lat=_coordinate(raw, "lat", 90.0),
        lon=_coordinate(raw, "lon", 180.0),
        aliases=as_strings(raw.get("aliases")),
        admin1=raw.get("admin1"),
        capital_of=raw.get("capital_of"),
        source=raw.get("source") or "",
    )


def validate_places(entries: list[tuple[str, PlaceEntry]], shared: tuple[SharedForm, ...] = ()) -> list[str]:
    """Every problem of a set of entries (file name, entry) as a message; empty when valid."""
    problems: list[str] = []
    by_id: dict[str, tuple[str, PlaceEntry]] = {}
    for where, place in entries:
        if place.id in by_id:
            problems.append(f"{where}: duplicate id {place.id!r} (also in {by_id[place.id][0]})")
        by_id.setdefault(place.id, (where, place))
    countries: dict[str, str] = {}
    for where, place in entries:
        if place.kind == "country":
            if place.country in countries:
                problems.append(
                    f"{where}: {place.id}: country {place.country} already has {countries[place.country]!r}"
                )
            countries.setdefault(place.country, place.id)
    places = {pid: p for pid, (_, p) in by_id.items()}
    for where, place in entries:
        problems.extend(f"{where}: {place.id}: {p}" for p in _entry_problems(place, places, countries))
    problems.extend(_form_clashes(entries, shared, places))
    return problems


def _entry_problems(
    place: PlaceEntry, places: Mapping[str, PlaceEntry], countries: Mapping[str, str]
) -> Iterator[str]:
    if not ID_RE.match(place.id):
        yield "id must be lower-case [a-z0-9_.-]"
    if place.kind not in PLACE_KINDS:
        yield f"unknown kind {place.kind!r}"
    if not place.source.strip():
        yield "missing 'source'"
    if not ISO3_RE.match(place.country):
        yield f"country {place.country!r} is not an ISO 3166-1 alpha-3 code"
    elif place.country not in countries:
        yield f"country {place.country!r} has no kind=country entry"
    if place.admin1 is not None:
        region = places.get(place.admin1)
        if region is None or region.kind != "region":
            yield f"admin1 {place.admin1!r} is not a region id"
        elif region.country != place.country:
            yield f"admin1 {place.admin1!r} is in {region.country}, not {place.country}"
    if place.capital_of is not None:
        if place.kind != "city":
            yield "only a city can be a capital"
        if place.capital_of not in countries:
            yield f"capital_of {place.capital_of!r} has no kind=country entry"
        elif place.capital_of != place.country:
            yield f"capital_of {place.capital_of!r} differs from its country {place.country!r}"


def _form_clashes(
    entries: list[tuple[str, PlaceEntry]], shared: tuple[SharedForm, ...], places: Mapping[str, PlaceEntry]
) -> Iterator[str]:
    claims: dict[str, dict[str, str]] = defaultdict(dict)
    for _, place in entries:
        for text in place.forms():
            claims[surface_key(text)].setdefault(place.id, text)
    rules = {surface_key(rule.form): rule for rule in shared}
    for key, rule in rules.items():
        for ref in rule.ids:
            if ref not in places:
                yield f"shared_forms: {rule.form!r} refers to unknown place {ref!r}"
            elif ref not in claims.get(key, {}):
                yield f"shared_forms: {rule.form!r} is not a form of {ref!r}"
    for key, owners in sorted(claims.items()):
        if len(owners) < 2:
            continue
        exempt = rules.get(key)
        if exempt is not None and set(owners) <= set(exempt.ids):
            continue
        listed = ", ".join(f"{o} ({t!r})" for o, t in sorted(owners.items()))
        yield f"surface form {key!r} claimed by {listed}: add a shared_forms rule"


def _load(path: Path | None) -> Gazetteer:
    index = read_index(path)
    parsed: list[tuple[str, PlaceEntry]] = []
    problems: list[str] = []
    for where, raw in read_entries(index.places_dir, "places"):
        try:
            parsed.append((where, parse_place(raw)))
        except (ValueError, TypeError) as exc:
            problems.append(f"{where}: {raw.get('id', '?')}: {exc}")
    problems.extend(validate_places(parsed, index.shared_place_forms))
    raise_if_problems(problems, f"gazetteer {index.places_dir}")
    return Gazetteer(
        version=index.version,
        places={p.id: p for _, p in parsed},
        shared_forms={surface_key(r.form): r for r in index.shared_place_forms},
    )


@functools.cache
def _packaged() -> Gazetteer:
    return _load(None)


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """The validated gazetteer: the packaged one (cached) or the one indexed by ``path``.

    ``path`` is a directory holding ``catalog.yaml`` or the index file itself.
    """
    return _packaged() if path is None else _load(path)
