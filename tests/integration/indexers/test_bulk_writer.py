"""BulkWriter against the real Elasticsearch: concurrent requests keep each id's operations in order."""

from __future__ import annotations

import pytest
from indexing_samples import alert, event

from faultline.indexing.bulk import Outcome
from faultline.indexing.documents import build_action
from indexers.clients import async_es_client
from indexers.writer import BulkWriter

pytestmark = [pytest.mark.integration, pytest.mark.elasticsearch]


async def test_a_split_batch_keeps_each_ids_operations_in_order_and_results_in_place(settings, layout, es):
    names = settings.names
    actions = [build_action(event(f"ev-{i}"), names) for i in range(300)]
    # Alert revisions interleaved with the events: 1, 5, 2 of one alert, 1..3 of another.
    revisions = [("al-a", 1), ("al-b", 1), ("al-a", 5), ("al-b", 2), ("al-a", 2), ("al-b", 3)]
    for n, (alert_id, rev) in enumerate(revisions):
        actions.insert(40 * n + 7, build_action(alert(alert_id, revision=rev), names))
    bad = build_action(event("ev-bad"), names)
    bad = type(bad)(kind=bad.kind, index=bad.index, id=bad.id, source={**bad.source, "dead": "many"})
    actions.insert(123, bad)

    client = async_es_client(settings)
    requests = []
    bulk = client.bulk

    async def counted_bulk(**kwargs):
        requests.append(kwargs["operations"].count(b"\n") // 2)
        return await bulk(**kwargs)

    client.bulk = counted_bulk
    try:
        results = await BulkWriter(client, concurrency=2).write(actions)
    finally:
        await client.close()
    assert len(requests) == 2 and sum(requests) == len(actions)  # two concurrent requests, split by id

    assert len(results) == len(actions)
    outcome = {a.id + (f"@{a.version}" if a.version else ""): r.outcome for a, r in zip(actions, results, strict=True)}
    assert outcome["ev-bad"] is Outcome.REJECTED and "dead" in results[123].reason
    assert outcome["al-a@2"] is Outcome.STALE  # arrived after revision 5
    assert outcome["al-b@3"] is Outcome.OK
    assert sum(r.outcome is Outcome.OK for r in results) == 300 + 5

    es.indices.refresh(index=names.alerts_alias)
    revs = {h["_id"]: h["_source"]["revision"] for h in es.search(index=names.alerts_alias)["hits"]["hits"]}
    assert revs == {"al-a": 5, "al-b": 3}
    es.indices.refresh(index=names.events_alias)
    assert es.count(index=names.events_alias)["count"] == 300
