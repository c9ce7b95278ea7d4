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
    """The actors whose exact letters (if any) are the letters and digits of ``text[start:end]``."""
    shown = text[start:end]
    if not shown.isalnum():
        shown = "".join(filter(str.isalnum, shown))
    if len(actors) == 1:
        exact = actors[0].exact
        return actors if exact is None or exact == shown else ()
    return tuple([a for a in actors if a.exact is None or a.exact == shown])


def select_hits(text: str, raw: Iterable[tuple[int, Bundle]]) -> tuple[list[Hit], list[Hit]]:
    """(competing hits after longest-match selection, marker hits), both in text order."""
    # (start, -end, bundle): one bundle per span (its keys are distinct texts), so bundles are never compared
    ordered = [(padded_end - bundle.length + 1, 1 - padded_end, bundle) for padded_end, bundle in raw]
    ordered.sort()
    selected: list[Hit] = []
    markers: list[Hit] = []
    last_end = -1
    for start, neg_end, bundle in ordered:
        end = -neg_end
        if bundle.marking:
            markers.append(Hit(start, end, (), (), (), bundle.cues, bundle.heads))
        if start < last_end or not bundle.competing:
            continue
        actors = bundle.actors
        if bundle.exact:
            actors = _exact_actors(text, start, end, actors)
            if not (actors or bundle.places or bundle.triggers or bundle.none):
                continue  # an acronym in the wrong case ("us"): the span is free for shorter matches
        selected.append(Hit(start, end, actors, bundle.places, bundle.triggers))
        last_end = end
    return selected, markers
