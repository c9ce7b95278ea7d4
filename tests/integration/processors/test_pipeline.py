"""The seed article through a real worker on the real broker: alerts, stories, subscriptions, dead letters."""

from __future__ import annotations

import time

import pytest
from worker_harness import (
    alerts_of,
    dump,
    publish,
    publish_articles,
    read_topic,
    run_faultline,
    seed_article,
)

from faultline.schema import Alert, DeadLetter, TaggedArticle, band_rank

pytestmark = [pytest.mark.integration, pytest.mark.kafka, pytest.mark.timeout(400)]

US = {"usa", "usa.gov", "usa.military", "usa.centcom"}
STRIKE_WORDS = ("drone strike", "killed")
NEGATED = "No attacks on American personnel"


def is_strike_alert(alert: Alert) -> bool:
    """United States -> Kataib Hezbollah, ASSAULT, high or above."""
    if not alert.dyad or "ASSAULT" not in alert.event_types or alert.rule_kind != "event":
        return False
    source, _, target = alert.dyad.partition("|")
    return source in US and target == "kataib_hezbollah" and band_rank(alert.severity) >= band_rank("high")


def is_threat_alert(alert: Alert) -> bool:
    return "THREATEN" in alert.event_types and any(
        a.id in ("badr_organization", "person.hadi_al_amiri") for a in alert.actors)


def test_the_seed_article_raises_a_high_us_kataib_hezbollah_assault_alert(pipeline_settings, start_worker,
                                                                           seed_path):
    start_worker()
    article = seed_article(seed_path, "seed-1", "Wire One")
    text = article.tagging_text()
    sent_at = time.time()
    publish_articles(pipeline_settings, [article])

    records = read_topic(pipeline_settings, pipeline_settings.names.alerts,
                         until=lambda rs: any(is_strike_alert(a) for a in alerts_of(rs)), idle=3.0)
    alerts = alerts_of(records)
    strike = [a for a in alerts if is_strike_alert(a)]
    assert strike, f"no high US -> Kataib Hezbollah ASSAULT alert; got:\n{dump(alerts)}"
    first = strike[0]
    appended = next(r.timestamp for r, a in zip(records, alerts, strict=True) if a is first) / 1000
    print(f"seed article -> strike alert in {appended - sent_at:.2f}s: {first.title}")
    cited = [e.sentence for e in first.evidence]
    assert any(all(w in s for w in STRIKE_WORDS) for s in cited), cited
    assert all(s in text for s in cited), "evidence must quote the article"
    assert first.evidence[0].article_id == "seed-1" and first.evidence[0].url == article.url
    assert first.story_id and first.versions.catalog and "alerts." in first.versions.rules
    for alert in alerts:
        assert not any(NEGATED in e.sentence for e in alert.evidence), f"alert from the negated sentence: {alert}"


def test_three_outlets_give_one_story_and_one_alert_with_three_sources(pipeline_settings, start_worker,
                                                                       seed_path):
    start_worker()
    copies = [seed_article(seed_path, f"copy-{i}", outlet) for i, outlet in enumerate(["Wire One", "Daily Two",
                                                                                        "Herald Three"])]
    publish_articles(pipeline_settings, copies)

    tagged = [TaggedArticle.from_json(r.value) for r in read_topic(
        pipeline_settings, pipeline_settings.names.tagged_articles, until=lambda rs: len(rs) >= 3)]
    assert sorted(t.article_id for t in tagged) == ["copy-0", "copy-1", "copy-2"]
    assert len({t.story_id for t in tagged}) == 1

    alerts = alerts_of(read_topic(
        pipeline_settings, pipeline_settings.names.alerts,
        until=lambda rs: any(is_strike_alert(a) and a.sources >= 3 for a in alerts_of(rs)), idle=3.0))
    strike = [a for a in alerts if is_strike_alert(a)]
    assert len({a.alert_id for a in strike}) == 1, dump(alerts)
    latest = max(strike, key=lambda a: a.revision)
    assert latest.sources == 3 and latest.story_id == tagged[0].story_id
    assert {e.outlet for e in latest.evidence} == {"Wire One", "Daily Two", "Herald Three"}
    assert sorted(a.revision for a in strike) == list(range(1, latest.revision + 1))
    # one development per rule and story: no rule raised a second alert id for the same story and dyad
    developments = {}
    for alert in (a for a in alerts if a.rule_kind == "event"):
        developments.setdefault((alert.rule, alert.story_id, alert.dyad), set()).add(alert.alert_id)
    assert all(len(ids) == 1 for ids in developments.values()), dump(alerts)


def test_a_badr_subscription_receives_the_threat_alert_on_its_own_topic(pipeline_settings, start_worker,
                                                                        seed_path):
    worker = start_worker()
    out = run_faultline(pipeline_settings, "subscribe", "add", "badr", "--actor", "Badr Organisation")
    assert out.returncode == 0, out.stderr
    worker.wait_log("subscription badr active")  # picked up by the running worker, no restart

    publish_articles(pipeline_settings, [seed_article(seed_path, "seed-badr", "Wire One")])
    topic = pipeline_settings.names.subscription_alerts("badr")
    routed = alerts_of(read_topic(pipeline_settings, topic, until=lambda rs: any(
        is_threat_alert(a) for a in alerts_of(rs)), idle=3.0))
    assert any(is_threat_alert(a) for a in routed), dump(routed)
    assert all(a.subscriptions == ["badr"] for a in routed)
    assert not any(is_strike_alert(a) for a in routed), "the strike does not involve Badr"
    everything = alerts_of(read_topic(pipeline_settings, pipeline_settings.names.alerts, idle=1.0))
    assert {a.alert_id for a in routed} <= {a.alert_id for a in everything}


def test_a_poison_record_lands_on_the_dead_letter_topic(pipeline_settings, start_worker, seed_path):
    start_worker()
    poison = b"\x00\x01 this is not an article"
    bad_schema = b'{"record_type": "article", "article_id": ""}'
    (m1, m2) = publish(pipeline_settings, [(b"poison-1", poison), (b"poison-2", bad_schema)])
    publish_articles(pipeline_settings, [seed_article(seed_path, "after-poison", "Wire One")])

    letters = [DeadLetter.from_json(r.value) for r in read_topic(
        pipeline_settings, pipeline_settings.names.dlq, until=lambda rs: len(rs) >= 2, idle=2.0)]
    by_key = {d.key: d for d in letters}
    assert set(by_key) == {"poison-1", "poison-2"}
    for meta, key, payload in ((m1, "poison-1", poison), (m2, "poison-2", bad_schema)):
        letter = by_key[key]
        assert letter.stage == "tag" and letter.error_type == "SchemaError" and letter.error
        assert letter.payload() == payload
        assert (letter.topic, letter.partition, letter.offset) == (meta.topic, meta.partition, meta.offset)
    # the stream went on
    tagged = read_topic(pipeline_settings, pipeline_settings.names.tagged_articles, until=lambda rs: any(
        r.key == b"after-poison" for r in rs))
    assert any(r.key == b"after-poison" for r in tagged)


def test_two_workers_share_the_partitions_and_raise_one_alert(pipeline_settings, start_worker, seed_path):
    from kafka import KafkaAdminClient

    first, second = start_worker("one", ready=False), start_worker("two", ready=False)
    first.wait_ready()
    admin = KafkaAdminClient(bootstrap_servers=pipeline_settings.bootstrap_servers,
                             **pipeline_settings.kafka_client_options())
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            (group,) = admin.describe_consumer_groups([pipeline_settings.names.processor_app])
            if group.state == "Stable" and len(group.members) == 2 and all(
                    m.member_assignment and m.member_assignment.assignment for m in group.members):
                break
            time.sleep(0.5)
        assert len(group.members) == 2, f"the group has {len(group.members)} members"
    finally:
        admin.close()
    second.wait_ready()

    copies = [seed_article(seed_path, f"copy-{i}", outlet) for i, outlet in enumerate(["Wire One", "Daily Two"])]
    publish_articles(pipeline_settings, copies)
    alerts = alerts_of(read_topic(pipeline_settings, pipeline_settings.names.alerts, idle=3.0, until=lambda rs: any(
        is_strike_alert(a) and a.sources >= 2 for a in alerts_of(rs))))
    strike = [a for a in alerts if is_strike_alert(a)]
    assert len({a.alert_id for a in strike}) == 1 and max(a.sources for a in strike) == 2, dump(alerts)
