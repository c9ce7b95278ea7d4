"""A small, hand-written knowledge set so tagging behaviour is tested independently of the packaged data."""

from __future__ import annotations

from datetime import date

import pytest

from faultline.knowledge.catalog import ActorEntry, Catalog, Role
from faultline.knowledge.gazetteer import Gazetteer, PlaceEntry
from faultline.knowledge.signals import load_signals
from faultline.tagging import Tagger

SRC = "test fixture"


def _actors() -> list[ActorEntry]:
    return [
        ActorEntry(
            "usa",
            "United States",
            "state",
            "USA",
            aliases=("United States of America",),
            acronyms=("US", "U.S."),
            demonyms=("American",),
            metonyms=("Washington",),
            source=SRC,
        ),
        ActorEntry(
            "usa.military",
            "United States Armed Forces",
            "armed_forces",
            "USA",
            aliases=("US forces", "American forces", "US military"),
            source=SRC,
        ),
        ActorEntry("usa.gov", "Government of the United States", "government", "USA", source=SRC),
        ActorEntry("irq", "Iraq", "state", "IRQ", demonyms=("Iraqi",), metonyms=("Baghdad",), source=SRC),
        ActorEntry(
            "irq.gov", "Government of Iraq", "government", "IRQ", aliases=("Iraqi government",), source=SRC
        ),
        ActorEntry(
            "irq.military", "Iraqi Armed Forces", "armed_forces", "IRQ", aliases=("Iraqi army",), source=SRC
        ),
        ActorEntry("irn", "Iran", "state", "IRN", demonyms=("Iranian",), metonyms=("Tehran",), source=SRC),
        ActorEntry("isr", "Israel", "state", "ISR", demonyms=("Israeli",), source=SRC),
        ActorEntry(
            "pmf",
            "Popular Mobilization Forces",
            "armed_group",
            "IRQ",
            aliases=("Popular Mobilisation Forces",),
            acronyms=("PMF",),
            source=SRC,
        ),
        ActorEntry(
            "kataib_hezbollah",
            "Kataib Hezbollah",
            "armed_group",
            "IRQ",
            aliases=("Kata'ib Hezbollah",),
            acronyms=("KH",),
            ambiguous=("KH",),
            member_of=("pmf",),
            source=SRC,
        ),
        ActorEntry("pse", "Palestine", "state", "PSE", demonyms=("Palestinian",), source=SRC),
        ActorEntry("hamas", "Hamas", "armed_group", "PSE", source=SRC),
        ActorEntry(
            "person.mohammed_shia_al_sudani",
            "Mohammed Shia' al-Sudani",
            "person",
            "IRQ",
            short_names=("Sudani", "al-Sudani"),
            roles=(Role("Prime Minister of Iraq", "irq.gov", date(2022, 10, 27), None),),
            source=SRC,
        ),
    ]


def _places() -> list[PlaceEntry]:
    return [
        PlaceEntry("irq", "Iraq", "country", "IRQ", 33.0, 44.0, source=SRC),
        PlaceEntry("usa", "United States", "country", "USA", 39.0, -98.0, source=SRC),
        PlaceEntry("irq.baghdad", "Baghdad", "city", "IRQ", 33.3, 44.4, capital_of="IRQ", source=SRC),
        PlaceEntry("usa.washington", "Washington", "city", "USA", 38.9, -77.0, capital_of="USA", source=SRC),
        PlaceEntry(
            "irq.ain_al_asad",
            "Ain al-Asad Air Base",
            "base",
            "IRQ",
            33.8,
            42.4,
            aliases=("Ain al-Asad air base", "Al Asad Airbase"),
            source=SRC,
        ),
        PlaceEntry("irq.jurf_al_sakhar", "Jurf al-Sakhar", "town", "IRQ", 32.9, 44.1, source=SRC),
    ]


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog("test-catalog", {a.id: a for a in _actors()})


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer("test-catalog", {p.id: p for p in _places()})


@pytest.fixture(scope="session")
def tagger(catalog, gazetteer) -> Tagger:
    return Tagger(catalog, gazetteer, load_signals())
