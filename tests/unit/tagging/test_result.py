"""The TagResult: contract fields, offsets, severity, versions, determinism."""

from __future__ import annotations

from faultline.schema import TagResult
from faultline.tagging.severity import band_of

TEXT = (
    "BAGHDAD, Feb. 21 \u2014 A US drone strike killed a senior commander of Kataib Hezbollah in Jurf al-Sakhar. "
    "Iraq condemned the strike and summoned the American envoy. No attacks on American forces were reported."
)


def test_result_round_trips_through_the_schema(tagger):
    result = tagger.tag(TEXT, doc_id="a1")
    assert TagResult.model_validate_json(result.model_dump_json()) == result
    assert result.id == "a1"


def test_versions_are_stamped(tagger):
    result = tagger.tag(TEXT)
    assert result.versions.catalog == "test-catalog"
    assert result.versions.rules == tagger.signals.version


def test_offsets_point_into_the_input(tagger):
    text = "\u201cQuote\u201d \u2014 " + TEXT
    result = tagger.tag(text)
    for actor in result.actors:
        for m in actor.mentions:
            assert text[m.start : m.end] == m.text
    for place in result.places:
        for m in place.mentions:
            assert text[m.start : m.end] == m.text
    for event in result.events:
        assert text[event.evidence.start : event.evidence.end] == event.evidence.text
        assert event.sentence.start <= event.evidence.start and event.evidence.end <= event.sentence.end


def test_event_names_match_actor_names(tagger):
    result = tagger.tag(TEXT)
    names = {a.name: a.id for a in result.actors}
    for event in result.events:
        for name, ident in ((event.source, event.source_id), (event.target, event.target_id)):
            if name is not None:
                assert names[name] == ident


def test_same_input_same_output(tagger):
    assert tagger.tag(TEXT, doc_id="x").model_dump_json() == tagger.tag(TEXT, doc_id="x").model_dump_json()


def test_event_ids_are_stable_and_distinct(tagger):
    ids = [e.event_id for e in tagger.tag(TEXT, doc_id="x").events]
    assert len(ids) == len(set(ids)) and all(ids)
    assert ids == [e.event_id for e in tagger.tag(TEXT, doc_id="x").events]


def test_lethal_strike_is_critical_and_explained(tagger):
    severity = tagger.tag(TEXT).severity
    assert severity.band == "critical"
    assert severity.explanation[0].startswith("ASSAULT:Drone United States -> Kataib Hezbollah")


def test_negated_events_score_zero(tagger):
    severity = tagger.tag("No attacks on American forces were reported.").severity
    assert (severity.score, severity.band, severity.explanation) == (0.0, "low", [])


def test_historical_events_score_less(tagger):
    now = tagger.tag("A US drone strike killed a commander.").severity.score
    then = tagger.tag("A US drone strike killed a commander in January 2020.").severity.score
    assert 0 < then < now


def test_bands():
    assert [band_of(s) for s in (0, 24.9, 25, 49.9, 50, 74.9, 75, 100)] == [
        "low",
        "low",
        "elevated",
        "elevated",
        "high",
        "high",
        "critical",
        "critical",
    ]


def test_empty_text(tagger):
    result = tagger.tag("", doc_id="empty")
    assert (result.actors, result.places, result.events, result.severity.band) == ([], [], [], "low")
