"""Event rules, alert identity, revisions and suppression, on hand-built events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alerting_builders import T0, catalog, hostile_event, strike_events

from faultline.alerting.actors import ActorView
from faultline.alerting.config import load_rules
from faultline.alerting.developments import Development, alert_id, window_start_for
from faultline.alerting.event_rules import EventAlerting, raised_band
from faultline.schema import Alert, Event

NOW = T0 + timedelta(minutes=5)


@pytest.fixture
def alerting() -> EventAlerting:
    return EventAlerting(load_rules(), ActorView(catalog()))


def feed(alerting: EventAlerting, events: list[Event], store: dict, *, now=NOW) -> list[Alert]:
    """Apply events as the processors do: state into ``store``, alerts collected in order."""
    emitted = []
    for event in events:
        for step in alerting.on_event(event, store.get, now=now):
            if step.state is not None:
                store[step.key] = step.state
            if step.alert is not None:
                emitted.append(step.alert)
    return emitted


def test_lethal_strike_raises_a_high_alert_citing_its_sentence(alerting):
    strike, negated, threat = strike_events()
    (alert,) = feed(alerting, [strike], {})
    assert alert.rule == "lethal_assault_state_forces" and alert.rule_kind == "event"
    assert alert.severity == "high" and alert.revision == 1
    assert alert.dyad == "usa|kataib_hezbollah" and alert.story_id == "st-1"
    assert {a.id for a in alert.actors} == {"usa", "kataib_hezbollah"}
    assert alert.event_types == ["ASSAULT"] and alert.dead == 1 and alert.sources == 1
    assert [e.sentence for e in alert.evidence] == [strike.sentence]
    assert "drone strike killed" in alert.evidence[0].sentence
    assert alert.evidence[0].url == strike.url and alert.evidence[0].article_id == strike.article_id
    assert alert.title == "US drone strike on Kataib Hezbollah kills 1 in Jurf al-Sakhar"
    assert alert.created == alert.updated == NOW
    assert alert.versions.catalog == "cat-1" and "alerts." in alert.versions.rules
    assert [p.name for p in alert.places] == ["Jurf al-Sakhar"]


def test_a_negated_attack_raises_nothing(alerting):
    _, negated, _ = strike_events()
    assert negated.negated
    assert alerting.matching(negated) == []
    assert feed(alerting, [negated], {}) == []


def test_a_leader_threatening_state_forces_speaks_for_his_armed_group(alerting):
    _, _, threat = strike_events()
    (alert,) = feed(alerting, [threat], {})
    assert alert.rule == "armed_group_threat_to_state" and alert.severity == "elevated"
    assert alert.title.startswith("Hadi al-Amiri threatens")
    # without the catalogue, a person is only a person: no armed-group threat
    assert EventAlerting(load_rules()).matching(threat) == []


def test_stale_or_future_dated_articles_never_alert(alerting):
    strike, _, _ = strike_events(flags=["stale"])
    assert feed(alerting, [strike], {}) == []


def test_three_outlets_one_alert_three_revisions(alerting):
    store: dict = {}
    copies = [strike_events(f"art-{i}", outlet=f"Outlet {i}", published=T0 + timedelta(minutes=10 * i))[0]
              for i in range(3)]
    alerts = feed(alerting, copies, store)
    assert len({a.alert_id for a in alerts}) == 1
    assert [a.revision for a in alerts] == [1, 2, 3]
    assert [a.sources for a in alerts] == [1, 2, 3]
    assert len(alerts[-1].evidence) == 3 and alerts[-1].created == alerts[0].created


def test_a_repeat_from_the_same_outlet_is_suppressed_but_remembered(alerting):
    store: dict = {}
    first = strike_events("art-1")[0]
    repeat = strike_events("art-2", published=T0 + timedelta(minutes=30))[0]
    assert len(feed(alerting, [first], store)) == 1
    assert feed(alerting, [repeat], store) == []
    (state,) = store.values()
    dev = Development.from_dict(state)
    assert repeat.event_id in dev.event_ids and dev.alert.revision == 1


def test_replaying_an_event_changes_nothing(alerting):
    store: dict = {}
    strike = strike_events()[0]
    feed(alerting, [strike], store)
    before = dict(store)
    assert alerting.on_event(strike, store.get, now=NOW + timedelta(hours=1)) == []
    assert store == before


def test_a_sequence_number_already_applied_is_skipped(alerting):
    store: dict = {}
    strike = strike_events("art-1")[0]
    other = strike_events("art-2", outlet="Outlet B")[0]
    for step in alerting.on_event(strike, store.get, now=NOW, seq=7):
        store[step.key] = step.state
    assert alerting.on_event(other, store.get, now=NOW, seq=7) == []
    assert alerting.on_event(other, store.get, now=NOW, seq=8)[0].alert.revision == 2


def test_more_dead_is_a_revision_and_ten_dead_is_critical(alerting):
    store: dict = {}
    alerts = feed(alerting, [strike_events("art-1", dead=1)[0],
                             strike_events("art-2", dead=3)[0],
                             strike_events("art-3", dead=12)[0]], store)
    assert [(a.revision, a.dead, a.severity) for a in alerts] == [(1, 1, "high"), (2, 3, "high"),
                                                                    (3, 12, "critical")]
    assert "kills 12" in alerts[-1].title


def test_another_story_about_the_same_dyad_is_another_alert(alerting):
    a = strike_events("art-1", story_id="st-1")[0]
    b = strike_events("art-2", story_id="st-2", outlet="Outlet B")[0]
    alerts = feed(alerting, [a, b], {})
    assert len({x.alert_id for x in alerts}) == 2


def test_window_and_suppression_decide_when_a_development_ends(alerting):
    rule = load_rules().event_rule("lethal_assault_state_forces")
    store: dict = {}
    first = strike_events("art-1", published=T0)[0]
    within = strike_events("art-2", outlet="B", published=T0 + rule.window - timedelta(minutes=5))[0]
    suppressed = strike_events("art-3", outlet="C", published=T0 + rule.window + rule.suppress / 2)[0]
    later = strike_events("art-4", outlet="D", published=T0 + 3 * rule.window + 2 * rule.suppress)[0]
    alerts = feed(alerting, [first, within, suppressed, later], store)
    ids = [a.alert_id for a in alerts]
    assert ids[0] == ids[1] == ids[2] != ids[3]
    assert alerts[3].revision == 1


def test_alert_ids_are_deterministic_across_fresh_state(alerting):
    events = [strike_events(f"art-{i}", outlet=f"O{i}")[0] for i in range(3)] + strike_events("x", story_id="st-2")
    first = [(a.alert_id, a.revision, a.sources) for a in feed(alerting, events, {})]
    second = [(a.alert_id, a.revision, a.sources) for a in feed(alerting, events, {}, now=NOW + timedelta(days=1))]
    assert first == second


def test_alert_id_reflects_rule_subject_and_window():
    start = window_start_for(T0 + timedelta(minutes=37))
    assert start == T0
    ids = {alert_id("r", "s", start), alert_id("r2", "s", start), alert_id("r", "s2", start),
           alert_id("r", "s", start + timedelta(hours=1))}
    assert len(ids) == 4 and all(i.startswith("al-") for i in ids)


def test_assault_on_forces_without_deaths_is_elevated(alerting):
    ev = hostile_event(1, source="kataib_hezbollah", target="usa.military")
    (alert,) = feed(alerting, [ev], {})
    assert alert.rule == "assault_on_state_forces" and alert.severity == "elevated"


def test_an_attack_on_forces_by_an_unknown_attacker_is_left_to_the_tables(alerting):
    ev = hostile_event(1, source="kataib_hezbollah", target="usa.military")
    unknown = ev.model_copy(update={"source": ev.source.model_copy(update={"id": None}), "dyad": None})
    assert alerting.matching(unknown) == []


def test_an_attack_between_non_state_parties_without_deaths_is_no_event_alert(alerting):
    ev = hostile_event(1, source="kataib_hezbollah", target="villagers")
    assert alerting.matching(ev) == []


@pytest.mark.parametrize(("figures", "band"), [({"dead": 0}, "high"), ({"dead": 10}, "critical")])
def test_escalations(figures, band):
    rule = load_rules().event_rule("lethal_assault_state_forces")
    assert raised_band(rule.severity, rule.escalate, figures) == band


def test_development_state_roundtrips(alerting):
    store: dict = {}
    feed(alerting, strike_events(), store)
    for raw in store.values():
        assert Development.from_dict(raw).to_dict() == raw


def test_the_cheap_prefilter_agrees_with_the_rules(alerting):
    strike, negated, threat = strike_events()
    consult = hostile_event(1, type="CONSULT")
    assert alerting.may_match(strike.to_dict()) and alerting.may_match(threat.to_dict())
    assert not alerting.may_match(negated.to_dict())
    assert not alerting.may_match(consult.to_dict()) and alerting.matching(consult) == []
    stale = strike_events(flags=["stale"])[0]
    assert not alerting.may_match(stale.to_dict()) and alerting.matching(stale) == []
