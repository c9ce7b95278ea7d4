"""Which topics the indexer reads, and what each topic's records are."""

from __future__ import annotations

from faultline.errors import SchemaError
from faultline.names import Names
from faultline.schema import Alert, Event, Record, TaggedArticle

RECORD_TYPES: dict[str, type[Record]] = {"articles": TaggedArticle, "events": Event, "alerts": Alert}


def topics_by_kind(names: Names) -> dict[str, str]:
    """The topic each index kind is fed from."""
    return {"articles": names.tagged_articles, "events": names.events, "alerts": names.alerts}


def kinds_by_topic(names: Names) -> dict[str, str]:
    return {topic: kind for kind, topic in topics_by_kind(names).items()}


def decode(kind: str, payload: bytes | None) -> Record:
    """The record a message of ``kind``'s topic carries; ``SchemaError`` when it is not one."""
    if payload is None:
        raise SchemaError(f"empty message on the {kind} topic (a tombstone is not a {RECORD_TYPES[kind].__name__})")
    return RECORD_TYPES[kind].from_json(payload)
