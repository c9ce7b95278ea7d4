"""Story requests: the processors' records on their internal single-partition topic (public records are in
faultline.schema).

The tag agent turns an article into all of its wire records (the tagged article, its events, its
observations), already serialised but for the story id, which only the stories agent can decide. Each
record travels as the bytes before and after the value of its ``story_id`` field, so stamping a story id
is a concatenation: the stories agent, the one agent every article passes through in turn, parses and
serialises no article, event or observation.

On the wire (private to the processors, so the format can change with them)::

    MAGIC | header length (4 bytes, big-endian) | header (JSON) | sketch (8 bytes per hash) | record bytes

The header holds the article id, its publication time, the sketch length and, for each record, its kind,
its Kafka key and the lengths of its two parts; the record bytes follow in that order.

The tag agent sends the requests of the articles it tagged together as one Kafka record (up to
:data:`BATCH_BYTES`), so that the single-partition topic costs one record per batch, not per article::

    BATCH_MAGIC | count (4 bytes) | the requests' lengths (4 bytes each) | the requests
"""

from __future__ import annotations

import json
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from faultline.errors import SchemaError

MAGIC: Final = b"FSR\x01"
BATCH_MAGIC: Final = b"FSB\x01"
BATCH_BYTES: Final = 256 * 1024  # a batch record stays well below Kafka's default 1 MB message limit
_LENGTH = struct.Struct(">I")

TAGGED: Final = "tagged"
EVENT: Final = "event"
CANDIDATE: Final = "candidate"  # an event some event rule may match: also passed to the alerts agent
OBSERVATION: Final = "observation"
KINDS: Final = frozenset({TAGGED, EVENT, CANDIDATE, OBSERVATION})

#: The story id the tag agent puts in its records before splitting them: random per process, so no text
#: of an article can contain it.
PLACEHOLDER: Final = f"story-{secrets.token_hex(16)}"
_PLACEHOLDER_JSON: Final = json.dumps(PLACEHOLDER).encode()


@dataclass(frozen=True)
class Part:
    """One wire record of the article: its kind, its Kafka key, and its bytes around the story id's value."""

    kind: str
    key: str
    head: bytes
    tail: bytes

    @classmethod
    def split(cls, kind: str, key: str, value: bytes) -> Part:
        """``value`` is a record serialised with :data:`PLACEHOLDER` as its story id."""
        head, sep, tail = value.partition(_PLACEHOLDER_JSON)
        if not sep or _PLACEHOLDER_JSON in tail:
            raise ValueError(f"a {kind} record must carry the story id placeholder exactly once")
        return cls(kind, key, head, tail)

    def stamped(self, story_id_json: bytes) -> bytes:
        return b"".join((self.head, story_id_json, self.tail))


@dataclass(frozen=True)
class StoryRequest:
    article_id: str
    published: datetime
    sketch: tuple[int, ...]
    parts: tuple[Part, ...]

    def to_bytes(self) -> bytes:
        header = json.dumps({"article_id": self.article_id, "published": self.published.isoformat(),
                             "sketch": len(self.sketch),
                             "parts": [[p.kind, p.key, len(p.head), len(p.tail)] for p in self.parts]},
                            ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return b"".join((MAGIC, _LENGTH.pack(len(header)), header, struct.pack(f">{len(self.sketch)}q", *self.sketch),
                         *(b for p in self.parts for b in (p.head, p.tail))))

    @classmethod
    def from_bytes(cls, data: bytes) -> StoryRequest:
        try:
            if data[:len(MAGIC)] != MAGIC:
                raise ValueError("no story request marker")
            at = len(MAGIC) + _LENGTH.size
            (size,) = _LENGTH.unpack_from(data, len(MAGIC))
            header = json.loads(data[at:at + size])
            at += size
            n = int(header["sketch"])
            sketch = struct.unpack_from(f">{n}q", data, at)
            at += 8 * n
            parts = []
            for kind, key, head_size, tail_size in header["parts"]:
                if kind not in KINDS or not isinstance(key, str) or min(head_size, tail_size) < 0:
                    raise ValueError(f"bad part {kind!r}/{key!r}")
                head, tail = data[at:at + head_size], data[at + head_size:at + head_size + tail_size]
                at += head_size + tail_size
                parts.append(Part(kind, key, head, tail))
            if at != len(data):
                raise ValueError(f"{len(data) - at} bytes left over")
            return cls(article_id=str(header["article_id"]), published=datetime.fromisoformat(header["published"]),
                       sketch=sketch, parts=tuple(parts))
        except (ValueError, KeyError, TypeError, struct.error) as exc:
            raise SchemaError(f"not a valid story request: {exc!r}") from exc

    def stamped(self, story_id: str) -> Iterator[tuple[str, str, bytes]]:
        """(kind, key, wire bytes) of every record, carrying ``story_id``, in the order they were added."""
        value = json.dumps(story_id).encode()
        for part in self.parts:
            yield part.kind, part.key, part.stamped(value)


def batches(requests: list[tuple[str, bytes]], limit: int = BATCH_BYTES) -> Iterator[tuple[str, bytes]]:
    """(Kafka key, batch record) for (article id, request) pairs, in order: as many requests per record as
    fit in ``limit`` bytes (a larger request travels alone); the key is the first article's id."""
    chunk: list[bytes] = []
    size, key = 0, ""
    for article_id, request in requests:
        if chunk and size + len(request) > limit:
            yield key, pack_batch(chunk)
            chunk, size = [], 0
        if not chunk:
            key = article_id
        chunk.append(request)
        size += len(request)
    if chunk:
        yield key, pack_batch(chunk)


def pack_batch(requests: list[bytes]) -> bytes:
    n = len(requests)
    return b"".join((BATCH_MAGIC, _LENGTH.pack(n), struct.pack(f">{n}I", *map(len, requests)), *requests))


def unpack_batch(data: bytes) -> list[bytes]:
    """The requests of a batch record, still encoded (each is decoded, and may fail, on its own)."""
    try:
        if data[:len(BATCH_MAGIC)] != BATCH_MAGIC:
            raise ValueError("no story request batch marker")
        at = len(BATCH_MAGIC)
        (n,) = _LENGTH.unpack_from(data, at)
        at += _LENGTH.size
        sizes = struct.unpack_from(f">{n}I", data, at)
        at += 4 * n
        if at + sum(sizes) != len(data):
            raise ValueError(f"the lengths add up to {at + sum(sizes)} bytes, the record has {len(data)}")
        out = []
        for size in sizes:
            out.append(data[at:at + size])
            at += size
        return out
    except (ValueError, struct.error) as exc:
        raise SchemaError(f"not a valid story request batch: {exc!r}") from exc
