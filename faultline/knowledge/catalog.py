"""The actor catalogue: who can act in the news, by which names, and how actors relate.

Entries live in ``data/actors/*.yaml`` (one list ``actors`` per file, sorted by id); the version and the
rules for deliberately shared surface forms live in ``data/catalog.yaml``. The loader validates the whole
catalogue and raises :class:`~faultline.errors.KnowledgeError` listing every problem it finds.

Form semantics for the tagger:

- ``name``/``aliases``: full forms, safe to match alone (case and diacritics folded by the tagger);
- ``acronyms``: match case-sensitively;
- ``ambiguous``: forms (acronyms or aliases) that count only if the article also names the actor
  by an unambiguous form;
- ``demonyms`` (states): "Iraqi"; ``metonyms``: a city standing for a state's government ("Washington",
  on the state entry) or for another body ("Erbil" for the KRG, "Brussels" for the EU);
- ``short_names`` (persons): usable only after a full mention in the same article.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from faultline.knowledge.datafiles import (
    ID_RE,
    ISO3_RE,
    SharedForm,
    as_date,
    as_strings,
    raise_if_problems,
    read_entries,
    read_index,
    surface_key,
)

ACTOR_KINDS: tuple[str, ...] = (
    "state",
    "government",
    "armed_forces",
    "security_service",
    "armed_group",
    "party",
    "igo",
    "person",
    "other",
)
FORMS: tuple[str, ...] = ("name", "alias", "acronym", "demonym", "metonym", "short_name")

_LIST_FIELDS = (
    "aliases",
    "acronyms",
    "ambiguous",
    "demonyms",
    "metonyms",
    "short_names",
    "member_of",
    "aligned_with",
    "leads",
)
_FIELDS = frozenset({"id", "name", "kind", "country", "roles", "source", *_LIST_FIELDS})
_ROLE_FIELDS = frozenset({"title", "of", "start", "end"})
_FORM_FIELDS = (
    ("aliases", "alias"),
    ("acronyms", "acronym"),
    ("demonyms", "demonym"),
    ("metonyms", "metonym"),
    ("short_names", "short_name"),
)


@dataclass(frozen=True)
class Role:
    """An office held for a period; ``of`` is the actor id of the body or state, dates are inclusive."""

    title: str
    of: str | None
    start: date | None
    end: date | None

    def holds_on(self, on: date | None) -> bool:
        """True when the role is held on ``on``; with ``on=None``, when it is open-ended (current)."""
        if on is None:
            return self.end is None
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class ActorEntry:
    id: str
    name: str
    kind: str
    country: str | None
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    short_names: tuple[str, ...] = ()
    member_of: tuple[str, ...] = ()
    aligned_with: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    source: str = ""

    def forms(self) -> Iterator[tuple[str, str]]:
        """Every surface form of the entry as (text, form kind), the name first."""
        yield self.name, "name"
        for field, form in _FORM_FIELDS:
            for text in getattr(self, field):
                yield text, form


class Catalog:
    """The validated actor catalogue."""

    def __init__(
        self,
        version: str,
        actors: Mapping[str, ActorEntry],
        shared_forms: Mapping[str, SharedForm] | None = None,
    ) -> None:
        self.version = version
        self.actors: dict[str, ActorEntry] = dict(actors)
        #: surface_key(form) -> the rule letting several actors claim it
        self.shared_forms: dict[str, SharedForm] = dict(shared_forms or {})
        self._states = {a.country: a for a in self.actors.values() if a.kind == "state" and a.country}

    def __len__(self) -> int:
        return len(self.actors)

    def get(self, actor_id: str) -> ActorEntry | None:
        return self.actors.get(actor_id)

    def members_of(self, actor_id: str) -> frozenset[str]:
        """Every actor ``actor_id`` belongs to, directly or through other memberships (not itself)."""
        seen: set[str] = set()
        todo = list(self._parents(actor_id))
        while todo:
            parent = todo.pop()
            if parent in seen or parent == actor_id:
                continue
            seen.add(parent)
            todo.extend(self._parents(parent))
        return frozenset(seen)

    def _parents(self, actor_id: str) -> tuple[str, ...]:
        entry = self.actors.get(actor_id)
        return entry.member_of if entry else ()

    def holders(self, role_title: str, on: date | None) -> list[ActorEntry]:
        """Actors holding the role titled ``role_title`` (case-insensitive) on ``on``.

        With ``on=None``: the holders whose role has no end date (current as of the catalogue version).
        """
        wanted = role_title.casefold()
        found = [
            actor
            for actor in self.actors.values()
            if any(r.title.casefold() == wanted and r.holds_on(on) for r in actor.roles)
        ]
        return sorted(found, key=lambda a: a.id)

    def state_of(self, country: str) -> ActorEntry | None:
        """The kind=state entry of an ISO 3166-1 alpha-3 code."""
        return self._states.get(country)

    def surface_forms(self) -> Iterator[tuple[str, str, str]]:
        """(surface text, actor id, form) for every form of every actor, in id order."""
        for actor_id in sorted(self.actors):
            for text, form in self.actors[actor_id].forms():
                yield text, actor_id, form


# --------------------------------------------------------------------------------------------- loading


def _role(raw: Any) -> Role:
    if not isinstance(raw, dict):
        raise ValueError(f"role is not a mapping: {raw!r}")
    unknown = set(raw) - _ROLE_FIELDS
    if unknown:
        raise ValueError(f"role has unknown fields {sorted(unknown)}")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("role needs a 'title'")
    of = raw.get("of")
    if of is not None and not isinstance(of, str):
        raise ValueError(f"role 'of' must be an actor id: {of!r}")
    role = Role(title=title, of=of, start=as_date(raw.get("start")), end=as_date(raw.get("end")))
    if role.start and role.end and role.end < role.start:
        raise ValueError(f"role {title!r} ends before it starts")
    return role


def parse_actor(raw: dict[str, Any]) -> ActorEntry:
    """One raw YAML mapping as an ActorEntry; ValueError on a malformed field (not on cross-references)."""
    unknown = set(raw) - _FIELDS
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    for field in ("id", "name", "kind"):
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            raise ValueError(f"needs a string '{field}'")
    roles = raw.get("roles") or []
    if not isinstance(roles, list):
        raise ValueError("'roles' must be a list")
    source = raw.get("source")
    return ActorEntry(
        id=raw["id"],
        name=raw["name"],
        kind=raw["kind"],
        country=raw.get("country"),
        roles=tuple(_role(r) for r in roles),
        source=source if isinstance(source, str) else "",
        **{field: as_strings(raw.get(field)) for field in _LIST_FIELDS},
    )


def validate_actors(entries: list[tuple[str, ActorEntry]], shared: tuple[SharedForm, ...] = ()) -> list[str]:
    """Every problem of a set of entries (file name, entry) as a message; empty when valid."""
    problems: list[str] = []
    ids: dict[str, str] = {}
    for where, actor in entries:
        if actor.id in ids:
            problems.append(f"{where}: duplicate id {actor.id!r} (also in {ids[actor.id]})")
        ids.setdefault(actor.id, where)
    known_iso3 = {a.country for _, a in entries if a.kind == "state" and isinstance(a.country, str)}
    for where, actor in entries:
        problems.extend(f"{where}: {actor.id}: {p}" for p in _entry_problems(actor, ids, known_iso3))
    problems.extend(_state_code_problems(entries))
    problems.extend(_form_clashes(entries, shared, ids))
    return problems


def _entry_problems(actor: ActorEntry, ids: Mapping[str, str], known_iso3: set[str]) -> Iterator[str]:
    if not ID_RE.match(actor.id):
        yield "id must be lower-case [a-z0-9_.-]"
    if actor.kind not in ACTOR_KINDS:
        yield f"unknown kind {actor.kind!r}"
    if not actor.source.strip():
        yield "missing 'source'"
    if actor.country is not None:
        if not isinstance(actor.country, str) or not ISO3_RE.match(actor.country):
            yield f"country {actor.country!r} is not an ISO 3166-1 alpha-3 code"
        elif actor.country not in known_iso3:
            yield f"country {actor.country!r} has no kind=state entry"
    elif actor.kind == "state":
        yield "a state needs its ISO 3166-1 alpha-3 'country'"
    if actor.demonyms and actor.kind != "state":
        yield "only states have demonyms"
    if actor.metonyms and actor.kind not in ("state", "government", "igo"):
        yield "only states, governments and IGOs have metonyms"
    if actor.short_names and actor.kind != "person":
        yield "only persons have short_names"
    own = {surface_key(text) for text, _ in actor.forms()}
    for form in actor.ambiguous:
        if surface_key(form) not in own:
            yield f"ambiguous form {form!r} is not one of the entry's forms"
    for field in ("member_of", "aligned_with", "leads"):
        for ref in getattr(actor, field):
            if ref not in ids:
                yield f"{field} refers to unknown actor {ref!r}"
            elif ref == actor.id:
                yield f"{field} refers to itself"
    for role in actor.roles:
        if role.of is not None and role.of not in ids:
            yield f"role {role.title!r} refers to unknown actor {role.of!r}"


def _state_code_problems(entries: list[tuple[str, ActorEntry]]) -> Iterator[str]:
    seen: dict[str, str] = {}
    for where, actor in entries:
        if actor.kind != "state" or not isinstance(actor.country, str):
            continue
        if actor.country in seen:
            yield f"{where}: {actor.id}: country {actor.country} already has the state {seen[actor.country]!r}"
        seen.setdefault(actor.country, actor.id)


def _form_clashes(
    entries: list[tuple[str, ActorEntry]], shared: tuple[SharedForm, ...], ids: Mapping[str, str]
) -> Iterator[str]:
    claims: dict[str, dict[str, str]] = defaultdict(dict)  # key -> actor id -> text
    ambiguous: dict[str, set[str]] = {}
    for _, actor in entries:
        ambiguous[actor.id] = {surface_key(f) for f in actor.ambiguous}
        for text, _form in actor.forms():
            claims[surface_key(text)].setdefault(actor.id, text)
    rules = {surface_key(rule.form): rule for rule in shared}
    for key, rule in rules.items():
        for ref in rule.ids:
            if ref not in ids:
                yield f"shared_forms: {rule.form!r} refers to unknown actor {ref!r}"
            elif ref not in claims.get(key, {}):
                yield f"shared_forms: {rule.form!r} is not a form of {ref!r}"
    for key, owners in sorted(claims.items()):
        if len(owners) < 2:
            continue
        if all(key in ambiguous[o] for o in owners):
            continue
        exempt = rules.get(key)
        if exempt is not None and set(owners) <= set(exempt.ids):
            continue
        listed = ", ".join(f"{o} ({t!r})" for o, t in sorted(owners.items()))
        yield (
            f"surface form {key!r} claimed by {listed}: mark it ambiguous in each or add a shared_forms rule"
        )


def _parse_all(
    raw_entries: list[tuple[str, dict[str, Any]]],
) -> tuple[list[tuple[str, ActorEntry]], list[str]]:
    parsed: list[tuple[str, ActorEntry]] = []
    problems: list[str] = []
    for where, raw in raw_entries:
        try:
            parsed.append((where, parse_actor(raw)))
        except (ValueError, TypeError) as exc:
            problems.append(f"{where}: {raw.get('id', '?')}: {exc}")
    return parsed, problems


def _load(path: Path | None) -> Catalog:
    index = read_index(path)
    parsed, problems = _parse_all(read_entries(index.actors_dir, "actors"))
    problems.extend(validate_actors(parsed, index.shared_actor_forms))
    raise_if_problems(problems, f"actor catalogue {index.actors_dir}")
    return Catalog(
        version=index.version,
        actors={a.id: a for _, a in parsed},
        shared_forms={surface_key(r.form): r for r in index.shared_actor_forms},
    )


@functools.cache
def _packaged() -> Catalog:
    return _load(None)


def load_catalog(path: Path | None = None) -> Catalog:
    """The validated catalogue: the packaged one (cached) or the one indexed by ``path``.

    ``path`` is a directory holding ``catalog.yaml`` or the index file itself.
    """
    return _packaged() if path is None else _load(path)
