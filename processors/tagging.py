"""The tag agent's work on one raw record, in the worker's process or in a pool of tagging processes.

Tagging is pure and by far the most expensive step, so a worker can hand it to ``--taggers N`` separate
processes (each loads its own tagger) while its event loop keeps consuming, sending and running the
other agents. Only bytes cross the process boundary: the raw record in, the story request out (or the
exception that makes the record a dead letter).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from faultline.schema import Article
from faultline.stories import sketch, story_text
from faultline.transform import events_of, tag_article
from processors.core import Core
from processors.records import StoryRequest

log = logging.getLogger(__name__)


def story_request(core: Core, value: bytes, now: datetime) -> StoryRequest:
    """Decode and tag one raw record (raises on bad bytes or a tagger failure)."""
    article = Article.from_json(value)
    result = core.tagger.tag(article.tagging_text(), doc_id=article.article_id, published=article.published,
                             language=article.language)
    tagged = tag_article(article, result, tagged_at=now)
    events = events_of(tagged)
    sk = sketch(story_text(article.title, article.body), core.rules.stories)
    return StoryRequest.of(tagged, events, core.spikes.observations(events), sk)


# ---- the pool ------------------------------------------------------------------------------------------

_CORE: Core | None = None  # one per tagging process, loaded by the pool's initializer


def _load(rules_path: Path | None) -> None:
    global _CORE
    _CORE = Core.load(rules_path)


def _tag_chunk(values: list[bytes], now: datetime) -> list[tuple[str, bytes] | BaseException]:
    assert _CORE is not None, "tagging process not initialised"
    out: list[tuple[str, bytes] | BaseException] = []
    for value in values:
        try:
            request = story_request(_CORE, value, now)
        except Exception as exc:  # noqa: BLE001 - returned, dead-lettered by the agent
            out.append(exc)
        else:
            out.append((request.article_id, request.to_json()))
    return out


class TagPool:
    """``processes`` tagging processes (spawned, so nothing of the worker's event loop is inherited)."""

    def __init__(self, processes: int, rules_path: Path | None = None) -> None:
        self.processes = processes
        self.executor = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_load, initargs=(rules_path,))

    async def tag_many(self, values: list[bytes], now: datetime) -> list[tuple[str, bytes] | BaseException]:
        """Story requests (article id, bytes) or exceptions, in the order of ``values``."""
        loop = asyncio.get_running_loop()
        size = max(1, -(-len(values) // self.processes))
        chunks = [values[i:i + size] for i in range(0, len(values), size)]
        parts = await asyncio.gather(*(loop.run_in_executor(self.executor, _tag_chunk, chunk, now)
                                       for chunk in chunks))
        return [item for part in parts for item in part]

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
