"""Records on the processors' internal topics (private to the processors; public records are in faultline.schema).

A story request carries everything the tag agent made of one article, already as JSON-ready dicts, so
the single-partition stories agent only decides the story and stamps its id: no model validation on
the one path every article takes in turn. Alert candidates are the few events an event rule may match,
passed on (as Event records) to the alerts agent, so it never reads the whole events topic.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from faultline.alerting.spikes import Observation
from faultline.errors import SchemaError
from faultline.schema import Event, TaggedArticle
from faultline.transform import event_key


def _dumps(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class StoryRequest:
    article_id: str
    published: datetime
    sketch: list[int]
    tagged: dict[str, Any]  # TaggedArticle, story_id still null
    events: list[tuple[str, dict[str, Any]]]  # (Kafka key, Event)
    observations: list[tuple[str, dict[str, Any]]]  # (Kafka key, Observation)

    @classmethod
    def of(cls, tagged: TaggedArticle, events: list[Event], observations: list[Observation],
           sketch: tuple[int, ...]) -> StoryRequest:
        return cls(
            article_id=tagged.article_id, published=tagged.published, sketch=list(sketch),
            tagged=tagged.model_dump(mode="json"),
            events=[(event_key(e), e.model_dump(mode="json")) for e in events],
            observations=[(o.key, o.model_dump(mode="json")) for o in observations],
        )

    def to_json(self) -> bytes:
        return _dumps({"article_id": self.article_id, "published": self.published.isoformat(),
                       "sketch": self.sketch, "tagged": self.tagged, "events": self.events,
                       "observations": self.observations})

    @classmethod
    def from_json(cls, data: bytes) -> StoryRequest:
        try:
            doc = json.loads(data)
            return cls(article_id=doc["article_id"], published=datetime.fromisoformat(doc["published"]),
                       sketch=[int(h) for h in doc["sketch"]], tagged=doc["tagged"],
                       events=[(k, v) for k, v in doc["events"]],
                       observations=[(k, v) for k, v in doc["observations"]])
        except (ValueError, KeyError, TypeError) as exc:
            raise SchemaError(f"not a valid story request: {exc!r}") from exc

    def stamped(self, story_id: str, candidate: Callable[[dict[str, Any]], bool]) -> Stamped:
        """The tagged article, its events and its observations as wire records carrying ``story_id``;
        ``candidate`` picks the events worth a look by the event rules."""
        events = [(key, doc, _dumps({**doc, "story_id": story_id})) for key, doc in self.events]
        return Stamped(
            tagged=_dumps({**self.tagged, "story_id": story_id}),
            events=[(key, value) for key, _, value in events],
            candidates=[(key, value) for key, doc, value in events if candidate(doc)],
            observations=[(key, _dumps({**doc, "story_id": story_id})) for key, doc in self.observations],
        )


@dataclass
class Stamped:
    """One article's wire records, as (Kafka key, bytes)."""

    tagged: bytes
    events: list[tuple[str, bytes]]
    candidates: list[tuple[str, bytes]]  # the events some event rule may match (a subset of ``events``)
    observations: list[tuple[str, bytes]]
