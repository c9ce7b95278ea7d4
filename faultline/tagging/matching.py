"""From raw automaton matches to the hits the tagger reads: exact-case checks, then longest match.

Acronyms match only when the original text shows their letters in capitals ("US", not "us"). Structural
cues never compete with other matches; actors, places, triggers and "no event" phrases do: where matches
overlap, the one starting first wins, and of those starting together the longest; matches over exactly the
same span are kept together (a capital may be a place and an actor).
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter

from faultline.tagging.lexicon import ActorForm, Bundle, Hit


def _exact_actors(text: str, start: int, end: int, actors: tuple[ActorForm, ...]) -> tuple[ActorForm, ...]:
    shown = "".join(c for c in text[start:end] if c.isalnum())
    return tuple(a for a in actors if a.exact is None or a.exact == shown)


_BY_SPAN = itemgetter(0, 1)


def select_hits(text: str, raw: Iterable[tuple[int, Bundle]]) -> tuple[list[Hit], list[Hit]]:
    """(competing hits after longest-match selection, marker hits), both in text order."""
    spans: list[tuple[int, int, Bundle]] = []  # (start, -end, bundle)
    marks: list[tuple[int, int, Bundle]] = []
    for padded_end, bundle in raw:
        span = (padded_end - bundle.length + 1, 1 - padded_end, bundle)
        if bundle.marking:
            marks.append(span)
        if bundle.competing:
            spans.append(span)
    spans.sort(key=_BY_SPAN)
    marks.sort(key=_BY_SPAN)
    selected: list[Hit] = []
    last_end = -1
    for start, neg_end, bundle in spans:
        if start < last_end:
            continue
        end = -neg_end
        if bundle.exact:
            actors = _exact_actors(text, start, end, bundle.actors)
            if not (actors or bundle.places or bundle.triggers or bundle.none):
                continue  # an acronym in the wrong case ("us"): the span is free for shorter matches
        else:
            actors = bundle.actors
        selected.append(Hit(start, end, actors, bundle.places, bundle.triggers))
        last_end = end
    markers = [
        Hit(start, -neg_end, (), (), (), bundle.cues, bundle.heads) for start, neg_end, bundle in marks
    ]
    return selected, markers
