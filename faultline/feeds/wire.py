"""How producer records travel: key, value and headers of each Kafka message (names from faultline.schema)."""

from __future__ import annotations

from dataclasses import dataclass

from faultline.schema import HEADER_RECORD_TYPE, HEADER_SCHEMA_VERSION, SCHEMA_VERSION, Article, DeadLetter

Headers = tuple[tuple[str, bytes], ...]


def headers(record_type: str, schema_version: int = SCHEMA_VERSION) -> Headers:
    return ((HEADER_SCHEMA_VERSION, str(schema_version).encode()), (HEADER_RECORD_TYPE, record_type.encode()))


@dataclass(frozen=True)
class Message:
    topic: str
    key: bytes
    value: bytes | None  # None: a tombstone
    headers: Headers


def article_message(topic: str, article: Article) -> Message:
    """Key = article_id, so every copy of an article lands on one partition and overwrites downstream."""
    return Message(topic, article.article_id.encode(), article.to_json(),
                   headers(article.record_type, article.schema_version))


def dead_letter_message(topic: str, letter: DeadLetter) -> Message:
    return Message(topic, (letter.key or "").encode(), letter.to_json(),
                   headers(letter.record_type, letter.schema_version))
