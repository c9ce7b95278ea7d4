"""Words of one sentence and the closed-class cues among them, read in one pass.

Only sentences that carry a trigger are read word by word. Words come from the folded text (lower case,
punctuation as spaces), so "didn't" is the two words "didn t" and "Friday's" is "friday s"; cue phrases are
folded the same way. Every cue list (negation, modality, reporting verbs ...) is matched in a single scan
of the sentence; clause-breaking punctuation (comma, semicolon, colon, dash, bracket) is located once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping

from faultline.tagging.normalise import fold

# Clause-breaking punctuation: , ; : [ ] and dashes; a hyphen only between spaces (" - ").
_CLAUSE_MARKS = frozenset(",;:[]\u2014\u2013")

Span = tuple[int, int]
#: Phrases of one length sharing an anchor word at one place: (anchor's place, length, {phrase: list names}).
_Group = tuple[int, int, dict[tuple[str, ...], tuple[str, ...]]]


def words(phrase: str) -> tuple[str, ...]:
    """A phrase as the folded word tuple it must match."""
    return tuple(fold(phrase).split())


_FUNCTION_WORDS = frozenset({
    "the", "a", "an", "to", "in", "on", "of", "for", "is", "it", "as", "was", "from", "at", "have", "has", "are", "had",
    "been", "were", "be", "by", "with", "and", "or", "that", "this", "its", "their", "his", "her", "s", "t",
})  # fmt: skip


class CueIndex:
    """Every cue list, indexed by each phrase's least common word, for a single scan per sentence.

    Anchoring phrases on a content word ("according to" on "according", "the strike" on "strike") keeps the
    scan from stopping at every "the", "to" or "in". Under each anchor word, phrases are grouped by their
    length and the anchor's place in them, longest first: at a position, each group is one lookup of the
    words around it.
    """

    def __init__(self, lists: Mapping[str, Iterable[str]]) -> None:
        index: dict[str, dict[tuple[int, int], dict[tuple[str, ...], set[str]]]] = {}
        for name, phrases in lists.items():
            for phrase in phrases:
                toks = words(phrase)
                if not toks:
                    continue
                anchor = next((k for k, w in enumerate(toks) if w not in _FUNCTION_WORDS), 0)
                group = index.setdefault(toks[anchor], {}).setdefault((anchor, len(toks)), {})
                group.setdefault(toks, set()).add(name)
        self._index: dict[str, tuple[tuple[_Group, ...], tuple[str, ...]]] = {}
        for word, groups in index.items():
            ordered = sorted(groups.items(), key=lambda g: (-g[0][1], g[0][0]))  # longest first
            multi = tuple(
                (anchor, k, {toks: tuple(sorted(names)) for toks, names in group.items()})
                for (anchor, k), group in ordered
                if k > 1
            )
            single = tuple(sorted(groups.get((0, 1), {}).get((word,), ())))
            self._index[word] = multi, single
        self.anchor_words = frozenset(self._index)

    def scan(self, ws: list[str], anchors: list[int]) -> dict[str, list[Span]]:
        """Occurrences of each cue list in ``ws``, given the positions of its anchor words (those in
        ``anchor_words``): for each list, the longest phrase at each position."""
        found: dict[str, list[tuple[int, int]]] = {}
        index = self._index
        n = len(ws)
        taken: set[tuple[str, int]] = set()
        for pos in anchors:
            multi, single = index[ws[pos]]
            for anchor, k, phrases in multi:
                a = pos - anchor
                if a < 0 or a + k > n:
                    continue
                names = phrases.get(tuple(ws[a : a + k]))
                if names is None:
                    continue
                for name in names:
                    if (name, a) not in taken:
                        taken.add((name, a))
                        found.setdefault(name, []).append((a, a + k))
            for name in single:  # the one-word phrases: the anchor itself, after the longer ones
                if (name, pos) not in taken:
                    taken.add((name, pos))
                    found.setdefault(name, []).append((pos, pos + 1))
        for spans in found.values():
            spans.sort()
        return found


class SentenceTokens:
    """The words of ``text[start:end]`` with offsets, clause breaks and cue occurrences."""

    __slots__ = (
        "text",
        "start",
        "end",
        "words",
        "starts",
        "breaks",
        "cues",
        "_marks",
    )

    def __init__(self, text: str, folded: str, start: int, end: int, cue_index: CueIndex) -> None:
        self.text = text
        self.start = start
        self.end = end
        words: list[str] = []
        starts: list[int] = []
        anchors: list[int] = []  # positions of words that may anchor a cue phrase
        breaks: list[bool] = []
        marks: list[int] = []
        anchor_words = cue_index.anchor_words
        # Every separator in folded text is a plain space: splitting on " " gives the words and, where spaces
        # run together, empty strings; each piece is followed by one space, which locates the next one. The
        # original text between two words (most often one space) holds any clause-breaking punctuation.
        pos = prev_end = start
        for piece in folded[start:end].split(" "):
            if piece:
                k = len(words)
                if pos - prev_end > 1 or (pos > prev_end and text[prev_end] != " "):
                    gap = text[prev_end:pos]
                    broken = not _CLAUSE_MARKS.isdisjoint(gap) or " - " in gap
                    if broken:
                        marks.append(k)
                else:
                    broken = False
                breaks.append(broken)
                if piece in anchor_words:
                    anchors.append(k)
                words.append(piece)
                starts.append(pos)
                pos += len(piece)
                prev_end = pos
            pos += 1
        self.words, self.starts = words, starts
        self.breaks = breaks
        self._marks = marks
        self.cues = cue_index.scan(words, anchors)

    def __len__(self) -> int:
        return len(self.words)

    def occurrences(self, name: str) -> list[Span]:
        return self.cues.get(name, [])

    def span(self, start: int, end: int) -> Span:
        """Word range [i, j) covering the characters [start, end)."""
        starts = self.starts
        i = bisect_right(starts, start)  # words starting at or before ``start``: the last may cover it
        if i and starts[i - 1] + len(self.words[i - 1]) > start:
            i -= 1
        return i, max(i + 1, bisect_left(self.starts, end))

    def end_of(self, k: int) -> int:
        """Offset just after word ``k``."""
        return self.starts[k] + len(self.words[k])

    def clause_bounds(self, i: int) -> Span:
        """The clause around word ``i``: [lo, hi) between clause-breaking punctuation."""
        marks = self._marks
        k = bisect_right(marks, i)
        return (marks[k - 1] if k else 0), (marks[k] if k < len(marks) else len(self.words))

    def breaks_between(self, i: int, j: int) -> bool:
        """True when a clause break lies before one of the words i+1 .. j."""
        return any(self.breaks[i + 1 : j + 1])

    def cue_near(self, name: str, lo: int, i: int, reach: int) -> bool:
        """True when a ``name`` cue ends within ``reach`` words before word ``i`` and inside [lo, i)."""
        spans = self.cues.get(name)
        if spans:
            for a, b in spans:
                if a >= lo and b <= i and i - b <= reach:
                    return True
        return False

    def cue_between(self, name: str, lo: int, hi: int) -> list[Span]:
        spans = self.cues.get(name)
        return [(a, b) for a, b in spans if a >= lo and b <= hi] if spans else []


class PhraseSet:
    """A small set of phrases matched at chosen positions (the objects of a compound verb)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        index: dict[str, set[tuple[str, ...]]] = {}
        for phrase in phrases:
            toks = words(phrase)
            if toks:
                index.setdefault(toks[0], set()).add(toks)
        self._index = {k: sorted(v, key=len, reverse=True) for k, v in index.items()}
        self.first_words = frozenset(self._index)

    def first(self, ws: list[str], lo: int, hi: int) -> Span | None:
        """The first phrase occurrence inside ws[lo:hi]."""
        if self.first_words.isdisjoint(ws[lo:hi]):
            return None
        index = self._index
        for i in range(lo, min(hi, len(ws))):
            phrases = index.get(ws[i])
            if phrases:
                k = _longest_at(ws, i, phrases)
                if k and i + k <= hi:
                    return i, i + k
        return None

    def last(self, ws: list[str], lo: int, hi: int) -> Span | None:
        """The last phrase occurrence inside ws[lo:hi]."""
        if self.first_words.isdisjoint(ws[max(lo, 0) : max(hi, 0)]):
            return None
        index = self._index
        for i in range(min(hi, len(ws)) - 1, max(lo, 0) - 1, -1):
            phrases = index.get(ws[i])
            if phrases:
                k = _longest_at(ws, i, phrases)
                if k and i + k <= hi:
                    return i, i + k
        return None


def _longest_at(ws: list[str], i: int, phrases: list[tuple[str, ...]]) -> int:
    """Length of the first of ``phrases`` (longest first) that starts at word ``i``, 0 when none does."""
    for phrase in phrases:
        k = len(phrase)
        if k == 1 or (i + k <= len(ws) and tuple(ws[i : i + k]) == phrase):
            return k
    return 0
