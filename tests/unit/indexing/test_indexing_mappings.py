"""The documents the builders emit fit the strict mappings, and the mappings use only what every ES 8 has."""

from datetime import datetime
from typing import Any

import pytest
from indexing_samples import alert, article, event

from faultline.indexing.documents import build_action
from faultline.indexing.mappings import MAPPINGS, TIME_FIELDS, VERSIONS
from faultline.names import INDEX_KINDS, Names
from faultline.schema import PlaceRef

NAMES = Names("t1")

_PY_TYPES = {
    "keyword": str, "text": str, "date": str, "boolean": bool, "integer": int, "byte": int,
    "float": (int, float),
}


def _check(value: Any, field: dict[str, Any], path: str, problems: list[str]) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for v in value:
            _check(v, field, path, problems)
        return
    if field.get("enabled") is False:
        return
    if "properties" in field:
        if not isinstance(value, dict):
            problems.append(f"{path}: object expected, got {value!r}")
            return
        for key, sub in value.items():
            if key not in field["properties"]:
                problems.append(f"{path}.{key}: not in the mapping (dynamic: strict would reject it)")
            else:
                _check(sub, field["properties"][key], f"{path}.{key}", problems)
        return
    ftype = field["type"]
    if ftype == "geo_point":
        if not (isinstance(value, dict) and set(value) == {"lat", "lon"}):
            problems.append(f"{path}: geo point expected, got {value!r}")
        return
    if ftype == "date":
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, _PY_TYPES[ftype]) or (ftype != "boolean" and isinstance(value, bool)):
        problems.append(f"{path}: {ftype} expected, got {value!r}")


def _problems(kind: str, source: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    _check(source, {"properties": MAPPINGS[kind]()["properties"]}, kind, problems)
    return problems


@pytest.mark.parametrize("record", [
    article(), article(place_lat=None, story_id=None), event(), event(place=None),
    event(place=PlaceRef(name="x")), alert(), alert(severity="critical", revision=9),
], ids=lambda r: type(r).__name__)
def test_every_field_a_builder_emits_is_mapped_with_a_matching_type(record):
    action = build_action(record, NAMES)
    assert _problems(action.kind, action.source) == []


def test_the_check_catches_an_unmapped_field_and_a_wrong_type():
    source = build_action(event(), NAMES).source
    assert _problems("events", {**source, "surprise": 1})
    assert _problems("events", {**source, "dead": "many"})


def _walk(mapping: dict[str, Any]):
    for name, field in mapping.get("properties", {}).items():
        yield name, field
        yield from _walk(field)
        for sub_name, sub in field.get("fields", {}).items():
            yield f"{name}.{sub_name}", sub


@pytest.mark.parametrize("kind", INDEX_KINDS)
def test_mappings_are_strict_and_need_no_plugin(kind):
    mapping = MAPPINGS[kind]()
    assert mapping["dynamic"] == "strict"
    for name, field in _walk(mapping):
        assert field.get("type") != "nested", f"{name}: Kibana cannot aggregate nested fields"
        assert field.get("analyzer", "standard") == "standard", name
        assert "normalizer" not in field and "script" not in field, name
        if field.get("type") == "text" and field.get("fields"):
            assert field["fields"]["keyword"]["type"] == "keyword", name


@pytest.mark.parametrize("kind", INDEX_KINDS)
def test_each_kind_has_a_version_and_a_time_field_of_type_date(kind):
    assert VERSIONS[kind] >= 1
    assert MAPPINGS[kind]()["properties"][TIME_FIELDS[kind]]["type"] == "date"
