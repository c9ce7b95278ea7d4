from datetime import UTC, datetime, timedelta, timezone

import pytest

from faultline.errors import SchemaError
from faultline.schema import (
    FLAG_STALE,
    SCHEMA_VERSION,
    Article,
    DeadLetter,
    band_rank,
)

NOW = datetime(2026, 2, 21, 6, 0, tzinfo=UTC)


def article(**kw) -> Article:
    base = dict(article_id="a1", title="Strike near Baghdad", summary="A drone strike hit a car.",
                published=NOW, fetched_at=NOW)
    base.update(kw)
    return Article(**base)


def test_round_trip_is_lossless_json():
    a = article(authors=["X"], categories=["Iraq"], language="en")
    wire = a.to_json()
    assert isinstance(wire, bytes)
    assert Article.from_json(wire) == a
    assert b'"schema_version":%d' % SCHEMA_VERSION in wire


def test_times_are_normalised_to_utc():
    local = datetime(2026, 2, 21, 9, 0, tzinfo=timezone(timedelta(hours=3)))
    naive = datetime(2026, 2, 21, 6, 0)
    assert article(published=local).published == NOW
    assert article(published=naive).published == NOW


def test_tagging_text_is_title_then_body_and_prefers_content():
    a = article(content="Full text.")
    assert a.tagging_text() == "Strike near Baghdad\n\nFull text."
    assert article(title="", summary="Only summary").tagging_text() == "Only summary"


def test_flags_remove_breaking_eligibility():
    assert article().breaking_eligible
    assert not article(flags=[FLAG_STALE]).breaking_eligible


@pytest.mark.parametrize("payload", [b"", b"not json", b"[]", b'{"article_id": "x"}', b"\xff\xfe\x00",
                                     b'{"article_id":"a","published":"yesterday","fetched_at":"2026-01-01T00:00:00Z"}'])
def test_bad_bytes_raise_a_schema_error(payload):
    with pytest.raises(SchemaError):
        Article.from_json(payload)


def test_a_newer_major_schema_is_refused_with_advice():
    wire = article(schema_version=SCHEMA_VERSION).to_dict()
    wire["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(SchemaError, match="newer"):
        Article.from_dict(wire)


def test_unknown_fields_are_ignored_for_forward_compatibility():
    wire = article().to_dict() | {"added_in_a_later_minor": 1}
    assert Article.from_dict(wire).article_id == "a1"


def test_dead_letter_keeps_the_original_bytes():
    raw = b"\x00\x01 not an article"
    dl = DeadLetter.for_payload(stage="tag", error=SchemaError("bad"), payload=raw, failed_at=NOW,
                                topic="faultline.articles.raw", partition=2, offset=41, key=b"k")
    back = DeadLetter.from_json(dl.to_json())
    assert back.payload() == raw and back.error_type == "SchemaError"
    assert (back.topic, back.partition, back.offset, back.key) == ("faultline.articles.raw", 2, 41, "k")


def test_band_order():
    assert band_rank("low") < band_rank("elevated") < band_rank("high") < band_rank("critical")
    with pytest.raises(ValueError):
        band_rank("severe")
