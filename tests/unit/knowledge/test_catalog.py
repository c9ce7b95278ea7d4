"""The actor catalogue: loading, validation of bad entries, relations and roles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from faultline.errors import KnowledgeError
from faultline.knowledge import ACTOR_KINDS, load_catalog
from faultline.knowledge.datafiles import surface_key

KnowledgeTree = Callable[..., Path]
Actors = list[dict[str, Any]]


def _with(actors: Actors, change: dict[str, Any], index: int = 3) -> Actors:
    """`actors` with entry `index` (the brigade) updated by `change` (a None value deletes the key)."""
    for key, value in change.items():
        if value is None:
            actors[index].pop(key, None)
        else:
            actors[index][key] = value
    return actors


def test_valid_tree_loads(knowledge_tree: KnowledgeTree) -> None:
    catalog = load_catalog(knowledge_tree())
    assert catalog.version == "test.1"
    assert catalog.get("brigade").member_of == ("umbrella",)
    assert catalog.get("person.leader").roles[0].start == date(2020, 1, 1)


def test_index_file_path_is_accepted(knowledge_tree: KnowledgeTree, base_actors: Actors) -> None:
    root = knowledge_tree()
    assert len(load_catalog(root / "catalog.yaml")) == len(base_actors)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "militia"}, "unknown kind 'militia'"),
        ({"country": "IQ"}, "not an ISO 3166-1 alpha-3 code"),
        ({"country": "SYR"}, "has no kind=state entry"),
        ({"member_of": ["nowhere"]}, "member_of refers to unknown actor 'nowhere'"),
        ({"aligned_with": ["nowhere"]}, "aligned_with refers to unknown actor 'nowhere'"),
        ({"leads": ["brigade"]}, "leads refers to itself"),
        ({"source": None}, "missing 'source'"),
        ({"source": "  "}, "missing 'source'"),
        ({"id": "Brigade One"}, "id must be lower-case"),
        ({"demonyms": ["Brigadian"]}, "only states have demonyms"),
        ({"short_names": ["Brig"]}, "only persons have short_names"),
        ({"ambiguous": ["XYZ"]}, "ambiguous form 'XYZ' is not one of the entry's forms"),
        ({"roles": [{"title": "Chief", "of": "nowhere"}]}, "role 'Chief' refers to unknown actor 'nowhere'"),
        (
            {"roles": [{"title": "Chief", "start": "2020-01-02", "end": "2020-01-01"}]},
            "ends before it starts",
        ),
        ({"roles": [{"title": "Chief", "since": "2020"}]}, "role has unknown fields"),
        ({"alias": ["Typo Field"]}, "unknown fields ['alias']"),
        ({"aliases": "not a list"}, "not a list of non-empty strings"),
        ({"name": None}, "needs a string 'name'"),
    ],
)
def test_validator_rejects_bad_entry(
    knowledge_tree: KnowledgeTree, base_actors: Actors, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(KnowledgeError) as err:
        load_catalog(knowledge_tree(actors=_with(base_actors, change)))
    assert message in str(err.value)


def test_duplicate_id_is_rejected(knowledge_tree: KnowledgeTree, base_actors: Actors) -> None:
    actors = base_actors + [dict(base_actors[3])]
    with pytest.raises(KnowledgeError, match="duplicate id 'brigade'"):
        load_catalog(knowledge_tree(actors=actors))


def test_second_state_for_one_code_is_rejected(knowledge_tree: KnowledgeTree, base_actors: Actors) -> None:
    actors = base_actors + [
        {"id": "iraq2", "name": "Mesopotamia", "kind": "state", "country": "IRQ", "source": "test fixture"}
    ]
    with pytest.raises(KnowledgeError, match="already has the state 'irq'"):
        load_catalog(knowledge_tree(actors=actors))


def test_state_without_code_is_rejected(knowledge_tree: KnowledgeTree, base_actors: Actors) -> None:
    with pytest.raises(KnowledgeError, match="a state needs its ISO"):
        load_catalog(knowledge_tree(actors=_with(base_actors, {"country": None}, index=1)))


def test_surface_form_claimed_twice_is_rejected(knowledge_tree: KnowledgeTree, base_actors: Actors) -> None:
    # "Umbrella Front" is the umbrella's name; spelled with other case and a dash it is the same form.
    with pytest.raises(KnowledgeError, match="surface form 'umbrella front' claimed by"):
        load_catalog(knowledge_tree(actors=_with(base_actors, {"aliases": ["umbrella-front"]})))


def test_clash_between_ambiguous_forms_is_allowed(knowledge_tree: KnowledgeTree, base_actors: Actors) -> None:
    actors = _with(base_actors, {"acronyms": ["UF"], "ambiguous": ["UF"]})
    actors[2] = {**actors[2], "acronyms": ["UF"], "ambiguous": ["UF"]}
    catalog = load_catalog(knowledge_tree(actors=actors))
    owners = {actor_id for text, actor_id, _ in catalog.surface_forms() if text == "UF"}
    assert owners == {"brigade", "umbrella"}


def test_clash_ambiguous_on_one_side_only_is_rejected(
    knowledge_tree: KnowledgeTree, base_actors: Actors
) -> None:
    actors = _with(base_actors, {"acronyms": ["UF"], "ambiguous": ["UF"]})
    actors[2] = {**actors[2], "acronyms": ["UF"]}
    with pytest.raises(KnowledgeError, match="surface form 'uf' claimed by"):
        load_catalog(knowledge_tree(actors=actors))


def test_shared_forms_rule_allows_a_clash(knowledge_tree: KnowledgeTree, base_actors: Actors) -> None:
    actors = _with(base_actors, {"aliases": ["The Front"]})
    actors[2] = {**actors[2], "aliases": ["The Front"]}
    rule = {"form": "The Front", "ids": ["brigade", "umbrella"], "prefer": "umbrella"}
    catalog = load_catalog(knowledge_tree(actors=actors, shared_actors=[rule]))
    assert catalog.shared_forms[surface_key("the front")].prefer == "umbrella"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"form": "Test Brigade", "ids": ["brigade", "ghost"]}, "refers to unknown actor 'ghost'"),
        ({"form": "Test Brigade", "ids": ["brigade", "umbrella"]}, "is not a form of 'umbrella'"),
        ({"form": "Test Brigade", "ids": ["brigade"]}, "two or more ids"),
        (
            {"form": "Test Brigade", "ids": ["brigade", "umbrella"], "prefer": "irq"},
            "'prefer' must be one of 'ids'",
        ),
    ],
)
def test_bad_shared_forms_rule_is_rejected(
    knowledge_tree: KnowledgeTree, rule: dict[str, Any], message: str
) -> None:
    with pytest.raises(KnowledgeError, match=message):
        load_catalog(knowledge_tree(shared_actors=[rule]))


def test_every_problem_is_reported_at_once(knowledge_tree: KnowledgeTree, base_actors: Actors) -> None:
    actors = _with(base_actors, {"kind": "militia", "member_of": ["nowhere"], "source": None})
    with pytest.raises(KnowledgeError) as err:
        load_catalog(knowledge_tree(actors=actors))
    text = str(err.value)
    assert "unknown kind" in text and "member_of refers" in text and "missing 'source'" in text


def test_members_of_is_transitive_and_survives_cycles(
    knowledge_tree: KnowledgeTree, base_actors: Actors
) -> None:
    actors = base_actors
    actors[2]["member_of"] = ["brigade"]  # umbrella <-> brigade: a cycle must not loop forever
    catalog = load_catalog(knowledge_tree(actors=actors))
    assert catalog.members_of("brigade") == frozenset({"umbrella"})
    assert catalog.members_of("umbrella") == frozenset({"brigade"})
    assert catalog.members_of("unknown") == frozenset()


def test_holders_respects_dates(knowledge_tree: KnowledgeTree) -> None:
    catalog = load_catalog(knowledge_tree())
    title = "commander of the test brigade"
    assert [a.id for a in catalog.holders(title, date(2021, 5, 1))] == ["person.leader"]
    assert catalog.holders(title, date(2019, 12, 31)) == []
    assert [a.id for a in catalog.holders(title, None)] == ["person.leader"]


# ------------------------------------------------------------------------------------- packaged data


def test_packaged_catalogue_validates_and_is_cached() -> None:
    catalog = load_catalog()
    assert catalog is load_catalog()
    assert len(catalog) > 500
    assert {a.kind for a in catalog.actors.values()} <= set(ACTOR_KINDS)


def test_every_un_member_and_observer_is_a_state() -> None:
    states = [a for a in load_catalog().actors.values() if a.kind == "state"]
    codes = {a.country for a in states}
    assert len(states) == 197  # 193 UN members + Holy See, Palestine, Kosovo, Taiwan
    assert {"VAT", "PSE", "XKX", "TWN", "USA", "IRQ", "IRN", "SSD"} <= codes
    assert all(a.id == a.country.lower() for a in states)
    missing_demonyms = sorted(a.id for a in states if not a.demonyms and a.country != "VAT")
    assert not missing_demonyms


def test_every_country_code_used_is_a_known_state() -> None:
    catalog = load_catalog()
    used = {a.country for a in catalog.actors.values() if a.country}
    assert all(catalog.state_of(code) is not None for code in used)


def test_pmf_factions_and_alignment() -> None:
    catalog = load_catalog()
    for faction in (
        "kataib_hezbollah",
        "asaib_ahl_al_haq",
        "badr_organization",
        "harakat_al_nujaba",
        "kataib_sayyid_al_shuhada",
        "saraya_al_salam",
    ):
        assert "pmf" in catalog.members_of(faction), faction
    assert "irn.irgc_qf" in catalog.get("kataib_hezbollah").aligned_with
    assert catalog.members_of("irn.irgc_qf") >= {"irn.irgc", "irn.military"}
    assert catalog.members_of("qassam_brigades") == frozenset({"hamas"})
    assert "islamic_state" in catalog.members_of("is_khorasan")
    assert "al_qaeda" in catalog.members_of("aqap")


def test_prime_minister_of_iraq_over_time() -> None:
    catalog = load_catalog()
    assert [a.id for a in catalog.holders("Prime Minister of Iraq", date(2024, 1, 1))] == [
        "person.mohammed_shia_al_sudani"
    ]
    assert [a.id for a in catalog.holders("Prime Minister of Iraq", date(2022, 10, 27))] == [
        "person.mohammed_shia_al_sudani"
    ]
    assert [a.id for a in catalog.holders("Prime Minister of Iraq", date(2010, 1, 1))] == [
        "person.nouri_al_maliki"
    ]
    assert "person.mohammed_shia_al_sudani" in [a.id for a in catalog.holders("Prime Minister of Iraq", None)]


@pytest.mark.parametrize(
    ("title", "on", "holder"),
    [
        ("Secretary-General of Hezbollah", date(2024, 9, 1), "person.hassan_nasrallah"),
        ("Secretary-General of Hezbollah", date(2025, 1, 1), "person.naim_qassem"),
        ("Commander of the Quds Force", date(2019, 6, 1), "person.qassem_soleimani"),
        ("Commander of the Quds Force", date(2024, 6, 1), "person.esmail_qaani"),
        ("President of the United States", date(2024, 6, 1), "person.joe_biden"),
        ("President of the United States", date(2025, 6, 1), "person.donald_trump"),
        ("Foreign Minister of Iran", date(2025, 2, 21), "person.abbas_araghchi"),
        ("President of Syria", date(2020, 1, 1), "person.bashar_al_assad"),
        ("President of Syria", date(2025, 6, 1), "person.ahmed_al_sharaa"),
    ],
)
def test_role_holders(title: str, on: date, holder: str) -> None:
    assert [a.id for a in load_catalog().holders(title, on)] == [holder]


def test_leaders_lead_their_organisations() -> None:
    catalog = load_catalog()
    assert "badr_organization" in catalog.get("person.hadi_al_amiri").leads
    assert "asaib_ahl_al_haq" in catalog.get("person.qais_al_khazali").leads
    assert "irn.mofa" in catalog.get("person.abbas_araghchi").leads
    led = {org for a in catalog.actors.values() for org in a.leads}
    assert all(catalog.get(org) is not None for org in led)


def test_every_role_refers_to_a_known_body() -> None:
    catalog = load_catalog()
    for actor in catalog.actors.values():
        for role in actor.roles:
            assert role.of is None or catalog.get(role.of) is not None, (actor.id, role.title)


def _owners(text: str) -> set[str]:
    key = surface_key(text)
    return {actor_id for form, actor_id, _ in load_catalog().surface_forms() if surface_key(form) == key}


@pytest.mark.parametrize(
    ("forms", "actor_id"),
    [
        (
            [
                "Kataib Hezbollah",
                "Kata'ib Hezbollah",
                "Kataeb Hezbollah",
                "Kataib Hizballah",
                "Kata’ib Hizbullah",
                "KH",
            ],
            "kataib_hezbollah",
        ),
        (["Asaib Ahl al-Haq", "Asa'ib Ahl al-Haq", "Asaib Ahl al Haq", "AAH"], "asaib_ahl_al_haq"),
        (
            [
                "Popular Mobilization Forces",
                "Popular Mobilisation Forces",
                "Hashd al-Shaabi",
                "al-Hashd al-Sha'bi",
                "PMF",
                "PMU",
            ],
            "pmf",
        ),
        (
            [
                "Houthis",
                "Ansar Allah",
                "Ansarallah",
                "pro-Houthi forces",
                "Military Forces of Yemen (2016-) Supreme Political Council",
            ],
            "houthis",
        ),
        (["Syrian Democratic Forces", "SDF", "QSD"], "sdf"),
        (["Islamic State", "ISIS", "ISIL", "Daesh", "Da'esh"], "islamic_state"),
        (["Hay'at Tahrir al-Sham", "Hayat Tahrir al-Sham", "HTS"], "hts"),
        (["Israel Defense Forces", "IDF", "Israeli forces", "Israeli army"], "isr.military"),
        (["Islamic Revolutionary Guard Corps", "IRGC", "Revolutionary Guards"], "irn.irgc"),
        (
            ["Mohammed Shia' al-Sudani", "Mohammed Shia al-Sudani", "Sudani", "al-Sudani"],
            "person.mohammed_shia_al_sudani",
        ),
        (["US Central Command", "CENTCOM", "American Central Command"], "usa.centcom"),
        (["Washington", "American", "United States", "US"], "usa"),
        (["Tehran", "Iranian"], "irn"),
        (["Baghdad", "Iraqi"], "irq"),
    ],
)
def test_naming_variants_resolve_to_one_actor(forms: list[str], actor_id: str) -> None:
    for form in forms:
        assert _owners(form) == {actor_id}, form


def test_ambiguous_short_acronyms_cannot_fire_alone() -> None:
    catalog = load_catalog()
    for text, actor_id in (
        ("IS", "islamic_state"),
        ("KH", "kataib_hezbollah"),
        ("AAH", "asaib_ahl_al_haq"),
        ("PA", "pse.pa"),
    ):
        assert text in catalog.get(actor_id).ambiguous


COMMON_WORDS = {
    "is",
    "us",
    "it",
    "in",
    "on",
    "at",
    "as",
    "an",
    "or",
    "he",
    "we",
    "no",
    "so",
    "do",
    "go",
    "me",
    "my",
    "up",
    "am",
    "be",
    "by",
    "of",
    "to",
    "if",
    "the",
    "and",
    "will",
    "may",
    "can",
    "hope",
    "justice",
    "reform",
    "unity",
    "forces",
    "army",
    "police",
    "government",
    "state",
    "resistance",
    "party",
}


def test_no_unambiguous_form_is_a_common_word() -> None:
    catalog = load_catalog()
    offenders = []
    for text, actor_id, form in catalog.surface_forms():
        if form == "acronym" or text in catalog.get(actor_id).ambiguous:
            continue
        if surface_key(text) in COMMON_WORDS:
            offenders.append((text, actor_id))
    assert not offenders


def test_acronyms_are_written_in_capitals() -> None:
    bad = [
        (t, a)
        for t, a, form in load_catalog().surface_forms()
        if form == "acronym" and sum(c.isupper() or c.isdigit() for c in t) < 2
    ]
    assert not bad
