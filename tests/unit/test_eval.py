"""Scoring the tagger against labelled records (pure: fixed tag results, no tagger)."""

from __future__ import annotations

from faultline.evaluation import ActorMap, LabelMap, evaluate, scheme_of, score_record, strongest
from faultline.schema import ActorTag, EventTag, Evidence, Mention, Severity, Span, TagResult, Versions

LABELS = LabelMap(
    {
        "conflict_types_for_false_alarms": ["ASSAULT", "PROTEST"],
        "acled_sub_event_type": {
            "Air/drone strike": ["ASSAULT"],
            "Peaceful protest": ["PROTEST"],
            "Other": None,
        },
        "case2021": {
            "ARREST": ["COERCE"],
            "NATURAL_DISASTER": [],
            "OTHER": None,
            "DIPLO": ["ACCUSE", "SANCTION"],
        },
        "cameo_root": {"19": ["ASSAULT"], "noevents": []},
        "conflibert_quad": {"4": ["ASSAULT", "PROTEST"], "0": None},
        "plover_0_5_to_current": {"FIGHT": "ASSAULT"},
    }
)
ACTORS = ActorMap(
    {
        "Military Forces of Israel (2009-)": {
            "evaluate": True,
            "accept": ["Israel Defense Forces", "IDF"],
            "kind": "state_forces",
            "country": "ISR",
        },
        "Hamas Movement": {"evaluate": True, "accept": ["Hamas"], "kind": "armed_group", "country": "PSE"},
        "Civilians (Syria)": {
            "evaluate": False,
            "accept": ["civilians"],
            "kind": "civilians",
            "country": "SYR",
        },
    }
)
FORMS = {
    "isr.military": ["Israel Defense Forces", "IDF", "Israeli army"],
    "isr": ["Israel"],
    "hamas": ["Hamas"],
}


def _forms(actor_id):
    return FORMS.get(actor_id, [])


def _event(type_, weight, source=None, target=None, negated=False, historical=False, start=0):
    return EventTag(
        type=type_,
        weight=weight,
        source=source,
        target=target,
        negated=negated,
        historical=historical,
        sentence=Span(start=0, end=10),
        evidence=Evidence(start=start, end=start + 1, text="x"),
        rule="r",
    )


def _actor(id_, name, kind, country, mentions=()):
    return ActorTag(
        id=id_,
        name=name,
        kind=kind,
        country=country,
        mentions=[Mention(start=s, end=e, text="x") for s, e in mentions],
    )


def _result(events=(), actors=()):
    return TagResult(
        id="r",
        actors=list(actors),
        events=list(events),
        severity=Severity(score=0, band="low"),
        versions=Versions(catalog="c", rules="r"),
    )


def test_strongest_skips_negated_and_prefers_non_historical():
    events = [_event("ASSAULT", -9.5, historical=True), _event("ACCUSE", -2), _event("AID", 10, negated=True)]
    assert strongest(events).type == "ACCUSE"
    assert strongest([_event("ASSAULT", -9), _event("AID", 10)]).type == "AID"
    assert strongest([], None) is None


def test_schemes_follow_dataset_then_label_scheme():
    assert (
        scheme_of({"dataset": "case2021-task2-test", "label_scheme": "ACLED sub-event types ..."}) == "case"
    )
    assert scheme_of({"dataset": "acled-x"}) == "acled"
    assert scheme_of({"dataset": "petrarch2-validation"}) == "cameo"
    assert scheme_of({"dataset": "conflibert-test"}) == "quad"
    assert scheme_of({"dataset": "plover-gsr"}) == "plover"


def test_label_maps_per_scheme():
    assert LABELS.accepted({"dataset": "acled-x", "gold_sub_event_type": "Air/drone strike"}) == ["ASSAULT"]
    assert LABELS.accepted({"dataset": "acled-x", "gold_sub_event_type": "Other"}) is None
    assert LABELS.accepted({"dataset": "case2021", "gold_event_type": "NATURAL_DISASTER"}) == []
    assert LABELS.accepted({"dataset": "petrarch", "gold_event_type": "190"}) == ["ASSAULT"]
    assert LABELS.accepted({"dataset": "petrarch", "gold_event_type": "noevents"}) == []
    assert LABELS.accepted({"dataset": "conflibert", "gold_event_type": 4}) == ["ASSAULT", "PROTEST"]
    assert LABELS.accepted({"dataset": "plover-gsr", "gold_event_type": "FIGHT"}) == ["ASSAULT"]


def test_type_accuracy_and_false_alarms():
    record = {"id": "1", "dataset": "case2021", "gold_event_type": "ARREST", "text": "t"}
    assert score_record(record, _result([_event("COERCE", -7)]), LABELS, ACTORS, _forms).type_ok is True
    assert score_record(record, _result([_event("ASSAULT", -9)]), LABELS, ACTORS, _forms).type_ok is False
    quiet = {"id": "2", "dataset": "case2021", "gold_event_type": "NATURAL_DISASTER", "text": "t"}
    assert (
        score_record(
            quiet, _result([_event("ASSAULT", -9, negated=True)]), LABELS, ACTORS, _forms
        ).false_alarm
        is False
    )
    assert score_record(quiet, _result([_event("ASSAULT", -9)]), LABELS, ACTORS, _forms).false_alarm is True
    assert score_record(quiet, _result([_event("ACCUSE", -2)]), LABELS, ACTORS, _forms).false_alarm is False


def test_actor_recall_by_name_form_or_state_of_the_country():
    record = {
        "id": "3",
        "dataset": "acled-x",
        "gold_sub_event_type": "Air/drone strike",
        "text": "t",
        "gold_actors": ["Military Forces of Israel (2009-)", "Hamas Movement", "Civilians (Syria)"],
    }
    by_form = _result(actors=[_actor("isr.military", "IDF army", "armed_forces", "ISR")])
    assert score_record(record, by_form, LABELS, ACTORS, _forms).actors_missed == ["Hamas Movement"]
    by_state = _result(
        actors=[_actor("isr", "Israel", "state", "ISR"), _actor("hamas", "Hamas", "armed_group", "PSE")]
    )
    assert score_record(record, by_state, LABELS, ACTORS, _forms).actors_missed == []


def test_plover_source_and_target_by_country_or_text():
    text = "Palestinian leaders said they would boycott contact with the United States."
    record = {
        "id": "4",
        "dataset": "plover-gsr",
        "gold_event_type": "THREATEN",
        "text": text,
        "gold_source": [{"actorText": "Palestinian leaders", "code": "PSE"}],
        "gold_target": [{"actorText": "United States", "code": "USA"}],
    }
    actors = [
        _actor("pse", "Palestine", "state", "PSE", [(0, 11)]),
        _actor("usa", "United States", "state", "USA"),
    ]
    right = _result([_event("THREATEN", -3.5, "Palestine", "United States")], actors)
    outcome = score_record(record, right, LABELS, ACTORS, _forms)
    assert (outcome.type_ok, outcome.source_ok, outcome.target_ok) == (True, True, True)
    swapped = _result([_event("THREATEN", -3.5, "United States", "Palestine")], actors)
    outcome = score_record(record, swapped, LABELS, ACTORS, _forms)
    assert (outcome.source_ok, outcome.target_ok) == (False, False)
    missing = _result([_event("THREATEN", -3.5)], actors)
    assert score_record(record, missing, LABELS, ACTORS, _forms).source_ok is False


def test_roles_read_off_the_event_of_the_gold_type():
    record = {
        "id": "5",
        "dataset": "plover-gsr",
        "gold_event_type": "ACCUSE",
        "text": "Hamas blamed Israel.",
        "gold_source": [{"actorText": "Hamas", "code": "PSE"}],
        "gold_target": None,
    }
    actors = [_actor("hamas", "Hamas", "armed_group", "PSE"), _actor("isr", "Israel", "state", "ISR")]
    result = _result(
        [_event("ASSAULT", -9, "Israel", "Hamas"), _event("ACCUSE", -2, "Hamas", "Israel")], actors
    )
    outcome = score_record(record, result, LABELS, ACTORS, _forms)
    assert (outcome.type_ok, outcome.source_ok, outcome.target_ok) == (False, True, None)


def test_acled_roles_use_the_actor_map():
    record = {
        "id": "6",
        "dataset": "acled-x",
        "gold_sub_event_type": "Air/drone strike",
        "text": "t",
        "gold_actor_roles": {
            "actor1": "Military Forces of Israel (2009-)",
            "assoc_actor_1": "",
            "actor2": "Civilians (Syria)",
            "assoc_actor_2": "",
        },
    }
    actors = [_actor("isr", "Israel", "state", "ISR")]
    outcome = score_record(record, _result([_event("ASSAULT", -9, "Israel")], actors), LABELS, ACTORS, _forms)
    assert (outcome.source_ok, outcome.target_ok) == (True, None)  # civilians are not scored


def test_evaluate_aggregates_per_dataset_and_over_all():
    records = [
        {"id": "a", "dataset": "case2021", "gold_event_type": "ARREST", "text": "arrest"},
        {"id": "b", "dataset": "case2021", "gold_event_type": "ARREST", "text": "none"},
        {"id": "c", "dataset": "case2021", "gold_event_type": "OTHER", "text": "other"},
        {"id": "d", "dataset": "plover-gsr", "gold_event_type": "FIGHT", "text": "fight"},
    ]
    results = {
        "arrest": [_event("COERCE", -7)],
        "none": [],
        "other": [_event("ASSAULT", -9)],
        "fight": [_event("ASSAULT", -9)],
    }
    scores, outcomes = evaluate(records, lambda r: _result(results[r["text"]]), LABELS, ACTORS, _forms)
    assert (scores["case2021"].type_accuracy.n, scores["case2021"].type_accuracy.ok) == (2, 1)
    assert scores["plover-gsr"].type_accuracy.rate == 1.0
    assert scores["all"].type_accuracy.n == 3 and scores["all"].records == 4
    assert scores["case2021"].misses({"type_accuracy": 0.85}) == [
        "case2021: type_accuracy 0.500 (target >= 0.85)"
    ]
    assert [o.id for o in outcomes] == ["a", "b", "c", "d"]
