"""Tagging in the worker or in separate processes gives the same story requests; failures come back as data."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from alerting_builders import NEGATED, STRIKE, T0, THREAT, article
from processor_fakes import NOW, ScriptedTagger, scripted_core

import processors.tagging as tagging
from faultline.errors import SchemaError
from faultline.schema import DeadLetter
from processors.records import StoryRequest

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
    assert StoryRequest.from_json(value).to_json() == tagging.story_request(core, _raw("a1"), NOW).to_json()
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
        for _ in range(200):  # batches are taken within 10 ms; give them time to come through
            if len(outbox.sent) >= 4:
                break
            await asyncio.sleep(0.01)
    requests = [k for k, _ in outbox.to(pipeline.story_topic.get_topic_name())]
    (letter,) = [DeadLetter.from_json(v) for _, v in outbox.to(pipeline.names.dlq)]
    assert requests == ["a1", "a2", "a3"] and sum(pool.batches) == 4
    assert letter.stage == "tag" and letter.payload() == b"\x00poison" and letter.offset == 1
