"""The indexer's decisions, free of I/O: what a bulk item's result means, how long to back off, when a batch
is due, and which offsets a finished batch lets the consumer commit.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from faultline.errors import DataError


class DocumentRejected(DataError):
    """Elasticsearch refused a document (mapping or parsing error); it goes to the dead-letter topic."""


class Outcome(enum.Enum):
    OK = "ok"  # indexed (created or updated)
    STALE = "stale"  # an older alert revision than the one indexed: nothing to do
    RETRY = "retry"  # the cluster could not take it now (429, 5xx, blocked, unauthorised): try again
    MISSING_INDEX = "missing_index"  # the cluster does not auto-create indices: create it, then retry
    REJECTED = "rejected"  # the document itself is refused (mapping, parsing): a dead letter


# Errors about the cluster's state, never about the document, whatever their status code.
_INFRASTRUCTURE_ERRORS = frozenset({
    "cluster_block_exception", "es_rejected_execution_exception", "circuit_breaking_exception",
    "unavailable_shards_exception", "no_shard_available_action_exception", "security_exception",
})


def describe_error(error: Any) -> str:
    """Elasticsearch's reason for an item's failure, with its causes: ``type: reason (caused by ...)``."""
    if not isinstance(error, dict):
        return str(error)
    text = f"{error.get('type', 'error')}: {error.get('reason', '')}".rstrip(": ")
    cause = error.get("caused_by")
    if isinstance(cause, dict):
        text += f" (caused by {describe_error(cause)})"
    return text


def classify(item: dict[str, Any]) -> tuple[Outcome, str | None]:
    """Classify one entry of a bulk response's ``items`` (``{"index": {...}}``)."""
    result = next(iter(item.values())) if item else {}
    status = int(result.get("status", 0))
    error = result.get("error")
    if 200 <= status < 300 and not error:
        return Outcome.OK, None
    reason = describe_error(error) if error else f"status {status}"
    etype = error.get("type") if isinstance(error, dict) else None
    if etype in _INFRASTRUCTURE_ERRORS:
        return Outcome.RETRY, reason
    if status == 409 and etype == "version_conflict_engine_exception":
        return Outcome.STALE, reason
    if status == 404 and etype == "index_not_found_exception":
        return Outcome.MISSING_INDEX, reason
    if status == 400:
        return Outcome.REJECTED, reason
    return Outcome.RETRY, reason


@dataclass(frozen=True)
class BatchPolicy:
    """A batch is sent when it holds ``max_docs`` records or ``max_bytes`` of payload, or is ``max_wait`` old."""

    max_docs: int = 2000
    max_bytes: int = 8 * 1024 * 1024
    max_wait: float = 1.0

    def __post_init__(self) -> None:
        if self.max_docs < 1 or self.max_bytes < 1 or self.max_wait <= 0:
            raise ValueError("batch limits must be positive")

    def full(self, count: int, nbytes: int) -> bool:
        return count >= self.max_docs or nbytes >= self.max_bytes

    def due(self, count: int, nbytes: int, age: float) -> bool:
        return count > 0 and (self.full(count, nbytes) or age >= self.max_wait)

    def wait(self, count: int, age: float) -> float:
        """How long to wait for more records before the batch is due (the whole window when empty)."""
        if count == 0:
            return self.max_wait
        return max(0.0, self.max_wait - age)


def offsets_to_commit(positions: Iterable[tuple[str, int, int]]) -> dict[tuple[str, int], int]:
    """From the (topic, partition, offset) of every record of a finished batch: the next offset per partition."""
    out: dict[tuple[str, int], int] = {}
    for topic, partition, offset in positions:
        key = (topic, partition)
        if offset + 1 > out.get(key, -1):
            out[key] = offset + 1
    return out
