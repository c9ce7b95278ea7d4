import fnmatch
from datetime import UTC, datetime

import pytest

from faultline.indexing.templates import IndexSpec, current_specs, digest, template_set
from faultline.names import INDEX_KINDS, Names

NAMES = Names("t1")


@pytest.mark.parametrize("kind", INDEX_KINDS)
def test_the_index_template_composes_its_components_and_matches_its_monthly_indices(kind):
    spec = current_specs()[kind]
    ts = template_set(NAMES, spec)
    assert ts.index_template_name == NAMES.template(kind)
    assert ts.index_template["composed_of"] == list(ts.components)
    assert all(name.startswith(f"t1-{kind}-v{spec.version}@") for name in ts.components)
    (pattern,) = ts.index_template["index_patterns"]
    assert fnmatch.fnmatch(NAMES.index(kind, spec.version, datetime(2025, 2, 1, tzinfo=UTC)), pattern)
    assert not fnmatch.fnmatch(NAMES.index(kind, spec.version + 1, datetime(2025, 2, 1, tzinfo=UTC)), pattern)
    assert ts.index_template["template"]["aliases"] == {NAMES.read_alias(kind): {}}
    assert ts.index_template["version"] == spec.version
    assert all(body["version"] == spec.version for body in ts.components.values())


def test_settings_come_from_the_arguments():
    ts = template_set(NAMES, current_specs()["events"], shards=3, replicas=2)
    settings = ts.components["t1-events-v1@settings"]["template"]["settings"]["index"]
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == (3, 2)


def test_the_digest_is_stable_and_follows_the_content():
    spec = current_specs()["alerts"]
    a = template_set(NAMES, spec)
    b = template_set(NAMES, spec)
    assert a.index_template["_meta"]["digest"] == b.index_template["_meta"]["digest"] == digest(a.index_template)
    other = template_set(NAMES, spec, replicas=1)
    name = "t1-alerts-v1@settings"
    assert other.components[name]["_meta"]["digest"] != a.components[name]["_meta"]["digest"]
    assert other.components["t1-alerts-v1@mappings"] == a.components["t1-alerts-v1@mappings"]


def test_a_new_version_gets_new_component_names_and_pattern():
    spec = current_specs()["articles"]
    v2 = template_set(NAMES, IndexSpec("articles", spec.version + 1, spec.mappings))
    v1 = template_set(NAMES, spec)
    assert set(v1.components).isdisjoint(v2.components)
    assert v1.index_template_name == v2.index_template_name
    assert v1.index_template["_meta"]["digest"] != v2.index_template["_meta"]["digest"]


def test_specs_are_validated():
    with pytest.raises(ValueError):
        IndexSpec("people", 1, {})
    with pytest.raises(ValueError):
        IndexSpec("events", 0, {})
