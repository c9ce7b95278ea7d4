"""Actor and place resolution: capitals, demonyms, ambiguous forms, short names, new people, local forces."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


def _ids(result):
    return {a.id for a in result.actors}


def _places(result):
    return {p.id for p in result.places}


def test_capital_is_the_government_unless_the_context_is_a_place(tagger):
    result = tagger.tag("Talks between Baghdad and Washington resumed. Protesters gathered in Baghdad.")
    usa = next(a for a in result.actors if a.id == "usa")
    assert [m.text for m in usa.mentions] == ["Washington"]
    assert "usa.washington" not in _places(result)
    baghdad = next(p for p in result.places if p.id == "irq.baghdad")
    assert len(baghdad.mentions) == 1 and baghdad.mentions[0].start > 40


def test_dateline_capital_is_a_place(tagger):
    assert "irq.baghdad" in _places(tagger.tag("BAGHDAD, Feb. 21 \u2014 Talks resumed."))


def test_seat_of_government(tagger):
    result = tagger.tag("The foreign ministry in Tehran condemned the move.")
    assert "irn" in _ids(result)


def test_country_name_is_a_place_and_the_state(tagger):
    result = tagger.tag("Iraq condemned strikes in Iraq.")
    iraq = next(a for a in result.actors if a.id == "irq")
    assert [m.start for m in iraq.mentions] == [0]
    assert "irq" in _places(result)


def test_demonym_with_force_noun_is_the_armed_forces(tagger):
    result = tagger.tag("Iraqi army units and Iranian officials met.")
    assert {"irq.military", "irn"} <= _ids(result)


def test_demonym_with_people_noun_is_an_unresolved_group(tagger):
    result = tagger.tag("Israeli soldiers detained Palestinian civilians.")
    group = next(a for a in result.actors if a.name == "Palestinian civilians")
    assert (group.id, group.resolved, group.country, group.kind) == (None, False, "PSE", "other")


def test_ambiguous_acronym_needs_an_unambiguous_mention(tagger):
    assert "kataib_hezbollah" not in _ids(tagger.tag("KH said nothing."))
    assert "kataib_hezbollah" in _ids(tagger.tag("Kataib Hezbollah is known as KH. KH said nothing."))


def test_ambiguous_acronym_heading_a_group_noun_counts(tagger):
    assert "kataib_hezbollah" in _ids(tagger.tag("KH fighters fired rockets."))


def test_short_name_needs_a_full_mention_first(tagger):
    assert "person.mohammed_shia_al_sudani" not in _ids(tagger.tag("Sudani spoke."))
    result = tagger.tag("Mohammed Shia' al-Sudani spoke. Later Sudani left.")
    sudani = next(a for a in result.actors if a.id == "person.mohammed_shia_al_sudani")
    assert [m.text for m in sudani.mentions] == ["Mohammed Shia' al-Sudani", "Sudani"]


def test_title_licenses_a_short_name(tagger):
    assert "person.mohammed_shia_al_sudani" in _ids(tagger.tag("Prime Minister Sudani spoke."))


def test_member_of_is_transitive(tagger):
    kh = next(a for a in tagger.tag("Kataib Hezbollah fired.").actors if a.id == "kataib_hezbollah")
    assert kh.member_of == ["pmf"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "The killed commander, identified by CENTCOM as Abu Haider al-Lami, was buried.",
            "Abu Haider al-Lami",
        ),
        ("A man identified as Karim Rahman was arrested.", "Karim Rahman"),
    ],
)
def test_new_person_patterns(tagger, text, name):
    person = next(a for a in tagger.tag(text).actors if a.name == name)
    assert (person.id, person.resolved, person.kind) == (None, False, "person")


def test_new_person_leader_of_a_group_is_a_member(tagger):
    result = tagger.tag("Omar Khalil, the leader of Kataib Hezbollah, spoke.")
    person = next(a for a in result.actors if a.name == "Omar Khalil")
    assert "kataib_hezbollah" in person.member_of and "pmf" in person.member_of


def test_new_person_is_corefered_by_family_name(tagger):
    text = "The commander was identified as Abu Haider al-Lami. Officials said al-Lami planned attacks."
    person = next(a for a in tagger.tag(text).actors if a.name == "Abu Haider al-Lami")
    assert [m.text for m in person.mentions] == ["Abu Haider al-Lami", "al-Lami"]


def test_title_with_country_resolves_the_office_holder_on_the_date(tagger):
    result = tagger.tag("The Iraqi Prime Minister condemned it.", published=datetime(2025, 1, 1, tzinfo=UTC))
    assert "person.mohammed_shia_al_sudani" in _ids(result)
    early = tagger.tag("The Iraqi Prime Minister condemned it.", published=datetime(2020, 1, 1, tzinfo=UTC))
    assert "person.mohammed_shia_al_sudani" not in _ids(early)


def test_title_with_unknown_name_is_a_new_person_of_the_country(tagger):
    person = next(
        a for a in tagger.tag("Iraqi President Abdul Latif Rashid spoke.").actors if a.kind == "person"
    )
    assert (person.name, person.country) == ("Abdul Latif Rashid", "IRQ")


def test_forces_without_a_country_take_the_country_of_the_place(tagger):
    result = tagger.tag("Police forces arrested two men in Baghdad.")
    assert "irq.military" in _ids(result) or "irq" in _ids(result)


def test_named_force_is_not_localised(tagger):
    result = tagger.tag("US forces and the police met in Baghdad.")
    police = [m for a in result.actors for m in a.mentions if m.text == "US forces"]
    assert police and "usa.military" in _ids(result)
