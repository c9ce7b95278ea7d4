"""The agents under Faust's test_context: decode, call the core, send; dead-letter what fails."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from alerting_builders import NEGATED, STRIKE, T0, THREAT, article, hostile_event, strike_events
from processor_fakes import NOW, until

from faultline.alerting.spikes import Observation
from faultline.schema import Alert, DeadLetter, Event, Subscription, TaggedArticle
from faultline.transform import event_key
from processors.records import CANDIDATE, EVENT, OBSERVATION, TAGGED, StoryRequest, pack_batch, unpack_batch

BODY = f"{STRIKE} {NEGATED} {THREAT}"


def _raw(article_id: str, outlet: str, body: str = BODY, minutes: int = 0) -> bytes:
    return article(article_id, title="US strike kills commander", body=body, outlet=outlet,
                   published=T0 + timedelta(minutes=minutes)).to_json()


async def _tag(pipeline, outbox, puts: list[tuple[bytes, bytes, int]]) -> None:
    """Put (value, key, partition) records to the tag agent and wait until each became a story request or a
    dead letter."""
    async with pipeline.tag_agent.test_context() as agent:
        for value, key, partition in puts:
            await agent.put(value, key=key, partition=partition, wait=False)
        await until(lambda: len(_requested(pipeline, outbox)) + len(outbox.to(pipeline.names.dlq)) >= len(puts))


def _requested(pipeline, outbox) -> list[str]:
    """The article ids of the story requests the tag agent sent, in order."""
    return [StoryRequest.from_bytes(raw).article_id for _, value in outbox.to(pipeline.story_topic.get_topic_name())
            for raw in unpack_batch(value)]


async def test_tag_agent_tags_and_requests_a_story(pipeline, outbox, tagger):
    await _tag(pipeline, outbox, [(_raw("a1", "Outlet A"), b"a1", 0)])
    (key, value), = outbox.to(pipeline.story_topic.get_topic_name())
    (request,) = [StoryRequest.from_bytes(raw) for raw in unpack_batch(value)]
    assert key == "a1" and tagger.calls == ["a1"] and request.article_id == "a1"
    records = [(kind, k, v) for kind, k, v in request.stamped("st-x")]
    assert [kind for kind, _, _ in records] == [TAGGED, CANDIDATE, EVENT, CANDIDATE, *[OBSERVATION] * 6]
    (_, tagged_key, tagged_value), = [r for r in records if r[0] == TAGGED]
    tagged = TaggedArticle.from_json(tagged_value)
    assert tagged_key == "a1" and tagged.tagged_at == NOW and tagged.story_id == "st-x"
    assert [e.type for e in tagged.events] == ["ASSAULT", "ASSAULT", "THREATEN"]
    events = [(k, Event.from_json(v)) for kind, k, v in records if kind in (EVENT, CANDIDATE)]
    assert [e.event_id for _, e in events] == [e.event_id for e in tagged.events]
    assert [k for k, _ in events] == [event_key(e) for _, e in events]
    assert all(e.story_id == "st-x" for _, e in events)
    assert events[1][1].negated  # the negated attack is an event, not a candidate
    observations = [(k, Observation.from_json(v)) for kind, k, v in records if kind == OBSERVATION]
    assert [k for k, _ in observations] == [o.key for _, o in observations]  # the negated attack is not counted
    assert {o.story_id for _, o in observations} == {"st-x"}
    assert len(request.sketch) > 5 and list(request.sketch) == sorted(request.sketch)


async def test_poison_records_go_to_the_dead_letter_topic_with_their_origin(pipeline, outbox):
    poison = b"\xff\xfe not json at all"
    await _tag(pipeline, outbox, [(poison, b"k1", 2), (_raw("boom", "Outlet A", body="This will explode."), b"boom", 0),
                                  (_raw("a1", "Outlet A"), b"a1", 0)])
    letters = [DeadLetter.from_json(v) for _, v in outbox.to(pipeline.names.dlq)]
    assert [d.stage for d in letters] == ["tag", "tag"]
    bad, failed = letters
    assert bad.payload() == poison and bad.error_type == "SchemaError" and bad.key == "k1"
    assert bad.topic == pipeline.names.raw_articles and bad.partition == 2 and bad.offset == 0
    assert failed.error_type == "RuntimeError" and "on purpose" in failed.error and failed.offset == 1
    assert all(w for t, _, _, _, w in outbox.sent if t == pipeline.names.dlq)  # acknowledged before moving on
    # the stream went on after the failures
    assert _requested(pipeline, outbox) == ["a1"]


async def _tag_and_assign(pipeline, outbox, copies):
    await _tag(pipeline, outbox, [(_raw(article_id, outlet, minutes=minutes), article_id.encode(), 0)
                                  for article_id, outlet, minutes in copies])
    requests = [v for _, v in outbox.to(pipeline.story_topic.get_topic_name())]
    async with pipeline.stories_agent.test_context() as agent:
        for value in requests:
            await agent.put(value)


async def test_stories_agent_clusters_copies_and_emits_tagged_articles_and_events(pipeline, outbox):
    await _tag_and_assign(pipeline, outbox, [("a1", "A", 0), ("a2", "B", 10), ("a3", "C", 20)])
    tagged = [TaggedArticle.from_json(v) for _, v in outbox.to(pipeline.names.tagged_articles)]
    assert [t.article_id for t in tagged] == ["a1", "a2", "a3"]
    assert len({t.story_id for t in tagged}) == 1 and tagged[0].story_id
    events = outbox.to(pipeline.names.events)
    assert len(events) == 9
    for key, value in events:
        ev = Event.from_json(value)
        assert key == event_key(ev) and ev.story_id == tagged[0].story_id
    strike = Event.from_json(events[0][1])
    assert strike.dyad == "usa|kataib_hezbollah" and events[0][0] == "usa|kataib_hezbollah"
    # each article sums up for the escalation tables: one observation per subject, the negated attack left out
    observed = outbox.to(pipeline.observations_topic.get_topic_name())
    subjects = {"actor:usa", "actor:kataib_hezbollah", "dyad:usa|kataib_hezbollah", "actor:person.hadi_al_amiri",
                "actor:usa.military", "dyad:person.hadi_al_amiri|usa.military"}
    assert {k for k, _ in observed} == subjects and len(observed) == 3 * len(subjects)
    assert {Observation.from_json(v).story_id for _, v in observed} == {tagged[0].story_id}
    # only the events an event rule may match go on to the alerts agent: the strike and the threat
    candidates = [Event.from_json(v) for _, v in outbox.to(pipeline.candidates_topic.get_topic_name())]
    assert sorted(e.type for e in candidates) == ["ASSAULT", "ASSAULT", "ASSAULT", "THREATEN", "THREATEN",
                                                  "THREATEN"]
    assert not any(e.negated for e in candidates) and all(e.story_id == tagged[0].story_id for e in candidates)


async def test_a_bad_request_in_a_batch_is_dead_lettered_alone(pipeline, outbox):
    await _tag(pipeline, outbox, [(_raw("a1", "A"), b"a1", 0), (_raw("a2", "B", body=STRIKE, minutes=5), b"a2", 0)])
    (value,) = [v for _, v in outbox.to(pipeline.story_topic.get_topic_name())]
    first, second = unpack_batch(value)
    async with pipeline.stories_agent.test_context() as agent:
        await agent.put(pack_batch([first, b"FSR\x01 garbage", second]), key=b"a1")
    (letter,) = [DeadLetter.from_json(v) for _, v in outbox.to(pipeline.names.dlq)]
    assert letter.stage == "stories" and letter.payload() == b"FSR\x01 garbage" and letter.error_type == "SchemaError"
    assert [TaggedArticle.from_json(v).article_id for _, v in outbox.to(pipeline.names.tagged_articles)] == ["a1", "a2"]


async def test_a_bad_story_request_is_dead_lettered(pipeline, outbox):
    async with pipeline.stories_agent.test_context() as agent:
        await agent.put(b'{"sketch": "nope"}')
    (letter,) = [DeadLetter.from_json(v) for _, v in outbox.to(pipeline.names.dlq)]
    assert letter.stage == "stories" and letter.payload() == b'{"sketch": "nope"}'


async def _alerts_for(pipeline, outbox, events: list[Event]) -> list[Alert]:
    async with pipeline.alerts_agent.test_context() as agent:
        for ev in events:
            await agent.put(ev.to_json(), key=event_key(ev).encode())
    return [Alert.from_json(v) for _, v in outbox.to(pipeline.names.alerts)]


async def test_alerts_agent_raises_one_alert_per_development_and_records_it(pipeline, outbox):
    copies = [strike_events(f"a{i}", outlet=f"Outlet {i}")[0] for i in range(3)]
    negated = strike_events("a0")[1]
    alerts = await _alerts_for(pipeline, outbox, [*copies, negated])
    assert [(a.rule, a.revision, a.sources) for a in alerts] == [("lethal_assault_state_forces", r, r)
                                                                  for r in (1, 2, 3)]
    assert len({a.alert_id for a in alerts}) == 1 and alerts[0].severity == "high"
    state = pipeline.developments.get(f"lethal_assault_state_forces|st-1/{copies[0].dyad}")
    assert state["alert"]["revision"] == 3


async def test_redelivered_events_raise_no_new_alert(pipeline, outbox):
    strike = strike_events("a1")[0]
    first = await _alerts_for(pipeline, outbox, [strike])
    again = await _alerts_for(pipeline, outbox, [strike, strike])
    assert len(first) == 1 and again == first


async def test_alerts_agent_dead_letters_what_is_not_an_event(pipeline, outbox):
    async with pipeline.alerts_agent.test_context() as agent:
        await agent.put(b"\x00 not json", key=b"x")
        await agent.put(b'{"type": "ASSAULT"}', key=b"y")
    letters = [DeadLetter.from_json(v) for _, v in outbox.to(pipeline.names.dlq)]
    topic = pipeline.candidates_topic.get_topic_name()
    assert [(d.stage, d.key, d.topic, d.error_type) for d in letters] == [
        ("alerts", "x", topic, "SchemaError"), ("alerts", "y", topic, "SchemaError")]


async def test_tables_agent_raises_a_spike_alert_from_a_burst(pipeline, outbox):
    burst = [hostile_event(i, type="THREATEN", when=T0 + timedelta(minutes=2 * i), outlet=f"Outlet {i % 4}")
             for i in range(12)]
    observations = [obs for ev in burst for obs in pipeline.core.spikes.observations([ev])]
    async with pipeline.tables_agent.test_context() as agent:
        for obs in observations:
            await agent.put(obs.to_json(), key=obs.key.encode())
    spikes = [Alert.from_json(v) for _, v in outbox.to(pipeline.names.alerts)]
    assert spikes and {a.rule_kind for a in spikes} == {"spike"}
    assert "dyad_escalation_24h" in {a.rule for a in spikes}
    assert pipeline.escalation.get("dyad:usa|kataib_hezbollah")["head"] is not None


async def test_subscriptions_agent_routes_to_each_matching_subscription(pipeline, outbox):
    pipeline.feed.apply(b"badr", Subscription(name="badr", actors=["Badr Organisation"]).to_json())
    pipeline.feed.apply(b"high", Subscription(name="high", min_severity="high").to_json())
    pipeline.feed.ready.set()
    alerts = [a for a in await _alerts_for(pipeline, outbox, strike_events("a1"))]
    assert {a.rule for a in alerts} == {"lethal_assault_state_forces", "armed_group_threat_to_state"}
    async with pipeline.subscriptions_agent.test_context() as agent:
        for alert in alerts:
            await agent.put(alert.to_json(), key=alert.alert_id.encode())
    badr = [Alert.from_json(v) for _, v in outbox.to(pipeline.names.subscription_alerts("badr"))]
    high = [Alert.from_json(v) for _, v in outbox.to(pipeline.names.subscription_alerts("high"))]
    assert [a.rule for a in badr] == ["armed_group_threat_to_state"] and badr[0].subscriptions == ["badr"]
    assert [a.rule for a in high] == ["lethal_assault_state_forces"]


def test_subscription_feed_applies_updates_tombstones_and_ignores_garbage(pipeline):
    feed = pipeline.feed
    feed.apply(b"badr", Subscription(name="badr", actors=["badr_organization"]).to_json())
    feed.apply(b"junk", b"{not json")
    feed.apply(None, b"{}")
    assert pipeline.subscriptions.names() == ["badr"]
    feed.apply(b"badr", None)
    assert pipeline.subscriptions.names() == []


async def test_a_send_failure_stops_the_agent_instead_of_dead_lettering(pipeline, outbox):
    async def refuse(*args, **kwargs):
        raise ConnectionError("broker gone")

    outbox.send = refuse
    async with pipeline.tag_agent.test_context() as agent:
        await agent.put(_raw("a1", "Outlet A"), key=b"a1", wait=False)
        await until(lambda: pipeline.app.crash_reason is not None)
    assert isinstance(pipeline.app.crash_reason, ConnectionError)  # the worker is told to stop; the record stays unacknowledged
    assert outbox.sent == []


async def test_state_is_written_only_once_the_broker_has_the_alerts(pipeline, outbox):
    pending = []

    async def slow_send(topic, key, value, record_type, *, wait=False):
        outbox.sent.append((topic, key, value, record_type, wait))
        pending.append(asyncio.get_running_loop().create_future())
        return pending[-1]

    outbox.send = slow_send
    strike = strike_events("a1")[0]
    key = f"lethal_assault_state_forces|st-1/{strike.dyad}"
    async with pipeline.alerts_agent.test_context() as agent:
        await agent.put(strike.to_json(), key=strike.dyad.encode(), wait=False)
        for _ in range(100):
            if pending:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        assert len(pending) == 1 and pipeline.developments.get(key) is None  # not before the broker has it
        pending[0].set_result(None)
        for _ in range(100):
            if pipeline.developments.get(key) is not None:
                break
            await asyncio.sleep(0.01)
    assert pipeline.developments.get(key)["alert"]["revision"] == 1
