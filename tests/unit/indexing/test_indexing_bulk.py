import pytest

from faultline.indexing.bulk import (
    BatchPolicy,
    Outcome,
    classify,
    describe_error,
    offsets_to_commit,
)


def item(status, error=None, op="index"):
    body = {"_index": "i", "_id": "x", "status": status}
    if error:
        body["error"] = error
    return {op: body}


MAPPING_ERROR = {"type": "document_parsing_exception", "reason": "[1:20] failed to parse field [location]",
                 "caused_by": {"type": "illegal_argument_exception", "reason": "illegal latitude value [123.0]"}}


@pytest.mark.parametrize("entry,outcome", [
    (item(201), Outcome.OK),
    (item(200), Outcome.OK),
    (item(409, {"type": "version_conflict_engine_exception", "reason": "current version [3] is higher"}),
     Outcome.STALE),
    (item(400, MAPPING_ERROR), Outcome.REJECTED),
    (item(400, {"type": "strict_dynamic_mapping_exception", "reason": "mapping set to strict"}), Outcome.REJECTED),
    (item(429, {"type": "es_rejected_execution_exception", "reason": "queue full"}), Outcome.RETRY),
    (item(503, {"type": "unavailable_shards_exception", "reason": "primary not active"}), Outcome.RETRY),
    (item(500, {"type": "exception", "reason": "boom"}), Outcome.RETRY),
    (item(403, {"type": "cluster_block_exception", "reason": "read-only-allow-delete"}), Outcome.RETRY),
    (item(429, {"type": "cluster_block_exception", "reason": "flood stage"}), Outcome.RETRY),
    (item(404, {"type": "index_not_found_exception", "reason": "no such index"}), Outcome.MISSING_INDEX),
    (item(409, {"type": "other_conflict", "reason": "?"}), Outcome.RETRY),
])
def test_bulk_items_are_classified(entry, outcome):
    assert classify(entry)[0] is outcome


def test_a_rejection_carries_elasticsearchs_reason_with_its_cause():
    outcome, reason = classify(item(400, MAPPING_ERROR))
    assert outcome is Outcome.REJECTED
    assert reason == ("document_parsing_exception: [1:20] failed to parse field [location] "
                      "(caused by illegal_argument_exception: illegal latitude value [123.0])")
    assert describe_error("plain") == "plain"


def test_a_batch_is_due_when_full_by_count_or_bytes_or_old_enough():
    p = BatchPolicy(max_docs=10, max_bytes=1000, max_wait=2.0)
    assert not p.due(0, 0, 99)  # nothing to send
    assert not p.due(3, 100, 1.0)
    assert p.due(10, 100, 0.0)
    assert p.due(3, 1000, 0.0)
    assert p.due(3, 100, 2.0)
    assert p.wait(0, 0) == 2.0 and p.wait(3, 0.5) == 1.5 and p.wait(3, 5) == 0.0
    with pytest.raises(ValueError):
        BatchPolicy(max_docs=0)


def test_offsets_to_commit_are_one_past_the_last_record_of_each_partition():
    positions = [("a", 0, 5), ("a", 0, 7), ("a", 1, 3), ("b", 0, 0), ("a", 0, 6)]
    assert offsets_to_commit(positions) == {("a", 0): 8, ("a", 1): 4, ("b", 0): 1}
    assert offsets_to_commit([]) == {}
