"""Stand-ins for the agent tests: a recording outbox instead of a broker, a scripted tagger, a fixed clock."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "alerting"))

from alerting_builders import NEGATED, STRIKE, T0, THREAT, catalog, event_tag, result  # noqa: E402

from faultline.alerting.config import load_rules  # noqa: E402
from faultline.schema import TagResult  # noqa: E402
from processors.core import Core  # noqa: E402

NOW = T0 + timedelta(minutes=3)


class RecordingOutbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str | None, bytes, str, bool]] = []
        self.delivered: list = []  # the futures handed back, all done: the broker "has" every record

    async def send(self, topic, key, value, record_type, *, wait=False):
        self.sent.append((topic, key, value, record_type, wait))
        self.delivered.append(asyncio.get_running_loop().create_future())
        self.delivered[-1].set_result(None)
        return self.delivered[-1]

    def to(self, topic: str) -> list[tuple[str | None, bytes]]:
        return [(k, v) for t, k, v, _, _ in self.sent if t == topic]


async def until(condition, timeout: float = 3.0) -> None:
    """Wait for work done by a background task (batches are taken within 10 ms)."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met in time")


class ScriptedTagger:
    """Tags the strike / negated attack / threat sentences it finds, as the real tagger should."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def tag(self, text, *, doc_id, published=None, language=None) -> TagResult:
        self.calls.append(doc_id)
        if "explode" in text:
            raise RuntimeError("tagger failure on purpose")
        events = []
        if STRIKE in text:
            events.append(event_tag(text, STRIKE, "drone strike killed", type="ASSAULT", source="usa",
                                    target="kataib_hezbollah", dead=1, mode="drone"))
        if NEGATED in text:
            events.append(event_tag(text, NEGATED, "attacks", type="ASSAULT", source=None,
                                    target="usa.military", negated=True))
        if THREAT in text:
            events.append(event_tag(text, THREAT, "warned", type="THREATEN", source="person.hadi_al_amiri",
                                    target="usa.military"))
        return result(_Doc(doc_id), ["usa", "usa.military", "kataib_hezbollah", "person.hadi_al_amiri"], events)


class _Doc:
    def __init__(self, article_id: str) -> None:
        self.article_id = article_id




def scripted_core(tagger: ScriptedTagger) -> Core:
    """The real alert rules over the toy catalogue, with the scripted tagger."""
    return Core.build(tagger, load_rules(), catalog())
