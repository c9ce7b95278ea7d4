"""Kafka -> indexer -> Elasticsearch, for real: round trip, replays, revisions, dead letters."""

from __future__ import annotations

import json

import pytest
from indexer_helpers import count, index_until, produce, read_dead_letters
from indexing_samples import JURF, PUBLISHED, alert, article, event

from faultline.indexing.query import Near, SearchRequest, build_query

pytestmark = [pytest.mark.integration, pytest.mark.kafka, pytest.mark.elasticsearch]


def search_ids(es, settings, request: SearchRequest) -> list[str]:
    index = settings.names.read_alias(request.kind)
    es.indices.refresh(index=index)
    return [h["_id"] for h in es.search(index=index, **build_query(request))["hits"]["hits"]]


async def test_round_trip_article_and_events_are_found_by_actor_place_and_type(settings, layout, es):
    names = settings.names
    far = event("ev-far", place=None, type="CONSULT")
    produce(settings, names.tagged_articles, [article("art-1"), article("art-2", title="Talks resume in Geneva")])
    produce(settings, names.events, [event("ev-1"), far])
    await index_until(settings, lambda s: s.consumed >= 4)

    assert sorted(search_ids(es, settings, SearchRequest(kind="articles", actor="Kataib Hezbollah"))) == [
        "art-1", "art-2"]
    assert search_ids(es, settings, SearchRequest(kind="articles", text="Geneva")) == ["art-2"]
    near_jurf = Near(JURF.lat + 0.05, JURF.lon, 20)
    assert search_ids(es, settings, SearchRequest(kind="events", near=near_jurf)) == ["ev-1"]
    assert search_ids(es, settings, SearchRequest(kind="events", near=Near(51.5, -0.1, 50))) == []
    assert search_ids(es, settings, SearchRequest(kind="events", types=("ASSAULT",))) == ["ev-1"]
    assert search_ids(es, settings, SearchRequest(kind="events", types=("consult",), actor="usa")) == ["ev-far"]
    assert search_ids(es, settings, SearchRequest(kind="articles", place="jurf-al-sakhar", severity="high",
                                                  country="irq")) != []


async def test_replaying_the_same_records_leaves_the_same_documents(settings, layout, es):
    names = settings.names
    articles = [article(f"art-{i}") for i in range(30)]
    events = [event(f"ev-{i}", article_id=f"art-{i}") for i in range(30)]
    produce(settings, names.tagged_articles, articles)
    produce(settings, names.events, events)
    await index_until(settings, lambda s: s.consumed >= 60)
    first = (count(es, names.articles_alias), count(es, names.events_alias))
    assert first == (30, 30)

    # The producers publish the same batch again (a replay), and a new consumer group re-reads everything.
    produce(settings, names.tagged_articles, articles)
    produce(settings, names.events, events)
    again = await index_until(settings, lambda s: s.consumed >= 60)
    assert again.stats.consumed == 60  # committed offsets held: only the new copies were read

    # A new consumer group re-reads all 120 records from the start: still one document per id.
    await index_until(settings, lambda s: s.consumed >= 120, group_id=f"{names.indexer_group}-replay")
    assert (count(es, names.articles_alias), count(es, names.events_alias)) == first


async def test_the_latest_alert_revision_wins_whatever_the_arrival_order(settings, layout, es):
    names = settings.names
    produce(settings, names.alerts, [alert("al-1", revision=1), alert("al-1", revision=3),
                                     alert("al-1", revision=2), alert("al-2", revision=1)])
    ix = await index_until(settings, lambda s: s.consumed >= 4)
    assert count(es, names.alerts_alias) == 2
    doc = es.search(index=names.alerts_alias, query={"ids": {"values": ["al-1"]}})["hits"]["hits"][0]["_source"]
    assert doc["revision"] == 3 and doc["title"].endswith("(rev 3)")
    # Per-key ordering in Kafka means only revision 2 can arrive after 3 here; it is stale, not an error.
    assert ix.stats.stale == 1 and ix.stats.rejected == 0


async def test_a_mapping_breaking_document_goes_to_the_dead_letter_topic_and_its_batch_is_indexed(
        settings, layout, es):
    names = settings.names
    good = [article(f"art-{i}") for i in range(20)]
    bad = article("art-bad", place_lat=123.0)  # a valid record, but no latitude is 123 degrees
    produce(settings, names.tagged_articles, good[:10] + [bad] + good[10:])
    produce(settings, names.events, [(b"junk", b"{not json")])
    ix = await index_until(settings, lambda s: s.consumed >= 22, policy=None)

    assert count(es, names.articles_alias) == 20
    assert ix.stats.rejected == 1 and ix.stats.undecodable == 1
    letters = {d.key: d for d in read_dead_letters(settings, expected=2)}
    assert set(letters) == {"art-bad", "junk"}
    rejected = letters["art-bad"]
    assert rejected.stage == "indexer" and rejected.error_type == "DocumentRejected"
    assert "latitude" in rejected.error and rejected.topic == names.tagged_articles
    assert json.loads(rejected.payload())["article_id"] == "art-bad"  # the original record, replayable
    assert letters["junk"].error_type == "SchemaError" and letters["junk"].payload() == b"{not json"


async def test_documents_land_in_the_month_of_their_record(settings, layout, es):
    names = settings.names
    produce(settings, names.events, [event("ev-jan", published=PUBLISHED.replace(month=1)), event("ev-feb")])
    await index_until(settings, lambda s: s.consumed >= 2)
    es.indices.refresh(index=names.events_alias)
    hits = es.search(index=names.events_alias, query={"match_all": {}})["hits"]["hits"]
    assert {h["_id"]: h["_index"].rsplit("-", 1)[1] for h in hits} == {"ev-jan": "2025.01", "ev-feb": "2025.02"}
