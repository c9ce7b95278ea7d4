"""What rules know about actors: kinds they act as, whom they speak for, short names."""

from __future__ import annotations

from alerting_builders import catalog

from faultline.alerting.actors import ActorView
from faultline.schema import ActorRef

VIEW = ActorView(catalog())
AMIRI = ActorRef(id="person.hadi_al_amiri", name="Hadi al-Amiri", kind="person")
KH = ActorRef(id="kataib_hezbollah", name="Kataib Hezbollah", kind="armed_group", member_of=["pmf"])


def test_a_person_acts_as_the_groups_he_leads_an_organisation_only_as_itself():
    assert VIEW.acts_as(AMIRI) == {"person", "armed_group"}
    assert VIEW.acts_as(KH) == {"armed_group"}
    assert ActorView().acts_as(AMIRI) == {"person"}


def test_identities_and_affiliations():
    assert VIEW.identities(AMIRI) == {"person.hadi_al_amiri", "badr_organization"}
    assert VIEW.affiliations(AMIRI) == {"badr_organization", "pmf"}
    assert VIEW.affiliations(KH) == {"pmf"}
    assert VIEW.identities(ActorRef(name="unknown")) == frozenset()


def test_resolve_by_id_name_or_alias():
    assert VIEW.resolve("pmf") == {"pmf"}
    assert VIEW.resolve("popular mobilisation forces") == {"pmf"}
    assert VIEW.resolve("Badr Organisation") == {"badr_organization"}
    assert VIEW.resolve("nobody") == frozenset()


def test_display_names_prefer_unambiguous_acronyms():
    assert VIEW.display_name(ActorRef(id="usa", name="United States")) == "US"
    assert VIEW.display_name(KH) == "Kataib Hezbollah"  # "KH" is ambiguous
    assert VIEW.display_name(ActorRef(id="usa", name="United States"), prefer_acronyms=False) == "United States"
    assert VIEW.display_name(ActorRef(name="Abu Haider al-Lami")) == "Abu Haider al-Lami"


def test_country_names():
    assert VIEW.country_name("IRQ") == "Iraq"
    assert VIEW.country_name("XYZ") == "XYZ"
