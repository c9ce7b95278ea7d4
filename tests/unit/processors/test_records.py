"""Story requests: records split around their story id, framed, batched; bad bytes are a SchemaError."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from alerting_builders import T0, strike_events

from faultline.errors import SchemaError
from processors.records import (
    CANDIDATE,
    EVENT,
    PLACEHOLDER,
    Part,
    StoryRequest,
    batches,
    pack_batch,
    unpack_batch,
)


def _split(kind: str, record) -> Part:
    return Part.split(kind, record.event_id, record.model_copy(update={"story_id": PLACEHOLDER}).to_json())


def _request(article_id: str = "a1", text: str = "Jurf al-Sakhar — مقتل قائد") -> StoryRequest:
    strike, negated, _ = strike_events(article_id)
    strike = strike.model_copy(update={"sentence": text})
    return StoryRequest(article_id=article_id, published=T0 + timedelta(seconds=1.5),
                        sketch=(-(2**63), -1, 0, 7, 2**63 - 1), parts=(_split(CANDIDATE, strike), _split(EVENT, negated)))


def test_a_stamped_record_is_the_record_serialised_with_its_story_id():
    strike = strike_events("a1")[0]
    part = _split(EVENT, strike)
    assert part.stamped(json.dumps("st-42").encode()) == strike.model_copy(update={"story_id": "st-42"}).to_json()


def test_a_record_must_carry_the_placeholder_exactly_once():
    strike = strike_events("a1")[0]
    with pytest.raises(ValueError):
        Part.split(EVENT, "k", strike.to_json())
    twice = strike.model_copy(update={"story_id": PLACEHOLDER, "sentence": PLACEHOLDER}).to_json()
    with pytest.raises(ValueError):
        Part.split(EVENT, "k", twice)


def test_a_request_survives_the_wire_and_stamps_every_record_in_order():
    request = _request()
    back = StoryRequest.from_bytes(request.to_bytes())
    assert back == request and back.published == T0 + timedelta(seconds=1.5)
    stamped = list(back.stamped("st-1"))
    assert [(kind, key) for kind, key, _ in stamped] == [(p.kind, p.key) for p in request.parts]
    assert {json.loads(value)["story_id"] for _, _, value in stamped} == {"st-1"}
    assert json.loads(stamped[0][2])["sentence"] == "Jurf al-Sakhar — مقتل قائد"


@pytest.mark.parametrize("damage", [
    lambda b: b[:-1],  # truncated
    lambda b: b + b"x",  # trailing bytes
    lambda b: b"XXXX" + b[4:],  # not a request
    lambda b: b[:9] + b"]" + b[10:],  # broken header
    lambda b: b.replace(b'"candidate"', b'"mystery"  '),  # unknown kind
])
def test_damaged_requests_are_schema_errors(damage):
    with pytest.raises(SchemaError):
        StoryRequest.from_bytes(damage(_request().to_bytes()))


def test_batches_keep_order_respect_the_limit_and_carry_an_oversized_request_alone():
    requests = [(f"a{i}", bytes([i]) * size) for i, size in enumerate([40, 40, 40, 150, 10, 10])]
    records = list(batches(requests, limit=100))
    groups = [[0, 1], [2], [3], [4, 5]]
    assert [key for key, _ in records] == [f"a{group[0]}" for group in groups]
    assert [unpack_batch(value) for _, value in records] == [[requests[i][1] for i in group] for group in groups]


def test_a_damaged_batch_is_a_schema_error():
    packed = pack_batch([b"one", b"two"])
    assert unpack_batch(packed) == [b"one", b"two"]
    for bad in (packed[:-1], packed + b"!", b"FSR\x01" + packed[4:], b""):
        with pytest.raises(SchemaError):
            unpack_batch(bad)
