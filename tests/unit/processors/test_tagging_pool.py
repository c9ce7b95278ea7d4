"""Tagging in the worker or in separate processes gives the same story requests; failures come back as data."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from alerting_builders import NEGATED, STRIKE, T0, THREAT, article
from processor_fakes import NOW, ScriptedTagger, scripted_core, until

import processors.tagging as tagging
from faultline.errors import SchemaError
from faultline.schema import DeadLetter
from processors.records import StoryRequest, unpack_batch

BODY = f"{STRIKE} {NEGATED} {THREAT}"


def _raw(article_id: str, body: str = BODY) -> bytes:
    return article(article_id, body=body, published=T0 + timedelta(minutes=1)).to_json()


def test_a_chunk_returns_requests_and_exceptions_in_order(monkeypatch):
    core = scripted_core(ScriptedTagger())
    monkeypatch.setattr(tagging, "_CORE", core)
    out = tagging._tag_chunk([_raw("a1"), b"not json", _raw("boom", "This will explode."), _raw("a2")], NOW)
    assert [type(x).__name__ for x in out] == ["tuple", "SchemaError", "RuntimeError", "tuple"]
    (a1, value), (a2, _) = out[0], out[3]
    assert (a1, a2) == ("a1", "a2")
    assert StoryRequest.from_bytes(value) == tagging.story_request(core, _raw("a1"), NOW)
    assert isinstance(out[1], SchemaError)


class _InlinePool:
    """Stands in for the process pool: the same work, in this process."""

    def __init__(self, core) -> None:
        self.core = core
        self.batches: list[int] = []

    async def tag_many(self, values, now):
        self.batches.append(len(values))
        tagging._CORE = self.core
        return tagging._tag_chunk(values, now)


async def test_the_tag_agent_with_a_pool_sends_in_order_and_dead_letters_failures(pipeline, outbox):
    pool = _InlinePool(pipeline.core)
    pipeline.pool = pool
    async with pipeline.tag_agent.test_context() as agent:
        for i, value in enumerate([_raw("a1"), b"\x00poison", _raw("a2"), _raw("a3")]):
            await agent.put(value, key=f"k{i}".encode(), wait=False)
        await until(lambda: len(outbox.sent) >= 2)  # the dead letter and the story requests
    requests = [StoryRequest.from_bytes(raw).article_id
                for _, value in outbox.to(pipeline.story_topic.get_topic_name()) for raw in unpack_batch(value)]
    (letter,) = [DeadLetter.from_json(v) for _, v in outbox.to(pipeline.names.dlq)]
    assert requests == ["a1", "a2", "a3"] and sum(pool.batches) == 4
    assert letter.stage == "tag" and letter.payload() == b"\x00poison" and letter.offset == 1


class _SlowFirstPool(_InlinePool):
    """The first batch takes longer than the next: its results must still be sent first."""

    async def tag_many(self, values, now):
        first = not self.batches
        results = await super().tag_many(values, now)
        if first:
            await asyncio.sleep(0.2)
        return results


async def test_batches_are_tagged_ahead_but_finished_in_order(pipeline, outbox):
    pool = _SlowFirstPool(pipeline.core)
    pipeline.pool = pool
    async with pipeline.tag_agent.test_context() as agent:
        await agent.put(_raw("a1"), key=b"a1", wait=False)
        await asyncio.sleep(0.05)  # the first batch is taken (within 10 ms) and is being tagged
        for key in ("a2", "a3"):
            await agent.put(_raw(key), key=key.encode(), wait=False)
        await asyncio.sleep(0.05)
        assert pool.batches == [1, 2] and outbox.sent == []  # the second batch is tagged while the first waits
        await until(lambda: len(outbox.sent) >= 2)
    batches = [[StoryRequest.from_bytes(raw).article_id for raw in unpack_batch(value)]
               for _, value in outbox.to(pipeline.story_topic.get_topic_name())]
    assert batches == [["a1"], ["a2", "a3"]]
