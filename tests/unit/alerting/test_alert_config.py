"""The alert rules file: the packaged one is valid; mistakes are reported, not half-loaded."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml

from faultline.alerting.config import RULES_PATH, load_rules, parse_duration, parse_rules
from faultline.errors import KnowledgeError


def test_packaged_rules_load_and_cover_the_issue():
    rules = load_rules()
    assert rules.version
    ids = {r.id for r in rules.event_rules}
    assert {"lethal_assault_state_forces", "armed_group_threat_to_state"} <= ids
    assert {r.scope for r in rules.spike_rules} == {"actor", "dyad", "country"}
    assert {"negated", "hypothetical", "historical", "not_breaking"} <= rules.exclude
    assert rules.longest_window == timedelta(hours=24)


@pytest.mark.parametrize(("text", "expected"), [
    ("90s", timedelta(seconds=90)), ("30m", timedelta(minutes=30)), ("24h", timedelta(hours=24)),
    ("7d", timedelta(days=7)), ("1.5h", timedelta(minutes=90)),
])
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("bad", ["", "24", "h", "-1h", "0m", "3 weeks"])
def test_bad_durations(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def _raw() -> dict:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda r: r["event_rules"][0].update(severity="extreme"), "severity"),
    (lambda r: r["event_rules"][0].update(window="soon"), "window"),
    (lambda r: r["event_rules"][0]["when"].update(min_deaths=1), "min_deaths"),
    (lambda r: r["event_rules"].append(dict(r["event_rules"][0])), "duplicate rule ids"),
    (lambda r: r["spike_rules"][0].update(window="90m"), "whole number of buckets"),
    (lambda r: r["spike_rules"][0].update(scope="planet"), "scope"),
    (lambda r: r["event_rules"][0]["escalate"][0].update(severity="low"), "raise the band"),
    (lambda r: r.pop("version"), "version"),
    (lambda r: r["titles"]["events"].pop("default"), "default"),
])
def test_invalid_rules_are_rejected_with_the_reason(mutate, message):
    raw = _raw()
    mutate(raw)
    with pytest.raises(KnowledgeError, match=message):
        parse_rules(raw)


def test_load_rules_from_a_path(tmp_path):
    raw = _raw()
    raw["version"] = "test-9"
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert load_rules(path).version == "test-9"
    with pytest.raises(KnowledgeError, match="cannot read"):
        load_rules(tmp_path / "missing.yaml")
