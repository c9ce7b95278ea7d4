"""Near-duplicate detection: copies of one wire story, republished by many outlets, share a ``story_id``.

A text (title + body) is reduced to a bottom-k MinHash sketch over word shingles: the ``sketch_size``
smallest hashes of its shingles. Two sketches estimate the Jaccard similarity of their shingle
sets; a new article joins the most similar known story at or above ``min_similarity``, else founds a
new one. Candidates are found through the ``lsh_keys`` smallest hashes (two copies of one story share
most of them).

The stories live in a key-value store the caller provides (a dict in tests, a changelog-backed table in
the processors): ``s:<story_id>`` -> ``[first published (epoch seconds), sketch]``, written once per story
and deleted once the story is past the horizon: when a candidate turns out too old, and in any case once it
is two horizons older than the newest article seen, so the store stays as small as the recent news. Values
are plain JSON-able lists, never mutated in place.

A story's id derives from its first article's id, so replaying the same articles in the same order
gives the same ids.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import unicodedata
import zlib
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from faultline.alerting.config import StorySettings

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_COMBINING_RE = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def words(text: str) -> list[str]:
    """Lower-case words with diacritics removed: copies differing only in accents or case agree."""
    folded = text.casefold()
    if not folded.isascii():
        folded = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", folded))
    return _WORD_RE.findall(folded)


def _shingle_hashes(tokens: list[str], n: int) -> set[int]:
    """Hashes of the n-word shingles: CPython's tuple hash over the words' CRC32s.

    Deterministic across processes and runs (integer and tuple hashes are not salted) on 64-bit
    CPython 3.8 or later; all C-level loops, which is what makes sketching cheap.
    """
    ids = list(map(zlib.crc32, map(str.encode, tokens)))
    if len(ids) < n:
        return {hash(tuple(ids))} if ids else set()
    return set(map(hash, zip(*(ids[i:] for i in range(n)), strict=False)))


def sketch(text: str, settings: StorySettings) -> tuple[int, ...]:
    """The bottom-k sketch of ``text`` (its first ``max_words`` words): its smallest shingle hashes,
    ascending (empty for no words)."""
    # ~8 characters a word is plenty: read no further than needed
    tokens = words(text[: settings.max_words * 12])[: settings.max_words]
    return tuple(sorted(_shingle_hashes(tokens, settings.shingle_words))[: settings.sketch_size])


def similarity(a: tuple[int, ...] | list[int], b: tuple[int, ...] | list[int], k: int) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two bottom-k sketches."""
    if not a or not b:
        return 0.0
    set_a = set(a)
    both = set_a.intersection(b)
    union = set_a.union(b)
    if len(union) <= k:
        return len(both) / len(union)
    # the shared hashes among the k smallest of the union (a sort in C: far cheaper than a heap of k)
    kth = sorted(union)[k - 1]
    return sum(1 for h in both if h <= kth) / k


def story_text(title: str, body: str) -> str:
    return f"{title}\n{body}"


def new_story_id(article_id: str) -> str:
    return "st-" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class Assignment:
    story_id: str
    new: bool  # this article founded the story
    similarity: float  # to the story's first article (1.0 for a founder)


class StoryIndex:
    """Assigns story ids over a key-value ``store``; deterministic for a given order of arrivals.

    The store holds one record per story, written once when the story is founded; a copy joining a
    story writes nothing, and a replayed article finds its own story again (similarity 1). The lookup
    from hashes to stories is derived from those records and kept in memory: call :meth:`rebuild`
    whenever the store was filled from elsewhere (a restarted worker's recovered table).
    """

    def __init__(self, store: MutableMapping[str, Any], settings: StorySettings) -> None:
        self.store = store
        self.settings = settings
        self._lookup: dict[int, list[str]] = {}
        self._ages: list[tuple[float, str]] = []  # (first published, story id): a heap, oldest first
        self._newest = float("-inf")
        self.rebuild()

    def rebuild(self) -> None:
        """Derive the lookup from the story records in the store."""
        self._lookup = {}
        self._ages = []
        for key, record in list(self.store.items()):
            if key.startswith("s:"):
                self._add(key[2:], record[1])
                self._ages.append((record[0], key[2:]))
        heapq.heapify(self._ages)

    def assign(self, article_id: str, title: str, body: str, published: datetime) -> Assignment:
        return self.assign_sketch(article_id, sketch(story_text(title, body), self.settings), published)

    def assign_sketch(self, article_id: str, sk: tuple[int, ...], published: datetime) -> Assignment:
        when = published.timestamp()
        self._expire(when)
        match = self._best_match(sk, when)
        if match is not None:
            return Assignment(match[0], new=False, similarity=match[1])
        story_id = new_story_id(article_id)
        if self._matchable(sk):
            self.store[f"s:{story_id}"] = [when, list(sk)]
            self._add(story_id, sk)
            heapq.heappush(self._ages, (when, story_id))
        return Assignment(story_id, new=True, similarity=1.0)

    def _expire(self, when: float) -> None:
        """Delete the stories two horizons older than the newest article seen (cheap when there are none)."""
        self._newest = max(self._newest, when)
        limit = self._newest - 2 * self.settings.horizon.total_seconds()
        while self._ages and self._ages[0][0] < limit:
            first, story_id = heapq.heappop(self._ages)
            key = f"s:{story_id}"
            record = self.store.get(key)
            if record is not None and record[0] == first:  # not deleted already, nor founded again since
                del self.store[key]
                self._forget(story_id, record[1])

    def _best_match(self, sk: tuple[int, ...], when: float) -> tuple[str, float] | None:
        if not self._matchable(sk):
            return None
        horizon = self.settings.horizon.total_seconds()
        candidates: set[str] = set()
        for h in sk[: self.settings.lsh_keys]:
            candidates.update(self._lookup.get(h, ()))
        k, floor = self.settings.sketch_size, self.settings.min_similarity
        # similarity <= shared hashes / min(k, |sk|): a candidate below the floor by that bound is skipped
        # without the exact estimate (most candidates share only a key or two)
        hashes = set(sk)
        least = min(k, len(hashes))
        best: tuple[str, float] | None = None
        for story_id in sorted(candidates):
            story = self.store.get(f"s:{story_id}")
            if story is None:  # gone from the store (expired, or the store was reset)
                self._forget(story_id, None)
                continue
            if story[0] < when - horizon:  # older than the horizon: it will never match again
                del self.store[f"s:{story_id}"]
                self._forget(story_id, story[1])
                continue
            if story[0] > when + horizon:
                continue
            if len(hashes.intersection(story[1])) / least < floor:
                continue
            score = similarity(sk, story[1], k)
            if score >= floor and (best is None or score > best[1]):
                best = (story_id, score)
        return best

    def _add(self, story_id: str, sk: list[int] | tuple[int, ...]) -> None:
        for h in sk[: self.settings.lsh_keys]:
            ids = self._lookup.setdefault(h, [])
            if story_id not in ids:
                ids.append(story_id)

    def _forget(self, story_id: str, sk: list[int] | None) -> None:
        keys = sk[: self.settings.lsh_keys] if sk is not None else list(self._lookup)
        for h in keys:
            ids = self._lookup.get(h)
            if ids and story_id in ids:
                ids.remove(story_id)
                if not ids:
                    del self._lookup[h]

    def _matchable(self, sk: tuple[int, ...]) -> bool:
        return len(sk) >= min(self.settings.min_shingles, self.settings.sketch_size)
