from datetime import datetime

import pytest

from faultline.names import DEFAULT_NAMESPACE, InvalidName, Names


def test_default_names_are_the_documented_ones():
    n = Names()
    assert n.namespace == DEFAULT_NAMESPACE
    assert [t.name for t in n.topics()] == [
        "faultline.articles.raw", "faultline.articles.tagged", "faultline.events", "faultline.alerts",
        "faultline.subscriptions", "faultline.dlq", "faultline.producer.seen",
    ]
    assert n.subscription_alerts("badr") == "faultline.alerts.badr"
    assert (n.articles_alias, n.events_alias, n.alerts_alias) == (
        "faultline-articles", "faultline-events", "faultline-alerts")


def test_compacted_topics_carry_their_cleanup_policy():
    specs = {t.name: t for t in Names().topics()}
    assert specs["faultline.subscriptions"].config() == {"cleanup.policy": "compact"}
    assert specs["faultline.producer.seen"].config() == {"cleanup.policy": "compact"}
    assert specs["faultline.articles.raw"].config() == {}


def test_namespace_prefixes_every_name():
    n = Names("t1234")
    assert all(t.name.startswith("t1234.") for t in n.topics())
    assert n.read_alias("events") == "t1234-events"
    assert n.write_alias("events") == "t1234-events-write"
    assert n.index("articles", 2, datetime(2026, 2, 21)) == "t1234-articles-v2-2026.02"
    assert n.index_pattern("alerts", 1) == "t1234-alerts-v1-*"


@pytest.mark.parametrize("bad", ["", "Faultline", "1abc", "a b", "a.b", "x" * 60])
def test_bad_namespaces_are_refused(bad):
    with pytest.raises(InvalidName):
        Names(bad)


@pytest.mark.parametrize("bad", ["", "Badr", "a/b", "a.b", "-x", "x" * 65])
def test_bad_subscription_names_are_refused(bad):
    with pytest.raises(InvalidName):
        Names().subscription_alerts(bad)


def test_unknown_index_kind_is_refused():
    with pytest.raises(InvalidName):
        Names().read_alias("stories")
