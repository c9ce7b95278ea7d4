from datetime import UTC, datetime

import pytest
from indexing_samples import BAGHDAD, JURF, PUBLISHED, alert, article, event

from faultline.indexing.documents import build_action, copy_action, iso
from faultline.indexing.templates import IndexSpec, current_specs
from faultline.names import Names
from faultline.schema import Article, PlaceRef

NAMES = Names("t1")


def test_an_article_is_indexed_under_its_id_in_the_month_it_was_published():
    action = build_action(article("art-9", published=datetime(2024, 12, 31, 23, 59, tzinfo=UTC)), NAMES)
    v = current_specs()["articles"].version
    assert (action.kind, action.id, action.index) == ("articles", "art-9", f"t1-articles-v{v}-2024.12")
    assert action.version is None
    assert action.header() == {"index": {"_index": action.index, "_id": "art-9"}}


def test_the_month_follows_utc_not_the_publisher_offset():
    from datetime import timedelta, timezone

    local = datetime(2025, 3, 1, 1, 0, tzinfo=timezone(timedelta(hours=3)))  # 2025-02-28 22:00 UTC
    assert build_action(event(published=local), NAMES).index.endswith("-2025.02")


def test_the_target_index_follows_the_version_of_the_spec():
    specs = {**current_specs(), "events": IndexSpec("events", 7, current_specs()["events"].mappings)}
    assert build_action(event(), NAMES, specs).index == "t1-events-v7-2025.02"


def test_article_document_flattens_what_kibana_aggregates():
    doc = build_action(article(), NAMES).source
    assert doc["published"] == "2025-02-21T04:30:00Z"
    assert [a["name"] for a in doc["actors"]] == ["United States", "Kataib Hezbollah"]
    assert doc["actors"][1]["member_of"] == ["pmf"]
    assert doc["event_types"] == ["ASSAULT"] and doc["event_count"] == 1
    assert doc["dyads"] == ["usa|kataib-hezbollah"]
    assert doc["countries"] == ["USA", "IRQ"]  # deduplicated, first seen first
    assert doc["locations"] == [{"lat": JURF.lat, "lon": JURF.lon}, {"lat": BAGHDAD.lat, "lon": BAGHDAD.lon}]
    assert doc["severity"] == {"score": 78.0, "band": "high", "rank": 2, "explanation": ["lethal strike"]}
    assert doc["breaking_eligible"] is True


def test_places_without_both_coordinates_give_no_point():
    doc = build_action(article(place_lat=None), NAMES).source
    assert doc["locations"] == [{"lat": BAGHDAD.lat, "lon": BAGHDAD.lon}]


def test_event_document_carries_dyad_label_place_point_and_factuality():
    doc = build_action(event(), NAMES).source
    assert doc["dyad"] == "usa|kataib-hezbollah"
    assert doc["dyad_label"] == "United States → Kataib Hezbollah"
    assert doc["location"] == {"lat": JURF.lat, "lon": JURF.lon}
    assert doc["countries"] == ["USA", "IRQ"]
    assert doc["factual"] is True
    assert build_action(event(negated=True), NAMES).source["factual"] is False


def test_an_event_without_place_has_no_location():
    doc = build_action(event(place=None), NAMES).source
    assert doc["place"] is None and doc["location"] is None
    doc = build_action(event(place=PlaceRef(name="somewhere")), NAMES).source
    assert doc["place"]["name"] == "somewhere" and doc["location"] is None


def test_an_alert_is_versioned_by_its_revision_so_the_latest_wins():
    action = build_action(alert("al-7", revision=3), NAMES)
    assert action.id == "al-7" and action.version == 3
    assert action.header()["index"]["version_type"] == "external_gte"
    assert action.source["severity"] == {"band": "high", "rank": 2}
    assert action.source["locations"] == [{"lat": JURF.lat, "lon": JURF.lon}]


def test_an_alert_stays_in_the_index_of_its_creation_across_revisions():
    first = build_action(alert(revision=1, created=datetime(2025, 1, 31, 23, 0, tzinfo=UTC)), NAMES)
    later = build_action(alert(revision=4, created=datetime(2025, 1, 31, 23, 0, tzinfo=UTC),
                               updated=datetime(2025, 2, 2, tzinfo=UTC)), NAMES)
    assert first.index == later.index and first.index.endswith("-2025.01")


def test_naive_times_are_utc():
    naive = alert(created=datetime(2025, 2, 21, 4, 30), updated=datetime(2025, 2, 21, 5, 0))
    assert build_action(naive, NAMES).source["created"] == "2025-02-21T04:30:00Z"
    assert iso(None) is None


def test_records_of_other_kinds_have_no_index():
    raw = Article(article_id="a", published=PUBLISHED, fetched_at=PUBLISHED)
    with pytest.raises(TypeError):
        build_action(raw, NAMES)


def test_a_copied_alert_keeps_its_revision_as_version():
    source = build_action(alert(revision=5), NAMES).source
    assert copy_action("alerts", "t1-alerts-v2-2025.02", "al-1", source).version == 5
    assert copy_action("events", "t1-events-v2-2025.02", "e", {"revision": 9}).version is None
