"""The packaged knowledge covers every actor and place the seed article must (and should) produce."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from faultline.knowledge import load_catalog, load_gazetteer
from faultline.knowledge.datafiles import surface_key

SEED_ACTORS = {
    "usa": "state",
    "usa.gov": "government",
    "usa.military": "armed_forces",
    "usa.centcom": "armed_forces",
    "kataib_hezbollah": "armed_group",
    "pmf": "armed_group",
    "irq": "state",
    "irq.gov": "government",
    "irq.mofa": "government",
    "irq.military": "armed_forces",
    "irq.isf": "security_service",
    "irq.inis": "security_service",
    "irq.parliament": "government",
    "irq.krg": "government",
    "person.mohammed_shia_al_sudani": "person",
    "irn": "state",
    "irn.gov": "government",
    "irn.mofa": "government",
    "person.abbas_araghchi": "person",
    "irn.irgc": "armed_forces",
    "irn.irgc_qf": "armed_forces",
    "badr_organization": "armed_group",
    "person.hadi_al_amiri": "person",
    "asaib_ahl_al_haq": "armed_group",
    "person.qais_al_khazali": "person",
    "person.qassem_soleimani": "person",
    "person.abu_mahdi_al_muhandis": "person",
    "hezbollah": "armed_group",
    "person.hassan_nasrallah": "person",
    "hamas": "armed_group",
}
SEED_PLACES = {
    "irq.jurf_al_sakhar": "town",
    "irq.baghdad": "city",
    "irq.adm1.anbar": "region",
    "irq.ain_al_asad": "base",
    "irq.erbil": "city",
    "irn.tehran": "city",
    "irq": "country",
    "irq.adm1.nineveh": "region",
    "irq.kurdistan_region": "region",
    "syr": "country",
}


def _alternatives(item: str) -> list[str]:
    return [alt.strip() for alt in item.split("|")]


@pytest.fixture(scope="module")
def expected(shared_data: Path) -> dict:
    """The seed article's expectations (``seed/expected.yaml`` next to the shared data)."""
    return yaml.safe_load((shared_data.parent / "seed" / "expected.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("actor_id", "kind"), sorted(SEED_ACTORS.items()))
def test_seed_actor_present_with_kind(actor_id: str, kind: str) -> None:
    entry = load_catalog().get(actor_id)
    assert entry is not None, actor_id
    assert entry.kind == kind
    assert entry.source


@pytest.mark.parametrize(("place_id", "kind"), sorted(SEED_PLACES.items()))
def test_seed_place_present_with_kind(place_id: str, kind: str) -> None:
    entry = load_gazetteer().get(place_id)
    assert entry is not None, place_id
    assert entry.kind == kind


@pytest.mark.parametrize("level", ["must", "should"])
def test_every_expected_actor_has_a_catalogue_form(expected: dict, level: str) -> None:
    forms = {surface_key(text) for text, _, _ in load_catalog().surface_forms()}
    # The killed commander is expected to be found by the new-person patterns, not by the catalogue.
    wanted = [item for item in expected["actors"][level] if "al-Lami" not in item]
    missing = [item for item in wanted if not any(surface_key(a) in forms for a in _alternatives(item))]
    assert not missing


@pytest.mark.parametrize("level", ["must", "should"])
def test_every_expected_place_has_a_gazetteer_form(expected: dict, level: str) -> None:
    forms = {surface_key(text) for text, _ in load_gazetteer().surface_forms()}
    missing = [
        item
        for item in expected["places"][level]
        if not any(surface_key(a) in forms for a in _alternatives(item))
    ]
    assert not missing


def test_seed_capitals_are_metonyms_for_their_states() -> None:
    catalog, gazetteer = load_catalog(), load_gazetteer()
    for iso3, capital in (("USA", "Washington"), ("IRQ", "Baghdad"), ("IRN", "Tehran")):
        state = catalog.state_of(iso3)
        assert state is not None and capital in state.metonyms
        places = [gazetteer.get(pid) for text, pid in gazetteer.surface_forms() if text == capital]
        assert any(p is not None and p.capital_of == iso3 for p in places)


def test_seed_forms_used_in_the_article() -> None:
    catalog = load_catalog()
    by_form: dict[str, set[str]] = {}
    for text, actor_id, _ in catalog.surface_forms():
        by_form.setdefault(surface_key(text), set()).add(actor_id)
    for text, actor_id in (
        ("American Central Command", "usa.centcom"),
        ("CENTCOM", "usa.centcom"),
        ("Popular Mobilisation Forces", "pmf"),
        ("Iranian Revolutionary Guard Corps", "irn.irgc"),
        ("Badr Organisation", "badr_organization"),
        ("Trump administration", "usa.gov"),
        ("American forces", "usa.military"),
        ("Iraqi National Intelligence Service", "irq.inis"),
        ("Council of Representatives", "irq.parliament"),
    ):
        assert actor_id in by_form.get(surface_key(text), set()), text
