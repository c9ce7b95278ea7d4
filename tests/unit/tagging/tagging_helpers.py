"""Helpers shared by the tagging tests."""

from __future__ import annotations


def events_of(result, type_: str | None = None, negated: bool | None = None):
    return [
        e
        for e in result.events
        if (type_ is None or e.type == type_) and (negated is None or e.negated == negated)
    ]


def one_event(result, type_: str):
    found = events_of(result, type_, negated=False)
    assert len(found) == 1, (
        f"expected one {type_} event, got {[(e.type, e.evidence.text) for e in result.events]}"
    )
    return found[0]
