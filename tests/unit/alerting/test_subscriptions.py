"""Subscription matching: actors (and whom they lead), members of groups, dyads, types, places, keywords."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alerting_builders import T0, catalog, strike_events

from faultline.alerting.actors import ActorView
from faultline.alerting.config import load_rules
from faultline.alerting.event_rules import EventAlerting
from faultline.alerting.subscriptions import SubscriptionMatcher, SubscriptionSet
from faultline.schema import Alert, Subscription


def _alerts() -> dict[str, Alert]:
    alerting = EventAlerting(load_rules(), ActorView(catalog()))
    found = {}
    for event in strike_events():
        for step in alerting.on_event(event, {}.get, now=T0 + timedelta(minutes=5)):
            found[step.alert.rule] = step.alert
    return found


@pytest.fixture(scope="module")
def alerts() -> dict[str, Alert]:
    found = _alerts()
    assert set(found) == {"lethal_assault_state_forces", "armed_group_threat_to_state"}
    return found


@pytest.fixture
def matcher() -> SubscriptionMatcher:
    return SubscriptionMatcher(ActorView(catalog()))


def _matches(matcher, alert, **filters) -> bool:
    return matcher.matches(matcher.compile(Subscription(name="s", min_severity="low", **filters)), alert)


STRIKE, THREAT = "lethal_assault_state_forces", "armed_group_threat_to_state"


def test_by_name_the_threat_of_badrs_leader_reaches_badr_subscribers(matcher, alerts):
    assert _matches(matcher, alerts[THREAT], actors=["Badr Organisation"])
    assert _matches(matcher, alerts[THREAT], actors=["badr_organization"])
    assert not _matches(matcher, alerts[STRIKE], actors=["Badr Organisation"])


def test_members_of_a_group(matcher, alerts):
    assert _matches(matcher, alerts[STRIKE], members_of=["Popular Mobilisation Forces"])  # Kataib Hezbollah
    assert _matches(matcher, alerts[THREAT], members_of=["pmf"])  # Hadi al-Amiri leads Badr, a PMF member
    assert not _matches(matcher, alerts[STRIKE], actors=["pmf"])  # the PMF itself is not a party


def test_actor_not_in_the_catalogue_matches_by_name(matcher, alerts):
    assert _matches(matcher, alerts[STRIKE], actors=["kataib  HEZBOLLAH"])
    assert not _matches(matcher, alerts[STRIKE], actors=["Nobody Known"])


def test_dyads(matcher, alerts):
    assert _matches(matcher, alerts[STRIKE], dyads=["usa|kataib_hezbollah"])
    assert _matches(matcher, alerts[STRIKE], dyads=["United States|"])  # any target
    assert not _matches(matcher, alerts[STRIKE], dyads=["kataib_hezbollah|usa"])


@pytest.mark.parametrize(("filters", "expected"), [
    ({"event_types": ["assault"]}, True),
    ({"event_types": ["THREATEN"]}, False),
    ({"countries": ["irq"]}, True),
    ({"countries": ["IRN"]}, False),
    ({"places": ["Jurf al-Sakhar"]}, True),
    ({"places": ["irq.jurf_al_sakhar"]}, True),
    ({"places": ["Basra"]}, False),
    ({"keywords": ["drone"]}, True),
    ({"keywords": ["dron"]}, False),
    ({"keywords": ["DRONE"], "event_types": ["THREATEN"]}, False),
    ({}, True),
])
def test_facets(matcher, alerts, filters, expected):
    assert _matches(matcher, alerts[STRIKE], **filters) is expected


def test_minimum_severity(matcher, alerts):
    sub = matcher.compile(Subscription(name="s", min_severity="high"))
    assert matcher.matches(sub, alerts[STRIKE])
    assert not matcher.matches(sub, alerts[THREAT])  # elevated


def test_the_set_follows_adds_updates_and_deletes(alerts):
    subs = SubscriptionSet(SubscriptionMatcher(ActorView(catalog())))
    subs.apply("badr", Subscription(name="badr", actors=["Badr Organisation"]))
    subs.apply("all-high", Subscription(name="all-high", min_severity="high"))
    assert subs.route(alerts[THREAT]) == ["badr"]
    assert subs.route(alerts[STRIKE]) == ["all-high"]
    subs.apply("badr", Subscription(name="badr", actors=["Badr Organisation"], min_severity="critical"))
    assert subs.route(alerts[THREAT]) == []
    subs.apply("all-high", None)
    assert subs.names() == ["badr"] and "all-high" not in subs and len(subs) == 1
