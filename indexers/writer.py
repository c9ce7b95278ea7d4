"""Send a batch of index operations with the async client until Elasticsearch has answered for every one.

Throttling (429), server errors (5xx), blocked or unauthorised clusters and lost connections are retried
with capped exponential backoff, for as long as it takes: nothing is dropped. Only a document Elasticsearch
refuses as such (a 400 on the item: mapping, parsing) comes back as rejected, with its reason.
"""

from __future__ import annotations

import asyncio
import logging
import random
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic_core import to_json

from faultline.backoff import backoff_delay
from faultline.errors import ServiceError
from faultline.indexing.bulk import Outcome, classify
from faultline.indexing.documents import IndexAction

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
MIN_SPLIT = 100  # a batch is split into concurrent requests only when each part has at least this many


@dataclass(frozen=True)
class ItemResult:
    outcome: Outcome  # OK, STALE or REJECTED: the writer retries everything else itself
    reason: str | None = None


def encode(action: IndexAction) -> bytes:
    """The two NDJSON lines of one operation (pydantic-core's serializer: UTF-8, several times json's speed)."""
    return b"".join((to_json(action.header()), b"\n", to_json(action.source), b"\n"))


class BulkWriter:
    def __init__(self, es: Any, *, sleep: Sleep = asyncio.sleep, base_delay: float = 0.5,
                 max_delay: float = 30.0, rng: random.Random | None = None, concurrency: int = 2):
        self.es = es
        self.concurrency = max(1, concurrency)
        self.sleep = sleep
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.rng = rng or random.Random()
        self.retries = 0  # bulk attempts that had to be repeated, over the writer's life

    async def _wait(self, attempt: int, why: str) -> None:
        delay = backoff_delay(attempt + 1, base=self.base_delay, cap=self.max_delay, jitter=0.5,
                              rand=self.rng.random())
        self.retries += 1
        log.warning("Elasticsearch: %s; retrying in %.1fs (attempt %d)", why, delay, attempt + 1)
        await self.sleep(delay)

    async def write(self, actions: list[IndexAction], encoded: list[bytes] | None = None) -> list[ItemResult]:
        """Index ``actions``; one result per action, in order, once Elasticsearch acknowledged each.

        Large batches go as ``concurrency`` bulk requests at once, split by document id: every operation on
        one id stays in one request, in its order, so no later version can be overtaken by an earlier one.
        """
        lines = encoded if encoded is not None else [encode(a) for a in actions]
        if self.concurrency == 1 or len(actions) < 2 * MIN_SPLIT:
            return await self._write(actions, lines)
        groups: list[list[int]] = [[] for _ in range(self.concurrency)]
        for i, action in enumerate(actions):
            groups[zlib.crc32(action.id.encode()) % self.concurrency].append(i)
        groups = [g for g in groups if g]
        parts = await asyncio.gather(*(self._write([actions[i] for i in g], [lines[i] for i in g]) for g in groups))
        results: list[ItemResult | None] = [None] * len(actions)
        for group, part in zip(groups, parts, strict=True):
            for i, r in zip(group, part, strict=True):
                results[i] = r
        return results  # type: ignore[return-value]

    async def _write(self, actions: list[IndexAction], lines: list[bytes]) -> list[ItemResult]:
        from elasticsearch import ApiError, TransportError

        results: list[ItemResult | None] = [None] * len(actions)
        pending = list(range(len(actions)))
        attempt = 0
        while pending:
            try:
                response = await self.es.bulk(operations=b"".join(lines[i] for i in pending))
            except ApiError as exc:
                if exc.status_code == 413 and len(pending) > 1:
                    half = len(pending) // 2
                    for part in (pending[:half], pending[half:]):
                        sub = await self._write([actions[i] for i in part], [lines[i] for i in part])
                        for i, r in zip(part, sub, strict=True):
                            results[i] = r
                    break
                if exc.status_code == 400:
                    raise ServiceError(f"Elasticsearch refused the bulk request: {exc}") from exc
                await self._wait(attempt, f"bulk request failed with {exc.status_code} ({exc.message})")
                attempt += 1
                continue
            except TransportError as exc:  # connection refused, reset, timed out
                await self._wait(attempt, f"unreachable ({type(exc).__name__}: {exc})")
                attempt += 1
                continue
            retry: list[int] = []
            missing: set[str] = set()
            reasons: list[str] = []
            for i, item in zip(pending, response["items"], strict=True):
                outcome, reason = classify(item)
                if outcome in (Outcome.OK, Outcome.STALE, Outcome.REJECTED):
                    results[i] = ItemResult(outcome, reason)
                    continue
                if outcome is Outcome.MISSING_INDEX:
                    missing.add(actions[i].index)
                retry.append(i)
                reasons.append(reason or "")
            for index in sorted(missing):
                await self._create_index(index)
            pending = retry
            if pending:
                await self._wait(attempt, f"{len(pending)} items not taken ({reasons[0]})")
                attempt += 1
        return [r if r is not None else ItemResult(Outcome.REJECTED, "no result") for r in results]

    async def _create_index(self, index: str) -> None:
        """For clusters that do not auto-create indices: the template still applies to an explicit create."""
        from elasticsearch import ApiError, TransportError

        try:
            await self.es.options(ignore_status=400).indices.create(index=index)
        except (ApiError, TransportError) as exc:
            log.warning("cannot create %s yet: %s", index, exc)
