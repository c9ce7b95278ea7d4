"""The tag agent's work on raw records, in the worker's process or in a pool of tagging processes.

Tagging is pure and by far the most expensive step, so a worker can hand it to ``--taggers N`` separate
processes (each loads its own tagger) while its event loop keeps consuming, sending and running the
other agents. Only bytes cross the process boundary: the raw record in, the story request out (or the
exception that makes the record a dead letter).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from faultline.schema import Article
from faultline.stories import sketch, story_text
from faultline.transform import event_key, events_of, tag_article
from processors.core import Core
from processors.records import CANDIDATE, EVENT, OBSERVATION, PLACEHOLDER, TAGGED, Part, StoryRequest

log = logging.getLogger(__name__)


def story_request(core: Core, value: bytes, now: datetime) -> StoryRequest:
    """Decode and tag one raw record (raises on bad bytes or a tagger failure): every wire record of the
    article, serialised with a placeholder story id for the stories agent to fill in."""
    article = Article.from_json(value)
    result = core.tagger.tag(article.tagging_text(), doc_id=article.article_id, published=article.published,
                             language=article.language)
    tagged = tag_article(article, result, tagged_at=now, story_id=PLACEHOLDER)
    events = events_of(tagged)
    parts = [Part.split(TAGGED, tagged.article_id, tagged.to_json())]
    parts += [Part.split(CANDIDATE if core.events.may_match(vars(e)) else EVENT, event_key(e), e.to_json())
              for e in events]
    parts += [Part.split(OBSERVATION, o.key, o.to_json()) for o in core.spikes.observations(events)]
    sk = sketch(story_text(article.title, article.body), core.rules.stories)
    return StoryRequest(article.article_id, article.published, sk, tuple(parts))


def tag_values(core: Core, values: list[bytes], now: datetime) -> list[tuple[str, bytes] | BaseException]:
    """(article id, encoded story request) for each raw record, or the exception that makes it a dead letter."""
    out: list[tuple[str, bytes] | BaseException] = []
    for value in values:
        try:
            request = story_request(core, value, now)
        except Exception as exc:  # noqa: BLE001 - returned, dead-lettered by the agent
            out.append(exc)
        else:
            out.append((request.article_id, request.to_bytes()))
    return out


class InlineTagging:
    """Tags in the worker's own process (``--taggers 0``), with the same interface as :class:`TagPool`."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def tag_many(self, values: list[bytes], now: datetime) -> list[tuple[str, bytes] | BaseException]:
        return tag_values(self.core, values, now)


# ---- the pool ------------------------------------------------------------------------------------------

_CORE: Core | None = None  # one per tagging process, loaded by the pool's initializer


def _load(rules_path: Path | None) -> None:
    global _CORE
    _CORE = Core.load(rules_path)
    gc.freeze()  # the tagger lives as long as the process: no collection scans it again


def _tag_chunk(values: list[bytes], now: datetime) -> list[tuple[str, bytes] | BaseException]:
    assert _CORE is not None, "tagging process not initialised"
    return tag_values(_CORE, values, now)


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
