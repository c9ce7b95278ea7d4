"""The gazetteer: loading, validation of bad entries, coordinates, capitals and transliteration variants."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from faultline.errors import KnowledgeError
from faultline.knowledge import PLACE_KINDS, load_catalog, load_gazetteer
from faultline.knowledge.datafiles import surface_key

KnowledgeTree = Callable[..., Path]
Places = list[dict[str, Any]]
MIDDLE_EAST = (
    "IRQ",
    "SYR",
    "IRN",
    "LBN",
    "ISR",
    "PSE",
    "JOR",
    "SAU",
    "YEM",
    "TUR",
    "ARE",
    "QAT",
    "BHR",
    "KWT",
    "OMN",
    "EGY",
    "LBY",
)


def _with(places: Places, change: dict[str, Any], index: int = 3) -> Places:
    """`places` with entry `index` (the town) updated by `change` (a None value deletes the key)."""
    for key, value in change.items():
        if value is None:
            places[index].pop(key, None)
        else:
            places[index][key] = value
    return places


def test_valid_tree_loads(knowledge_tree: KnowledgeTree) -> None:
    gazetteer = load_gazetteer(knowledge_tree())
    assert gazetteer.version == "test.1"
    town = gazetteer.get("irq.town")
    assert (town.lat, town.lon, town.admin1) == (36.1, 43.1, "irq.adm1.north")
    assert [p.id for p in gazetteer.by_country("IRQ")] == ["irq", "irq.adm1.north", "irq.town"]
    assert ("Test Town", "irq.town") in set(gazetteer.surface_forms())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lat": 95.0}, "'lat' 95.0 is out of range"),
        ({"lon": -181}, "'lon' -181 is out of range"),
        ({"lat": "36.1"}, "'lat' must be a number"),
        ({"lon": None}, "'lon' must be a number"),
        ({"kind": "village"}, "unknown kind 'village'"),
        ({"country": "Iraq"}, "not an ISO 3166-1 alpha-3 code"),
        ({"country": "SYR", "admin1": None}, "has no kind=country entry"),
        ({"admin1": "irq.nowhere"}, "admin1 'irq.nowhere' is not a region id"),
        ({"admin1": "irq"}, "admin1 'irq' is not a region id"),
        ({"capital_of": "IRQ"}, "only a city can be a capital"),
        ({"source": None}, "missing 'source'"),
        ({"elevation": 12}, "unknown fields ['elevation']"),
        ({"id": "IRQ Town"}, "id must be lower-case"),
    ],
)
def test_validator_rejects_bad_entry(
    knowledge_tree: KnowledgeTree, base_places: Places, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(KnowledgeError) as err:
        load_gazetteer(knowledge_tree(places=_with(base_places, change)))
    assert message in str(err.value)


def test_admin1_of_another_country_is_rejected(knowledge_tree: KnowledgeTree, base_places: Places) -> None:
    places = _with(base_places, {"country": "IRN"})
    with pytest.raises(KnowledgeError, match="admin1 'irq.adm1.north' is in IRQ, not IRN"):
        load_gazetteer(knowledge_tree(places=places))


def test_capital_of_another_country_is_rejected(knowledge_tree: KnowledgeTree, base_places: Places) -> None:
    places = _with(base_places, {"kind": "city", "capital_of": "IRN"})
    with pytest.raises(KnowledgeError, match="capital_of 'IRN' differs from its country 'IRQ'"):
        load_gazetteer(knowledge_tree(places=places))


def test_duplicate_id_is_rejected(knowledge_tree: KnowledgeTree, base_places: Places) -> None:
    with pytest.raises(KnowledgeError, match="duplicate id 'irq.town'"):
        load_gazetteer(knowledge_tree(places=base_places + [dict(base_places[3])]))


def test_same_name_in_two_places_needs_a_rule(knowledge_tree: KnowledgeTree, base_places: Places) -> None:
    twin = {
        "id": "irn.testtown",
        "name": "TestTown",
        "kind": "town",
        "country": "IRN",
        "lat": 35.0,
        "lon": 51.0,
        "source": "test fixture",
    }
    with pytest.raises(KnowledgeError, match="surface form 'testtown' claimed by"):
        load_gazetteer(knowledge_tree(places=base_places + [twin]))
    rule = {"form": "Testtown", "ids": ["irq.town", "irn.testtown"], "prefer": None}
    gazetteer = load_gazetteer(knowledge_tree(places=base_places + [twin], shared_places=[rule]))
    assert gazetteer.shared_forms[surface_key("Testtown")].ids == ("irq.town", "irn.testtown")


# ------------------------------------------------------------------------------------- packaged data


def test_packaged_gazetteer_validates_and_shares_the_catalogue_version() -> None:
    gazetteer = load_gazetteer()
    assert gazetteer is load_gazetteer()
    assert gazetteer.version == load_catalog().version
    assert {p.kind for p in gazetteer.places.values()} <= set(PLACE_KINDS)


def test_every_state_is_a_country_and_back() -> None:
    states = {a.country for a in load_catalog().actors.values() if a.kind == "state"}
    countries = {p.country for p in load_gazetteer().places.values() if p.kind == "country"}
    assert states == countries


def test_coordinates_are_in_range_and_not_null_island() -> None:
    for place in load_gazetteer().places.values():
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180, place.id
        assert (round(place.lat, 3), round(place.lon, 3)) != (0.0, 0.0), place.id


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


@pytest.mark.parametrize("iso3", MIDDLE_EAST)
def test_middle_east_places_lie_near_their_country(iso3: str) -> None:
    """Catches swapped or mistyped coordinates: every place within 1,500 km of its country's centre."""
    gazetteer = load_gazetteer()
    country = gazetteer.country(iso3)
    far = [
        (p.id, round(_km(p.lat, p.lon, country.lat, country.lon)))
        for p in gazetteer.by_country(iso3)
        if _km(p.lat, p.lon, country.lat, country.lon) > 1500
    ]
    assert not far


def test_places_lie_near_their_first_level_region() -> None:
    gazetteer = load_gazetteer()
    far = []
    for place in gazetteer.places.values():
        if place.admin1:
            region = gazetteer.get(place.admin1)
            if _km(place.lat, place.lon, region.lat, region.lon) > 500:
                far.append((place.id, place.admin1))
    assert not far


def test_every_state_with_a_capital_metonym_has_that_capital_placed() -> None:
    catalog, gazetteer = load_catalog(), load_gazetteer()
    capitals = {p.capital_of for p in gazetteer.places.values() if p.capital_of}
    for iso3 in MIDDLE_EAST + ("USA", "RUS", "GBR", "FRA", "DEU", "CHN"):
        assert iso3 in capitals, iso3
        assert catalog.state_of(iso3).metonyms, iso3
    for place in gazetteer.places.values():
        if place.capital_of:
            assert place.kind == "city" and place.country == place.capital_of


def _ids(text: str) -> set[str]:
    key = surface_key(text)
    return {place_id for form, place_id in load_gazetteer().surface_forms() if surface_key(form) == key}


@pytest.mark.parametrize(
    ("forms", "place_id"),
    [
        (["Deir ez-Zor", "Deir al-Zour", "Dayr az Zawr", "Deir Ezzor", "Deir el-Zor"], "syr.deir_ez_zor"),
        (["Hodeidah", "Al Hudaydah", "al-Hudaydah", "Hudaydah"], "yem.hodeidah"),
        (["Jurf al-Sakhar", "Jurf al Sakhar", "Jurf al-Nasr", "Jurf Al-Nasr"], "irq.jurf_al_sakhar"),
        (["Ain al-Asad", "Ain al-Asad Air Base", "Al Asad Airbase", "Ayn al-Asad"], "irq.ain_al_asad"),
        (["Erbil", "Arbil", "Irbil", "Hawler"], "irq.erbil"),
        (["Kobani", "Kobane", "Ayn al-Arab"], "syr.kobani"),
        (["Qamishli", "al-Qamishli", "Qamishlo"], "syr.qamishli"),
        (["al-Tanf", "At Tanf", "Al-Tanf garrison"], "syr.al_tanf"),
        (["Tower 22"], "jor.tower_22"),
        (["Harir Air Base", "Harir"], "irq.harir"),
        (["Al Udeid", "al-Udeid", "Al Udeid Air Base"], "qat.al_udeid"),
        (["Al Dhafra Air Base", "al-Dhafra"], "are.al_dhafra"),
        (["Incirlik Air Base", "İncirlik"], "tur.incirlik"),
        (["Kerem Shalom", "Karem Abu Salem"], "isr.kerem_shalom_crossing"),
        (["Allenby Bridge", "King Hussein Bridge"], "pse.allenby_bridge"),
        (["Bab al-Hawa", "Bab al-Hawa border crossing"], "syr.bab_al_hawa"),
        (["Albu Kamal", "Abu Kamal", "al-Bukamal"], "syr.albu_kamal"),
        (["Al-Qaim", "al-Qa'im"], "irq.al_qaim"),
        (["Sanaa", "Sana'a"], "yem.sanaa"),
        (["Khan Younis", "Khan Yunis"], "pse.khan_younis"),
        (["Raqqa", "Ar Raqqah", "al-Raqqa"], "syr.raqqa"),
        (["Nineveh", "Ninawa", "Nineveh Governorate"], "irq.adm1.nineveh"),
        (["Anbar", "al-Anbar", "Anbar province"], "irq.adm1.anbar"),
        (["Kurdistan Region", "Iraqi Kurdistan"], "irq.kurdistan_region"),
        (["Washington", "Washington, D.C."], "usa.washington"),
    ],
)
def test_transliteration_variants_resolve_to_one_place(forms: list[str], place_id: str) -> None:
    for form in forms:
        assert _ids(form) == {place_id}, form


def test_shared_place_names_have_rules() -> None:
    gazetteer = load_gazetteer()
    assert _ids("Rafah") == {"pse.rafah", "egy.rafah"}
    assert gazetteer.shared_forms[surface_key("Rafah")].prefer == "pse.rafah"
    assert _ids("Tripoli") == {"lby.tripoli", "lbn.tripoli"}
    assert gazetteer.shared_forms[surface_key("Tripoli")].prefer is None


def test_first_level_regions_cover_the_countries_in_the_news() -> None:
    gazetteer = load_gazetteer()
    counts = {iso3: sum(1 for p in gazetteer.by_country(iso3) if p.kind == "region") for iso3 in MIDDLE_EAST}
    assert counts["IRQ"] >= 19 and counts["SYR"] >= 14 and counts["IRN"] >= 31 and counts["YEM"] >= 21
    assert all(counts[iso3] >= 2 for iso3 in ("LBN", "ISR", "PSE", "JOR", "SAU", "TUR"))
