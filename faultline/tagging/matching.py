"""From raw automaton matches to the hits the tagger reads: exact-case checks, then longest match.

Acronyms match only when the original text shows their letters in capitals ("US", not "us"). Structural
cues never compete with other matches; actors, places, triggers and "no event" phrases do: where matches
overlap, the one starting first wins, and of those starting together the longest; matches over exactly the
same span are kept together (a capital may be a place and an actor).
"""

from __future__ import annotations

from collections.abc import Iterable

from faultline.tagging.lexicon import ActorForm, Cue, Entry, Hit


def _exact_ok(text: str, start: int, end: int, letters: str) -> bool:
    shown = "".join(c for c in text[start:end] if c.isalnum())
    return shown == letters


def _keep(entry: Entry, text: str, start: int, end: int) -> bool:
    if isinstance(entry, ActorForm) and entry.exact is not None:
        return _exact_ok(text, start, end, entry.exact)
    return True


def select_hits(text: str, raw: Iterable[tuple[int, int, tuple[Entry, ...]]]) -> tuple[list[Hit], list[Hit]]:
    """(competing hits after longest-match selection, structural cue hits), both in text order."""
    spans: dict[tuple[int, int], list[Entry]] = {}
    cues: list[Hit] = []
    for start, end, entries in raw:
        kept = [e for e in entries if not isinstance(e, Cue) and _keep(e, text, start, end)]
        cue_entries = tuple(e for e in entries if isinstance(e, Cue))
        if cue_entries:
            cues.append(Hit(start, end, cue_entries))
        if kept:
            spans.setdefault((start, end), []).extend(kept)
    selected: list[Hit] = []
    last_end = -1
    for (start, end) in sorted(spans, key=lambda se: (se[0], -se[1])):
        if start < last_end:
            continue
        selected.append(Hit(start, end, tuple(spans[(start, end)])))
        last_end = end
    cues.sort(key=lambda h: (h.start, -h.end))
    return selected, cues
