"""Article escalation score (0-100), its band, and the events that drove it.

Each conflict event contributes 8 x |PLOVER weight| (an ASSAULT by drone: 76; a threat: 28; a complaint: 16),
plus a bonus for stated deaths and injuries; negated events count zero, historical ones 0.3 and hypothetical
ones 0.5 of that. The score is the strongest contribution plus 15% of the next four, capped at 100.
Cooperative events do not raise it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from faultline.tagging.events import EventRecord

BANDS: tuple[tuple[float, str], ...] = ((75.0, "critical"), (50.0, "high"), (25.0, "elevated"), (0.0, "low"))
_HISTORICAL = 0.3
_HYPOTHETICAL = 0.5
_SECONDARY = 0.15
_EXPLAINED = 5


def band_of(score: float) -> str:
    return next(name for floor, name in BANDS if score >= floor)


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


def severity(
    events: Sequence[EventRecord], describe: Callable[[EventRecord], str]
) -> tuple[float, str, list[str]]:
    """(score, band, explanation): the strongest contribution plus 15% of the next four, capped at 100."""
    scored = sorted(((contribution(e), e) for e in events), key=lambda ce: (-ce[0], ce[1].evidence[0]))
    scored = [(c, e) for c, e in scored if c > 0]
    if not scored:
        return 0.0, "low", []
    top = scored[0][0]
    rest = sum(c for c, _ in scored[1:5])
    score = round(min(100.0, top + _SECONDARY * rest), 1)
    return score, band_of(score), [f"{describe(e)}: +{c:.1f}" for c, e in scored[:_EXPLAINED]]
