"""The seen-state: which articles the broker acknowledged, and which feed versions were fully published.

It lives in the compacted topic ``names.producer_seen`` rather than in a file beside the producer:

- it is stored with the articles it describes, so pointing a producer at another cluster or namespace
  starts from that cluster's truth (a local file would claim articles the new cluster never received);
- several producer instances (and a restarted container without a volume) share it;
- compaction keeps one record per key, so the topic stays as small as the set of ids;
- marks older than the retention (``ProducerConfig.seen_retention``) are deleted with tombstones, so the topic
  and the producer's memory stay bounded on a service that runs for months. A feed that lists an article
  again after that publishes it once more, under the same article_id: downstream overwrites it.

Keys are ``article/<article_id>`` (value: feed id and time) and ``feed/<feed_id>`` (value: the validators of
the last response whose articles were all acknowledged). ``SeenIndex`` is the in-memory view plus
in-flight claims, so one article found in two feeds polled at the same moment is published once.

A mark follows its article's acknowledgement; an exit between the two would leave an acknowledged article
unmarked, so at start-up the producer also reads the raw topic's recent past and marks what it finds there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from faultline.feeds.wire import Message, headers

ARTICLE_PREFIX = "article/"
FEED_PREFIX = "feed/"
RECORD_TYPE_ARTICLE_MARK = "producer_seen_article"
RECORD_TYPE_FEED_MARK = "producer_seen_feed"


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None


def article_mark(topic: str, article_id: str, feed_id: str | None, at: datetime) -> Message:
    value = json.dumps({"feed_id": feed_id, "at": at.isoformat()}).encode()
    return Message(topic, f"{ARTICLE_PREFIX}{article_id}".encode(), value, headers(RECORD_TYPE_ARTICLE_MARK))


def article_tombstone(topic: str, article_id: str) -> Message:
    """Deletes an article's mark (compaction drops the key)."""
    return Message(topic, f"{ARTICLE_PREFIX}{article_id}".encode(), None, headers(RECORD_TYPE_ARTICLE_MARK))


def feed_mark(topic: str, feed_id: str, validators: Validators, at: datetime) -> Message:
    value = json.dumps({"etag": validators.etag, "last_modified": validators.last_modified,
                        "at": at.isoformat()}).encode()
    return Message(topic, f"{FEED_PREFIX}{feed_id}".encode(), value, headers(RECORD_TYPE_FEED_MARK))


@dataclass
class Claims:
    """How a response's ids split: ``new`` are now claimed by the caller, who must confirm or release
    each; ``pending`` are being published by another poll right now; the rest were duplicates."""

    new: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    duplicates: int = 0


class SeenIndex:
    def __init__(self) -> None:
        self._seen: dict[str, float | None] = {}  # article id -> when it was marked (epoch seconds), if known
        self._claimed: set[str] = set()
        self.validators: dict[str, Validators] = {}
        self.bad_records = 0

    def __len__(self) -> int:
        return len(self._seen)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._seen

    def load(self, key: bytes | None, value: bytes | None) -> None:
        """Apply one record read back from the topic (a null value is a tombstone)."""
        try:
            text = (key or b"").decode("utf-8")
        except UnicodeDecodeError:
            self.bad_records += 1
            return
        if text.startswith(ARTICLE_PREFIX) and len(text) > len(ARTICLE_PREFIX):
            article_id = text[len(ARTICLE_PREFIX):]
            if value is None:
                self._seen.pop(article_id, None)
            else:
                self._seen[article_id] = _marked_at(value)
        elif text.startswith(FEED_PREFIX) and len(text) > len(FEED_PREFIX):
            feed_id = text[len(FEED_PREFIX):]
            if value is None:
                self.validators.pop(feed_id, None)
                return
            try:
                doc = json.loads(value)
                self.validators[feed_id] = Validators(_opt_str(doc.get("etag")), _opt_str(doc.get("last_modified")))
            except (ValueError, AttributeError):
                self.bad_records += 1
        else:
            self.bad_records += 1

    def claim(self, ids: list[str]) -> Claims:
        out = Claims()
        mine: set[str] = set()
        for article_id in ids:
            if article_id in self._seen or article_id in mine:
                out.duplicates += 1  # published before, or the same entry twice in one response
            elif article_id in self._claimed:
                out.pending.append(article_id)
                mine.add(article_id)
            else:
                self._claimed.add(article_id)
                out.new.append(article_id)
                mine.add(article_id)
        return out

    def confirm(self, article_id: str, at: datetime | None = None) -> None:
        """The broker acknowledged the article: it is seen from now on."""
        self._claimed.discard(article_id)
        self._seen[article_id] = at.timestamp() if at is not None else None

    def expired(self, before: datetime) -> list[str]:
        """Articles marked before ``before`` (marks without a time never expire), not claimed right now."""
        limit = before.timestamp()
        return [a for a, t in self._seen.items() if t is not None and t < limit and a not in self._claimed]

    def forget(self, article_ids: list[str]) -> None:
        for article_id in article_ids:
            self._seen.pop(article_id, None)

    def release(self, article_id: str) -> None:
        """Publishing failed: the next poll may claim the article again."""
        self._claimed.discard(article_id)

    def is_claimed(self, article_id: str) -> bool:
        return article_id in self._claimed


def _marked_at(value: bytes) -> float | None:
    try:
        return datetime.fromisoformat(json.loads(value)["at"]).timestamp()
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
