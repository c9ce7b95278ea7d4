"""`faultline alerts tail` and `faultline subscribe`: argument handling and output, without a broker."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import pytest

from faultline.cli import alerts, subscribe
from faultline.cli.main import build_parser
from faultline.errors import ConfigError
from faultline.schema import Alert, Subscription, Versions

NOW = datetime(2026, 2, 21, 6, 5, tzinfo=UTC)


def _alert(**kw) -> Alert:
    base = dict(alert_id="al-1", revision=2, created=NOW, updated=NOW, severity="high",
                title="US drone strike on Kataib Hezbollah kills 1 in Jurf al-Sakhar",
                rule="lethal_assault_state_forces", sources=3, dead=1, versions=Versions(catalog="c", rules="r"))
    return Alert(**{**base, **kw})


def test_a_tail_line_reads_like_a_headline():
    line = alerts.format_alert(_alert(subscriptions=["badr"]))
    assert line.startswith("2026-02-21 06:05Z  HIGH  r2  US drone strike on Kataib Hezbollah kills 1")
    assert "[3 sources; 1 dead; for badr]" in line and line.endswith("lethal_assault_state_forces al-1")
    assert "[1 source]" in alerts.format_alert(_alert(sources=1, dead=None))


@pytest.mark.parametrize(("band", "minimum", "expected"), [
    ("high", "elevated", True), ("elevated", "high", False), ("critical", "low", True), ("low", "low", True),
])
def test_severity_filter(band, minimum, expected):
    assert alerts.shown(_alert(severity=band), minimum) is expected


def test_tail_arguments():
    args = build_parser().parse_args(["alerts", "tail", "--severity", "high", "--subscription", "badr", "--json",
                                      "--from-beginning", "--until-idle", "2.5"])
    assert (args.severity, args.subscription, args.json, args.from_beginning, args.until_idle) == (
        "high", "badr", True, True, 2.5)
    assert args.func is alerts.run_tail


def test_a_bad_subscription_name_is_a_config_error_for_tail():
    args = argparse.Namespace(subscription="Not Valid", severity="low", from_beginning=False, until_idle=1,
                              json=False)

    class _Settings:
        from faultline.names import Names

        names = Names("faultline")

    with pytest.raises(ConfigError, match="invalid subscription name"):
        alerts.run_tail(args, _Settings())


def test_subscribe_add_builds_the_subscription():
    args = build_parser().parse_args([
        "subscribe", "add", "badr", "--actor", "Badr Organisation", "--member-of", "PMF", "--dyad", "usa|",
        "--type", "threaten", "--country", "irq", "--place", "Baghdad", "--keyword", "drone",
        "--min-severity", "high",
    ])
    sub = subscribe.build_subscription(args, NOW)
    assert sub == Subscription(name="badr", actors=["Badr Organisation"], members_of=["PMF"], dyads=["usa|"],
                               event_types=["THREATEN"], countries=["IRQ"], places=["Baghdad"],
                               keywords=["drone"], min_severity="high", created=NOW)
    assert Subscription.from_json(sub.to_json()) == sub


def test_subscribe_rejects_names_that_cannot_be_topics():
    args = build_parser().parse_args(["subscribe", "add", "Badr Org"])
    with pytest.raises(ConfigError):
        subscribe.build_subscription(args, NOW)


def test_describe_lists_the_facets_set():
    text = subscribe.describe(Subscription(name="pmf", members_of=["pmf"], min_severity="high"))
    assert text.startswith("pmf") and "members of: pmf" in text and ">= high" in text
    assert subscribe.describe(Subscription(name="all")).endswith("every alert")


def test_terms_unknown_to_the_catalogue_are_reported():
    sub = Subscription(name="x", actors=["Kataib Hezbollah", "Nobody At All"], dyads=["Someone Else|usa"])
    assert subscribe.unknown_actor_terms(sub) == ["Nobody At All", "Someone Else"]
