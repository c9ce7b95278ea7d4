"""Reading the knowledge data files: the index ``catalog.yaml`` and the entry files it points to.

Layout (paths in the index are relative to the index file)::

    catalog.yaml          version, actors: actors/, places: places/, shared_forms: {actors: [...], places: [...]}
    actors/*.yaml         actors: [ {id, name, kind, ...}, ... ]
    places/*.yaml         places: [ {id, name, kind, country, lat, lon, ...}, ... ]

A ``shared_forms`` rule lets two or more entries claim the same surface form on purpose
(``{form, ids, prefer}``; ``prefer`` is the id to use when the context says nothing, or null).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from faultline.errors import KnowledgeError

DATA_DIR = Path(__file__).resolve().parent / "data"
INDEX_NAME = "catalog.yaml"

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
ISO3_RE = re.compile(r"^[A-Z]{3}$")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_APOSTROPHES = str.maketrans({c: "'" for c in "\u2018\u2019\u02bc\u02bb\u02bf\u02be\u0060\u00b4\u2032"})
_DASHES = re.compile(r"[\u2010-\u2015\u2212\-_]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class SharedForm:
    """A surface form that several entries may claim on purpose."""

    form: str
    ids: tuple[str, ...]
    prefer: str | None


@dataclass(frozen=True)
class Index:
    """The parsed ``catalog.yaml``."""

    path: Path
    version: str
    actors_dir: Path
    places_dir: Path
    shared_actor_forms: tuple[SharedForm, ...]
    shared_place_forms: tuple[SharedForm, ...]


def surface_key(text: str) -> str:
    """Comparison key of a surface form: diacritics, apostrophe variants, dashes, spacing and case folded.

    Used to detect two entries claiming the same form; the tagger does its own normalisation.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("'", "")
    return _SPACES.sub(" ", _DASHES.sub(" ", stripped)).strip().casefold()


def load_yaml(path: Path) -> Any:
    try:
        with path.open("r", encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_Loader)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read: {exc}") from exc


def index_path(path: Path | None) -> Path:
    """The index file for ``path``: the packaged one, or ``path/catalog.yaml``, or ``path`` itself."""
    if path is None:
        return DATA_DIR / INDEX_NAME
    return path / INDEX_NAME if path.is_dir() else path


def _shared_forms(raw: Any, where: str) -> tuple[SharedForm, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise KnowledgeError(f"{where}: must be a list")
    rules = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("form"), str):
            raise KnowledgeError(f"{where}[{i}]: needs a string 'form'")
        ids = item.get("ids")
        if not isinstance(ids, list) or len(ids) < 2 or not all(isinstance(x, str) for x in ids):
            raise KnowledgeError(f"{where}[{i}] ({item['form']!r}): 'ids' must list two or more ids")
        prefer = item.get("prefer")
        if prefer is not None and prefer not in ids:
            raise KnowledgeError(f"{where}[{i}] ({item['form']!r}): 'prefer' must be one of 'ids'")
        rules.append(SharedForm(form=item["form"], ids=tuple(ids), prefer=prefer))
    return tuple(rules)


def read_index(path: Path | None = None) -> Index:
    """Parse the index; raises KnowledgeError when it is missing or malformed."""
    file = index_path(path)
    raw = load_yaml(file)
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{file}: must be a mapping")
    version = raw.get("version")
    if not isinstance(version, str) or not version:
        raise KnowledgeError(f"{file}: needs a string 'version'")
    shared = raw.get("shared_forms") or {}
    if not isinstance(shared, dict):
        raise KnowledgeError(f"{file}: 'shared_forms' must be a mapping with 'actors' and 'places'")
    return Index(
        path=file,
        version=version,
        actors_dir=file.parent / str(raw.get("actors", "actors")),
        places_dir=file.parent / str(raw.get("places", "places")),
        shared_actor_forms=_shared_forms(shared.get("actors"), f"{file}: shared_forms.actors"),
        shared_place_forms=_shared_forms(shared.get("places"), f"{file}: shared_forms.places"),
    )


def read_entries(directory: Path, key: str) -> list[tuple[str, dict[str, Any]]]:
    """Every entry of the ``key`` list in ``directory/*.yaml``, as (file name, raw mapping), files sorted."""
    if not directory.is_dir():
        raise KnowledgeError(f"{directory}: no such directory")
    entries: list[tuple[str, dict[str, Any]]] = []
    for file in sorted(directory.glob("*.yaml")):
        raw = load_yaml(file)
        items = raw.get(key) if isinstance(raw, dict) else None
        if not isinstance(items, list):
            raise KnowledgeError(f"{file}: needs a top-level list '{key}'")
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise KnowledgeError(f"{file}: {key}[{i}] is not a mapping")
            entries.append((file.name, item))
    return entries


def as_date(value: Any) -> date | None:
    """A YAML date (or ISO string, or null) as a ``date``; ValueError otherwise."""
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value)
    raise ValueError(f"not a date: {value!r}")


def as_strings(value: Any) -> tuple[str, ...]:
    """A YAML list of strings (or null) as a tuple; ValueError otherwise."""
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(value)
    raise ValueError(f"not a list of non-empty strings: {value!r}")


def raise_if_problems(problems: list[str], what: str, limit: int = 50) -> None:
    """Raise KnowledgeError listing ``problems`` (at most ``limit`` of them) when there are any."""
    if not problems:
        return
    shown = "\n  ".join(problems[:limit])
    more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
    raise KnowledgeError(f"invalid {what} ({len(problems)} problems):\n  {shown}{more}")
