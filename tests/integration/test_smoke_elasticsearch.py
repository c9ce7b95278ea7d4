"""Elasticsearch is real: index, refresh and search with the 8.x client."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.elasticsearch]


def test_index_refresh_and_search(es, cleanup_namespace, names):
    index = f"{names.namespace}-smoke"
    es.index(index=index, id="a1", document={"title": "Drone strike kills commander near Baghdad"})
    es.index(index=index, id="a2", document={"title": "Talks resume in Geneva"})
    es.index(index=index, id="a1", document={"title": "Drone strike kills commander near Baghdad"})
    es.indices.refresh(index=index)
    hits = es.search(index=index, query={"match": {"title": "drone"}})["hits"]
    assert [h["_id"] for h in hits["hits"]] == ["a1"]
    assert es.count(index=index)["count"] == 2, "re-indexing the same _id must overwrite"


def test_the_node_runs_elasticsearch_8(es, stack):
    from deploy.local.stack import ES_VERSION

    nodes = es.nodes.info(node_id="_local", filter_path="nodes.*.version")["nodes"]
    versions = {n["version"] for n in nodes.values()}
    assert versions and all(v.startswith("8.") for v in versions)
    if stack.es_is_default():
        assert versions == {ES_VERSION}
