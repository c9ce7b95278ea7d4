"""Spike rules over windowed tallies with an EWMA baseline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alerting_builders import T0, catalog, hostile_event, strike_events

from faultline.alerting.actors import ActorView
from faultline.alerting.config import parse_rules
from faultline.alerting.spikes import Observation, SpikeAlerting, Tally

RULES = {
    "version": "t1",
    "spikes": {"bucket": "1h", "baseline_span": "7d", "min_baseline": 0.05, "evidence": 3, "revise_factor": 2.0},
    "spike_rules": [
        {"id": "dyad_day", "scope": "dyad", "window": "24h", "metric": "events", "types": ["ASSAULT"],
         "min_ratio": 3.0, "min_count": 4, "min_sources": 2, "severity": "elevated", "suppress": "12h",
         "escalate": [{"when": {"min_count": 12}, "severity": "high"}]},
        {"id": "actor_hour", "scope": "actor", "window": "1h", "metric": "events",
         "min_ratio": 5.0, "min_count": 3, "min_sources": 1, "severity": "elevated", "suppress": "6h"},
        {"id": "country_weight", "scope": "country", "window": "24h", "metric": "weight", "types": ["ASSAULT"],
         "min_ratio": 2.0, "min_count": 2, "min_sources": 1, "severity": "elevated", "suppress": "6h"},
    ],
}


@pytest.fixture
def spikes() -> SpikeAlerting:
    return SpikeAlerting(parse_rules(RULES), ActorView(catalog()))


def run(spikes: SpikeAlerting, events, store: dict, *, scope: str | None = None):
    """Each event as its own article, as the stories agent would send it to the tables."""
    alerts = []
    for event in events:
        for obs in spikes.observations([event]):
            if scope and obs.scope != scope:
                continue
            for step in spikes.on_observation(obs, store.get, now=event.published):
                if step.state is not None:
                    store[step.key] = step.state
                if step.alert is not None:
                    alerts.append(step.alert)
    return alerts


def test_escalation_weight_counts_conflict_only():
    from faultline.alerting.spikes import escalation_weight

    assert escalation_weight(-9.5) == 9.5 and escalation_weight(4.0) == 0.0 and escalation_weight(0) == 0.0


def test_cooperative_weight_does_not_feed_the_weighted_metric(spikes):
    store: dict = {}
    calm = [hostile_event(i, when=T0 + timedelta(minutes=i), weight=7.0) for i in range(5)]
    assert not [a for a in run(spikes, calm, store, scope="country") if a.rule == "country_weight"]


def test_one_observation_per_subject_per_article(spikes):
    strike, negated, threat = strike_events()
    second = hostile_event(7, type="COERCE", weight=-4.0)
    second = second.model_copy(update={"article_id": strike.article_id, "story_id": strike.story_id})
    obs = {o.key: o for o in spikes.observations([strike, negated, threat, second])}
    assert sorted(obs) == ["actor:kataib_hezbollah", "actor:person.hadi_al_amiri", "actor:usa",
                           "actor:usa.military", "country:IRQ", "dyad:person.hadi_al_amiri|usa.military",
                           "dyad:usa|kataib_hezbollah"]
    dyad = obs["dyad:usa|kataib_hezbollah"]
    assert dyad.types == {"ASSAULT": 9.0, "COERCE": 4.0} and dyad.article_id == strike.article_id
    assert {a.id for a in dyad.actors} == {"usa", "kataib_hezbollah"} and dyad.dyad == "usa|kataib_hezbollah"
    assert [a.id for a in obs["actor:usa"].actors] == ["usa"]
    assert obs["actor:usa.military"].types == {"THREATEN": 9.0}  # the negated attack on it is not counted
    assert Observation.from_json(dyad.to_json()) == dyad


def test_excluded_events_are_not_counted(spikes):
    _, negated, _ = strike_events()
    assert spikes.observations([negated]) == []
    assert spikes.observations([strike_events(flags=["future_dated"])[0]]) == []


def test_a_type_no_rule_counts_is_not_observed():
    rules = parse_rules({**RULES, "spike_rules": [RULES["spike_rules"][0]]})
    threat = strike_events()[2]
    assert SpikeAlerting(rules).observations([threat]) == []


def test_tally_buckets_and_folds_into_the_baseline(spikes):
    store: dict = {}
    # one event a day for five days, then the head moves on
    run(spikes, [hostile_event(i, when=T0 + timedelta(days=i)) for i in range(5)], store, scope="dyad")
    tally = Tally.from_dict(store["dyad:usa|kataib_hezbollah"])
    assert len(tally.buckets) == 1  # only the latest day's bucket is inside the 24h window
    assert tally.folded is not None and tally.ewma_counts["ASSAULT"] > 0
    rate = spikes.baseline(tally, frozenset({"ASSAULT"}), "events")
    assert 0 < rate < 1 / 24 + 0.01  # about one event a day, spread over hourly buckets


def test_ewma_decays_over_quiet_hours(spikes):
    a = spikes._ewma_step({"X": 1.0}, {}, index=10, folded=9)
    b = spikes._ewma_step({"X": 1.0}, {}, index=30, folded=9)
    assert 0 < b["X"] < a["X"] < 1.0


def test_a_burst_on_a_quiet_dyad_fires_once_then_revises(spikes):
    store: dict = {}
    burst = [hostile_event(i, when=T0 + timedelta(minutes=5 * i), outlet=f"Outlet {i % 3}") for i in range(14)]
    alerts = [a for a in run(spikes, burst, store, scope="dyad")]
    assert alerts, "the burst should fire"
    assert len({a.alert_id for a in alerts}) == 1 and alerts[0].rule == "dyad_day"
    first = alerts[0]
    assert first.rule_kind == "spike" and first.dyad == "usa|kataib_hezbollah" and first.revision == 1
    assert first.sources >= 2 and first.title.startswith("Escalation: 4 events involving US and Kataib Hezbollah")
    # revisions only when the count doubled (revise_factor 2) or the band rose (12 events: high)
    assert [a.revision for a in alerts] == list(range(1, len(alerts) + 1))
    assert alerts[-1].severity == "high"
    assert len(alerts) <= 3
    assert len(alerts[-1].evidence) <= 3


def test_copies_of_one_story_add_sources_not_events(spikes):
    store: dict = {}
    copies = [strike_events(f"copy-{i}", outlet=f"Outlet {i}", story_id="st-9")[0] for i in range(6)]
    other_story = strike_events("other", outlet="Outlet X", story_id="st-10")[0]
    run(spikes, [*copies, other_story], store, scope="dyad")
    tally = Tally.from_dict(store["dyad:usa|kataib_hezbollah"])
    (bucket,) = tally.buckets.values()
    assert bucket.counts == {"ASSAULT": 2}
    assert len(bucket.outlets) == 7


def test_no_spike_without_enough_sources(spikes):
    burst = [hostile_event(i, when=T0 + timedelta(minutes=5 * i), outlet="Only Outlet") for i in range(8)]
    assert [a for a in run(spikes, burst, {}, scope="dyad")] == []


def test_no_spike_at_the_usual_rate(spikes):
    store: dict = {}
    # a busy dyad: five events a day for eight days, from three outlets
    steady = [hostile_event(d * 10 + i, when=T0 + timedelta(days=d, hours=4 * i), outlet=f"O{i % 3}")
              for d in range(8) for i in range(5)]
    run(spikes, steady[:-5], store, scope="dyad")
    assert run(spikes, steady[-5:], store, scope="dyad") == []


def test_a_sequence_number_or_article_already_counted_is_not_counted_twice(spikes):
    obs = spikes.observations([hostile_event(1)])[0]
    tally = spikes.observe(Tally(), obs, seq=5)
    assert spikes.observe(tally, obs, seq=5) is None
    assert spikes.observe(tally, obs, seq=6) is None  # the same article delivered again
    other = spikes.observations([hostile_event(2)])[0]
    again = spikes.observe(tally, other, seq=6)
    index = spikes.bucket_of(obs.time)
    assert again.buckets[index].counts["ASSAULT"] == 2


def test_events_older_than_the_window_are_ignored(spikes):
    store: dict = {}
    run(spikes, [hostile_event(1, when=T0 + timedelta(days=3))], store, scope="dyad")
    run(spikes, [hostile_event(2, when=T0)], store, scope="dyad")
    tally = Tally.from_dict(store["dyad:usa|kataib_hezbollah"])
    assert sum(sum(b.counts.values()) for b in tally.buckets.values()) == 1


def test_actor_scope_and_weighted_country_scope(spikes):
    store: dict = {}
    burst = [hostile_event(i, when=T0 + timedelta(minutes=i), weight=-9.0) for i in range(3)]
    alerts = run(spikes, burst, store)
    rules = {a.rule for a in alerts}
    assert "actor_hour" in rules and "country_weight" in rules
    country = next(a for a in alerts if a.rule == "country_weight")
    assert country.dyad is None and country.title.startswith("Escalation: 2 events involving Iraq in 24 h")


def test_tally_roundtrips(spikes):
    store: dict = {}
    run(spikes, [hostile_event(i, when=T0 + timedelta(hours=i)) for i in range(30)], store)
    tallies = {k: v for k, v in store.items() if k.split(":")[0] in ("actor", "dyad", "country")}
    assert len(tallies) == 4
    for raw in tallies.values():
        assert Tally.from_dict(raw).to_dict() == raw
