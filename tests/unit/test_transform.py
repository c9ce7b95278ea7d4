"""Article + TagResult -> TaggedArticle + Events: ids, dyads, keys, sentences, provenance."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from faultline.schema import (
    ActorTag,
    Article,
    Event,
    EventTag,
    Evidence,
    PlaceTag,
    Severity,
    Span,
    TaggedArticle,
    TagResult,
    Versions,
)
from faultline.transform import dyad_key, event_id, event_key, events_of, tag_article, transform

NOW = datetime(2026, 2, 21, 9, 0, tzinfo=UTC)
BODY = "Troops of Aland shelled Borduria's depot in Kesten. Nobody else was hurt."


def _article(**kw) -> Article:
    base = dict(article_id="a1", url="https://news.example/a1", title="Shelling in Kesten", content=BODY,
                published=datetime(2026, 2, 21, 6, 0, tzinfo=UTC), fetched_at=NOW, outlet="News Example")
    return Article(**{**base, **kw})


def _result(text: str, *, source_id: str | None = "aland.army", target_id: str | None = "bor",
            place: str | None = "Kesten") -> TagResult:
    sentence = "Troops of Aland shelled Borduria's depot in Kesten."
    s = text.index(sentence)
    t = text.index("shelled")
    return TagResult(
        id="a1",
        actors=[
            ActorTag(id="aland.army", name="Aland Army", kind="armed_forces", country="ALA", member_of=["ala"]),
            ActorTag(id="bor", name="Borduria", kind="state", country="BOR"),
        ],
        places=[PlaceTag(id="bor.kesten", name="Kesten", kind="town", country="BOR", lat=1.5, lon=2.5)],
        events=[EventTag(type="ASSAULT", mode="artillery", source="Aland Army", target="Borduria",
                         source_id=source_id, target_id=target_id, place=place, dead=0, weight=6.5,
                         sentence=Span(start=s, end=s + len(sentence)),
                         evidence=Evidence(start=t, end=t + 7, text="shelled"), rule="assault.shell")],
        severity=Severity(score=55, band="elevated"),
        versions=Versions(catalog="c1", rules="r1"),
    )


def test_transform_builds_the_tagged_article_and_one_event_per_tag():
    art = _article()
    tagged, events = transform(art, _result(art.tagging_text()), tagged_at=NOW, story_id="st-9")
    assert isinstance(tagged, TaggedArticle) and tagged.article_id == "a1" and tagged.story_id == "st-9"
    assert tagged.title == art.title and tagged.tagged_at == NOW and tagged.severity.band == "elevated"
    assert [e.event_id for e in tagged.events] == [events[0].event_id]
    (ev,) = events
    assert ev.type == "ASSAULT" and ev.mode == "artillery" and ev.story_id == "st-9"
    assert ev.source.id == "aland.army" and ev.source.kind == "armed_forces" and ev.source.member_of == ["ala"]
    assert ev.target.id == "bor" and ev.target.country == "BOR"
    assert ev.dyad == "aland.army|bor"
    assert ev.place.id == "bor.kesten" and ev.place.lat == 1.5
    assert ev.sentence == "Troops of Aland shelled Borduria's depot in Kesten."
    assert ev.evidence.text == "shelled" and ev.rule == "assault.shell"
    assert ev.url == art.url and ev.outlet == "News Example" and ev.published == art.published
    assert ev.versions.catalog == "c1" and ev.breaking_eligible


def test_records_survive_the_wire():
    art = _article()
    tagged, events = transform(art, _result(art.tagging_text()), tagged_at=NOW)
    assert TaggedArticle.from_json(tagged.to_json()) == tagged
    assert Event.from_json(events[0].to_json()) == events[0]


def test_ids_are_deterministic_and_depend_on_article_sentence_and_trigger():
    art = _article()
    res = _result(art.tagging_text())
    first = transform(art, res, tagged_at=NOW)[1][0]
    again = transform(art, res, tagged_at=datetime(2030, 1, 1, tzinfo=UTC), story_id="other")[1][0]
    assert first.event_id == again.event_id
    other_article = transform(_article(article_id="a2"), res, tagged_at=NOW)[1][0]
    assert other_article.event_id != first.event_id
    tag = res.events[0]
    moved = tag.model_copy(update={"evidence": Evidence(start=0, end=4, text="Shel")})
    retyped = tag.model_copy(update={"type": "COERCE"})
    assert len({event_id("a1", tag), event_id("a1", moved), event_id("a1", retyped)}) == 3


@pytest.mark.parametrize(("source", "target", "expected"), [
    ("usa", "kataib_hezbollah", "usa|kataib_hezbollah"),
    ("usa", None, None),
    (None, "usa", None),
    (None, None, None),
])
def test_dyad_key_needs_both_resolved_sides(source, target, expected):
    assert dyad_key(source, target) == expected


def test_event_key_falls_back_from_dyad_to_actor_to_article():
    art = _article()
    text = art.tagging_text()
    with_dyad = transform(art, _result(text), tagged_at=NOW)[1][0]
    assert event_key(with_dyad) == "aland.army|bor"
    one_side = transform(art, _result(text, target_id=None), tagged_at=NOW)[1][0]
    # the target is still found by name, so the dyad is complete
    assert one_side.target.id == "bor" and event_key(one_side) == "aland.army|bor"
    res = _result(text, target_id=None)
    res.events[0].target = "Somebody Unknown"
    unresolved = transform(art, res, tagged_at=NOW)[1][0]
    assert unresolved.dyad is None and unresolved.target.id is None and unresolved.target.name == "Somebody Unknown"
    assert event_key(unresolved) == "aland.army"
    res.events[0].source, res.events[0].source_id = "Someone", None
    nobody = transform(art, res, tagged_at=NOW)[1][0]
    assert event_key(nobody) == "a1"


def test_unknown_place_is_kept_by_name():
    art = _article()
    ev = transform(art, _result(art.tagging_text(), place="Elsewhere"), tagged_at=NOW)[1][0]
    assert ev.place.name == "Elsewhere" and ev.place.id is None


def test_flags_that_stop_breaking_news_travel_with_the_event():
    art = _article(flags=["stale"])
    ev = transform(art, _result(art.tagging_text()), tagged_at=NOW)[1][0]
    assert ev.breaking_eligible is False


def test_an_article_without_events_gives_no_event_records():
    art = _article()
    res = _result(art.tagging_text()).model_copy(update={"events": []})
    tagged = tag_article(art, res, tagged_at=NOW)
    assert tagged.events == [] and events_of(tagged) == []


def test_the_taggers_own_event_id_is_kept_so_tag_and_pipeline_agree():
    from faultline.tagging import Tagger

    art = _article(content="A drone strike killed two fighters near Baghdad on Friday, officials said.")
    result = Tagger.load().tag(art.tagging_text(), doc_id=art.article_id, published=art.published)
    assert result.events and all(e.event_id for e in result.events)
    tagged, events = transform(art, result, tagged_at=NOW)
    assert [e.event_id for e in events] == [e.event_id for e in result.events]
    assert [e.event_id for e in tagged.events] == [e.event_id for e in result.events]
