"""Helpers to write small knowledge trees (index + actor and place files) for validator tests."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

KnowledgeTree = Callable[..., Path]


def _state(iso3: str, name: str) -> dict[str, Any]:
    return {"id": iso3.lower(), "name": name, "kind": "state", "country": iso3, "source": "test fixture"}


def _country(iso3: str, name: str, lat: float, lon: float) -> dict[str, Any]:
    return {
        "id": iso3.lower(),
        "name": name,
        "kind": "country",
        "country": iso3,
        "lat": lat,
        "lon": lon,
        "source": "test fixture",
    }


BASE_ACTORS: list[dict[str, Any]] = [
    _state("IRQ", "Iraq"),
    _state("IRN", "Iran"),
    {
        "id": "umbrella",
        "name": "Umbrella Front",
        "kind": "armed_group",
        "country": "IRQ",
        "source": "test fixture",
    },
    {
        "id": "brigade",
        "name": "Test Brigade",
        "kind": "armed_group",
        "country": "IRQ",
        "acronyms": ["TB"],
        "ambiguous": ["TB"],
        "member_of": ["umbrella"],
        "source": "test fixture",
    },
    {
        "id": "person.leader",
        "name": "Ali Leader",
        "kind": "person",
        "country": "IRQ",
        "short_names": ["Leader"],
        "leads": ["brigade"],
        "roles": [
            {"title": "Commander of the Test Brigade", "of": "brigade", "start": "2020-01-01", "end": None}
        ],
        "source": "test fixture",
    },
]
BASE_PLACES: list[dict[str, Any]] = [
    _country("IRQ", "Iraq", 33.0, 44.0),
    _country("IRN", "Iran", 32.0, 53.0),
    {
        "id": "irq.adm1.north",
        "name": "North Governorate",
        "kind": "region",
        "country": "IRQ",
        "lat": 36.0,
        "lon": 43.0,
        "source": "test fixture",
    },
    {
        "id": "irq.town",
        "name": "Testtown",
        "kind": "town",
        "country": "IRQ",
        "lat": 36.1,
        "lon": 43.1,
        "admin1": "irq.adm1.north",
        "aliases": ["Test Town"],
        "source": "test fixture",
    },
]


@pytest.fixture
def base_actors() -> list[dict[str, Any]]:
    """A fresh copy of the minimal valid actor list."""
    return copy.deepcopy(BASE_ACTORS)


@pytest.fixture
def base_places() -> list[dict[str, Any]]:
    """A fresh copy of the minimal valid place list."""
    return copy.deepcopy(BASE_PLACES)


@pytest.fixture
def knowledge_tree(tmp_path: Path) -> KnowledgeTree:
    """Write an index, one actor file and one place file under tmp_path; returns the directory."""

    def write(
        actors: list[dict[str, Any]] | None = None,
        places: list[dict[str, Any]] | None = None,
        shared_actors: list[dict[str, Any]] | None = None,
        shared_places: list[dict[str, Any]] | None = None,
    ) -> Path:
        (tmp_path / "actors").mkdir(exist_ok=True)
        (tmp_path / "places").mkdir(exist_ok=True)
        index = {
            "version": "test.1",
            "actors": "actors",
            "places": "places",
            "shared_forms": {"actors": shared_actors or [], "places": shared_places or []},
        }
        (tmp_path / "catalog.yaml").write_text(yaml.safe_dump(index), encoding="utf-8")
        (tmp_path / "actors" / "all.yaml").write_text(
            yaml.safe_dump({"actors": BASE_ACTORS if actors is None else actors}, allow_unicode=True),
            encoding="utf-8",
        )
        (tmp_path / "places" / "all.yaml").write_text(
            yaml.safe_dump({"places": BASE_PLACES if places is None else places}, allow_unicode=True),
            encoding="utf-8",
        )
        return tmp_path

    return write
