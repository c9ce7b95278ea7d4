"""From raw automaton matches to the hits the tagger reads: exact-case checks, then longest match.

Acronyms match only when the original text shows their letters in capitals ("US", not "us"). Structural
cues never compete with other matches; actors, places, triggers and "no event" phrases do: where matches
overlap, the one starting first wins, and of those starting together the longest; matches over exactly the
same span are kept together (a capital may be a place and an actor).
"""

from __future__ import annotations

from collections.abc import Iterable

from faultline.tagging.lexicon import ActorForm, Bundle, Hit


def _exact_actors(text: str, start: int, end: int, actors: tuple[ActorForm, ...]) -> tuple[ActorForm, ...]:
    shown = "".join(c for c in text[start:end] if c.isalnum())
    return tuple(a for a in actors if a.exact is None or a.exact == shown)


def select_hits(text: str, raw: Iterable[tuple[int, Bundle]]) -> tuple[list[Hit], list[Hit]]:
    """(competing hits after longest-match selection, marker hits), both in text order."""
    spans: list[tuple[int, int, Bundle]] = []
    markers: list[Hit] = []
    for padded_end, bundle in raw:
        start = padded_end - bundle.length + 1
        end = padded_end - 1
        if bundle.cues or bundle.heads:
            markers.append(Hit(start, end, cues=bundle.cues, heads=bundle.heads))
        if bundle.actors or bundle.places or bundle.triggers or bundle.none:
            spans.append((start, -end, bundle))
    spans.sort(key=lambda s: (s[0], s[1]))
    selected: list[Hit] = []
    last_end = -1
    for start, neg_end, bundle in spans:
        if start < last_end:
            continue
        end = -neg_end
        actors = _exact_actors(text, start, end, bundle.actors) if bundle.exact else bundle.actors
        if not (actors or bundle.places or bundle.triggers or bundle.none):
            continue  # an acronym in the wrong case ("us"): the span is free for shorter matches
        selected.append(Hit(start, end, actors=actors, places=bundle.places, triggers=bundle.triggers))
        last_end = end
    markers.sort(key=lambda h: (h.start, -h.end))
    return selected, markers
