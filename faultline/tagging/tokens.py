"""Words of one sentence, with offsets and the punctuation before each, and closed-class cue matching.

Only sentences that carry a trigger are tokenised; cue phrases (negation, modality, reporting verbs ...) are
matched on these tokens, never by scanning the whole text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:['\u2019]\w+)*")
_CLAUSE_MARKS = frozenset(",;:()[]\u2014\u2013")


def words(phrase: str) -> tuple[str, ...]:
    """A cue phrase as the token tuple it must match."""
    return tuple(m.group(0).lower().replace("\u2019", "'") for m in _TOKEN.finditer(phrase))


@dataclass(slots=True)
class Token:
    text: str  # lower-case, typographic apostrophes folded
    start: int
    end: int
    gap: str  # the original characters between the previous token and this one

    @property
    def clause_break(self) -> bool:
        """True when punctuation before this token ends a clause (comma, semicolon, dash, bracket)."""
        return any(c in _CLAUSE_MARKS for c in self.gap) or " - " in self.gap


class PhraseSet:
    """Cue phrases indexed by their first word, longest first."""

    def __init__(self, phrases: Iterable[str]) -> None:
        index: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            toks = words(phrase)
            if toks:
                index.setdefault(toks[0], []).append(toks)
        self._index = {k: sorted(set(v), key=len, reverse=True) for k, v in index.items()}

    def __contains__(self, word: str) -> bool:
        return (word,) in self._index.get(word, ())

    def match_at(self, tokens: list[Token], i: int) -> int:
        """Length in tokens of the longest phrase starting at token ``i`` (0 when none)."""
        candidates = self._index.get(tokens[i].text)
        if not candidates:
            return 0
        n = len(tokens)
        for phrase in candidates:
            k = len(phrase)
            if i + k <= n and all(tokens[i + j].text == phrase[j] for j in range(1, k)):
                return k
        return 0

    def find(self, tokens: list[Token], lo: int = 0, hi: int | None = None) -> Iterator[tuple[int, int]]:
        """Every (first, last+1) token range of a phrase inside tokens[lo:hi], left to right."""
        hi = len(tokens) if hi is None else hi
        i = lo
        while i < hi:
            k = self.match_at(tokens, i)
            if k and i + k <= hi:
                yield i, i + k
                i += k
            else:
                i += 1


class SentenceTokens:
    """The tokens of ``text[start:end]`` with lookups from character offsets to token positions."""

    __slots__ = ("tokens", "starts", "ends", "start", "end", "text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        tokens: list[Token] = []
        prev = start
        for m in _TOKEN.finditer(text, start, end):
            tokens.append(Token(m.group(0).lower().replace("\u2019", "'"), m.start(), m.end(), text[prev:m.start()]))
            prev = m.end()
        self.tokens = tokens
        self.starts = [t.start for t in tokens]
        self.ends = [t.end for t in tokens]
        self.start = start
        self.end = end

    def __len__(self) -> int:
        return len(self.tokens)

    def first_at(self, offset: int) -> int:
        """Index of the first token ending after ``offset``."""
        return bisect_right(self.ends, offset)

    def last_before(self, offset: int) -> int:
        """Index one past the last token starting before ``offset``."""
        return bisect_left(self.starts, offset)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Token range [i, j) covering the characters [start, end)."""
        return self.first_at(start), max(self.first_at(start) + 1, self.last_before(end))

    def clause_bounds(self, i: int) -> tuple[int, int]:
        """The clause around token ``i``: [lo, hi) between clause-breaking punctuation."""
        lo = i
        while lo > 0 and not self.tokens[lo].clause_break:
            lo -= 1
        hi = i + 1
        while hi < len(self.tokens) and not self.tokens[hi].clause_break:
            hi += 1
        return lo, hi

    def breaks_between(self, i: int, j: int) -> bool:
        """True when a clause break lies between tokens i and j (i < j)."""
        return any(self.tokens[k].clause_break for k in range(i + 1, j + 1))
