"""Article escalation score (0-100), its band, and the events that drove it.

Each conflict event contributes 8 x |PLOVER weight| (an ASSAULT by drone: 76; a threat: 28; a complaint: 16),
plus a bonus for stated deaths and injuries; negated events count zero, historical ones 0.3 and hypothetical
ones 0.5 of that. The score is the strongest contribution plus 15% of the next four, capped at 100.
Cooperative events do not raise it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from faultline.tagging.events import EventRecord

BANDS: tuple[tuple[float, str], ...] = ((75.0, "critical"), (50.0, "high"), (25.0, "elevated"), (0.0, "low"))
_HISTORICAL = 0.3
_HYPOTHETICAL = 0.5
_SECONDARY = 0.15
_EXPLAINED = 5


def band_of(score: float) -> str:
    """The band of a score (0-100)."""
    for floor, name in BANDS:
        if score >= floor:
            return name
    raise ValueError(f"no severity band for score {score!r}")


def contribution(event: EventRecord) -> float:
    """What one event adds to the score before combination."""
    if event.negated or event.weight >= 0:
        return 0.0
    value = 8.0 * abs(event.weight)
    if event.dead:
        value += min(24.0, 10.0 + 4.0 * math.log(event.dead))
    elif event.injured:
        value += min(10.0, 4.0 + 2.0 * math.log(event.injured))
    if event.historical:
        value *= _HISTORICAL
    elif event.hypothetical:
        value *= _HYPOTHETICAL
    return value


def describe(event: EventRecord, names: Mapping[str | None, str]) -> str:
    """One line for an event: ``TYPE[:mode] source -> target [dead N] [historical|hypothetical]``
    (``names`` maps actor keys to names; an unknown or missing actor reads "?")."""
    kind = event.type + ":" + event.mode if event.mode else event.type
    line = kind + " " + (names.get(event.source) or "?") + " -> " + (names.get(event.target) or "?")
    if event.dead:
        line += " dead " + str(event.dead)
    if event.historical:
        line += " historical"
    elif event.hypothetical:
        line += " hypothetical"
    return line


def severity(events: Sequence[EventRecord], names: Mapping[str | None, str]) -> tuple[float, str, list[str]]:
    """(score, band, explanation): the strongest contribution plus 15% of the next four, capped at 100.

    The explanation describes the five strongest events (see :func:`describe`), strongest first and, among
    equals, in the order of their evidence; ``names`` maps actor keys to the names shown."""
    scored: list[tuple[float, int, int, EventRecord]] = []
    for order, event in enumerate(events):
        if event.negated or event.weight >= 0:
            continue
        value = contribution(event)
        if value > 0:
            scored.append((-value, event.evidence[0], order, event))  # strongest first, then by evidence
    if not scored:
        return 0.0, "low", []
    scored.sort()
    top = -scored[0][0]
    rest = -sum(s[0] for s in scored[1:5])
    score = round(min(100.0, top + _SECONDARY * rest), 1)
    return score, band_of(score), [f"{describe(e, names)}: +{-c:.1f}" for c, _, _, e in scored[:_EXPLAINED]]
