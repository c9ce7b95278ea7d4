"""Selecting hits from raw automaton matches: exact-case acronyms, longest match, markers in text order."""

from __future__ import annotations

import random

from faultline.tagging.lexicon import ActorForm, Bundle, Cue, Hit, PlaceForm
from faultline.tagging.matching import select_hits

US = ActorForm("usa", "acronym", "US", "US")
USA = ActorForm("usa", "name", "United States", None)
IS = ActorForm("isis", "acronym", "IS", "IS")
PLACE = PlaceForm("usa", "United States")
TITLE = Cue("titles", "president")


def _bundle(length: int, actors=(), places=(), none=False, cues=()) -> Bundle:
    return Bundle(
        length=length + 2,
        actors=tuple(actors),
        places=tuple(places),
        triggers=(),
        none=none,
        cues=tuple(cues),
        heads=(),
        exact=any(a.exact is not None for a in actors),
        competing=bool(actors or places or none),
        marking=bool(cues),
    )


def _raw(start: int, end: int, bundle: Bundle) -> tuple[int, Bundle]:
    """The automaton's report of a match over ``text[start:end]`` (padded end offset, bundle)."""
    assert bundle.length == end - start + 2
    return end + 1, bundle


def _spans(hits: list[Hit]) -> list[tuple[int, int]]:
    return [(h.start, h.end) for h in hits]


def test_earliest_then_longest_match_wins_and_markers_keep_every_match_in_text_order():
    text = "the United States president said"
    states = _raw(4, 17, _bundle(13, [USA], [PLACE]))
    united = _raw(4, 10, _bundle(6, [USA]))
    states_president = _raw(11, 27, _bundle(16, [USA], cues=[TITLE]))
    title = _raw(18, 27, _bundle(9, cues=[TITLE]))
    selected, markers = select_hits(text, [united, states, title, states_president])
    assert _spans(selected) == [(4, 17)]
    assert selected[0].actors == (USA,) and selected[0].places == (PLACE,)
    assert _spans(markers) == [(11, 27), (18, 27)]
    assert all(m.cues == (TITLE,) and not (m.actors or m.places or m.triggers) for m in markers)


def test_acronyms_need_their_capitals_and_leave_the_span_to_shorter_matches():
    text = "let us see: the U.S. and US"
    lower = _bundle(2, [US])
    dotted = _bundle(3, [US])
    selected, _ = select_hits(text, [_raw(4, 6, lower), _raw(16, 19, dotted), _raw(25, 27, lower)])
    assert _spans(selected) == [(16, 19), (25, 27)]

    shared = _bundle(2, [US, USA])
    selected, _ = select_hits(text, [_raw(4, 6, shared)])
    assert [h.actors for h in selected] == [(USA,)]

    inner = _raw(4, 5, _bundle(1, none=True))
    selected, _ = select_hits(text, [inner, _raw(4, 6, lower)])
    assert _spans(selected) == [(4, 5)]


def test_a_span_both_marking_and_competing_is_in_both_lists():
    text = "Sheikh Ali"
    both = _bundle(6, [USA], cues=[TITLE])
    selected, markers = select_hits(text, [_raw(0, 6, both)])
    assert _spans(selected) == _spans(markers) == [(0, 6)]
    assert markers[0].actors == () and selected[0].cues == ()


def _reference(text: str, raw: list[tuple[int, Bundle]]) -> tuple[list[Hit], list[Hit]]:
    """The rules read plainly: sort by start, then longest; keep what does not overlap a kept hit."""
    spans = sorted(raw, key=lambda r: (r[0] - r[1].length + 1, -r[0]))
    selected: list[Hit] = []
    for padded_end, b in spans:
        start, end = padded_end - b.length + 1, padded_end - 1
        if not b.competing or (selected and start < selected[-1].end):
            continue
        shown = "".join(c for c in text[start:end] if c.isalnum())
        actors = tuple(a for a in b.actors if a.exact is None or a.exact == shown)
        if actors or b.places or b.triggers or b.none:
            selected.append(Hit(start, end, actors, b.places, b.triggers))
    markers = [Hit(p - b.length + 1, p - 1, (), (), (), b.cues, b.heads) for p, b in spans if b.marking]
    return selected, markers


def test_selection_follows_the_rules_on_random_overlaps():
    rng = random.Random(7)
    kinds = [
        {"actors": [USA]},
        {"actors": [US]},
        {"actors": [US, USA]},
        {"actors": [IS], "places": [PLACE]},
        {"none": True},
        {"cues": [TITLE]},
        {"actors": [IS], "cues": [TITLE]},
    ]
    for _ in range(300):
        text = "".join(rng.choice(["US", "us", "U.S.", "IS", "is", " ", "x"]) for _ in range(12))
        seen: dict[tuple[int, int], tuple[int, Bundle]] = {}
        for _ in range(rng.randint(0, 15)):
            start = rng.randrange(len(text))
            end = rng.randint(start + 1, min(len(text), start + 6))
            seen[start, end] = _raw(start, end, _bundle(end - start, **rng.choice(kinds)))
        raw = sorted(seen.values(), key=lambda r: (r[0], -r[1].length))  # the automaton's order
        assert select_hits(text, iter(raw)) == _reference(text, raw)
