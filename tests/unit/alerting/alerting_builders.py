"""Small hand-built records for the alerting and processor tests: a toy catalogue, articles, tags, events.

Everything here is written for the tests; the actor ids mirror the catalogue's naming scheme.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from faultline.knowledge.catalog import ActorEntry, Catalog
from faultline.schema import (
    ActorTag,
    Article,
    Event,
    EventTag,
    Evidence,
    PlaceTag,
    Severity,
    Span,
    TagResult,
    Versions,
)
from faultline.transform import events_of, tag_article

T0 = datetime(2026, 2, 21, 6, 0, tzinfo=UTC)
VERSIONS = Versions(catalog="cat-1", rules="tag-1")


def catalog() -> Catalog:
    entries = [
        ActorEntry(id="usa", name="United States", kind="state", country="USA", acronyms=("US", "U.S.")),
        ActorEntry(id="usa.military", name="United States Armed Forces", kind="armed_forces", country="USA",
                   aliases=("US forces",)),
        ActorEntry(id="irq", name="Iraq", kind="state", country="IRQ"),
        ActorEntry(id="pmf", name="Popular Mobilization Forces", kind="armed_group", country="IRQ",
                   aliases=("Popular Mobilisation Forces",), acronyms=("PMF",)),
        ActorEntry(id="kataib_hezbollah", name="Kataib Hezbollah", kind="armed_group", country="IRQ",
                   acronyms=("KH",), ambiguous=("KH",), member_of=("pmf",)),
        ActorEntry(id="badr_organization", name="Badr Organization", kind="armed_group", country="IRQ",
                   aliases=("Badr Organisation",), member_of=("pmf",)),
        ActorEntry(id="person.hadi_al_amiri", name="Hadi al-Amiri", kind="person", country="IRQ",
                   leads=("badr_organization",)),
        ActorEntry(id="villagers", name="villagers", kind="other", country=None),
    ]
    return Catalog("cat-1", {e.id: e for e in entries})


def actor_tag(actor_id: str, cat: Catalog | None = None) -> ActorTag:
    entry = (cat or catalog()).get(actor_id)
    assert entry is not None, actor_id
    return ActorTag(id=entry.id, name=entry.name, kind=entry.kind, country=entry.country,
                    member_of=sorted((cat or catalog()).members_of(entry.id)))


def article(article_id: str = "art-1", *, title: str = "Strike in Jurf al-Sakhar", body: str = "",
            published: datetime = T0, outlet: str | None = "Outlet A", flags: list[str] | None = None) -> Article:
    return Article(article_id=article_id, url=f"https://{(outlet or 'x').replace(' ', '').lower()}.example/{article_id}",
                   title=title, content=body, published=published, fetched_at=published + timedelta(minutes=1),
                   outlet=outlet, flags=flags or [])


def event_tag(text: str, sentence: str, trigger: str, *, type: str, source: str | None, target: str | None,
              place: str | None = None, dead: int | None = None, injured: int | None = None,
              mode: str | None = None, negated: bool = False, historical: bool = False,
              weight: float = -9.0) -> EventTag:
    s = text.index(sentence)
    t = text.index(trigger, s)
    return EventTag(type=type, mode=mode, source_id=source, target_id=target, place=place, dead=dead,
                    injured=injured, negated=negated, historical=historical, weight=weight,
                    sentence=Span(start=s, end=s + len(sentence)),
                    evidence=Evidence(start=t, end=t + len(trigger), text=trigger), rule="test")


def result(art: Article, actors: list[str], events: list[EventTag], *, places: list[PlaceTag] | None = None,
           band: str = "high") -> TagResult:
    cat = catalog()
    return TagResult(id=art.article_id, actors=[actor_tag(a, cat) for a in actors], places=places or [],
                     events=events, severity=Severity(score=70, band=band), versions=VERSIONS)


STRIKE = "A United States drone strike killed a Kataib Hezbollah commander in Jurf al-Sakhar."
NEGATED = "No attacks on US forces had been reported."
THREAT = "Hadi al-Amiri warned that US forces faced consequences."
JURF = PlaceTag(id="irq.jurf_al_sakhar", name="Jurf al-Sakhar", kind="district", country="IRQ", lat=32.9, lon=44.1)


def strike_events(article_id: str = "art-1", *, outlet: str | None = "Outlet A", published: datetime = T0,
                  dead: int = 1, story_id: str | None = "st-1", flags: list[str] | None = None) -> list[Event]:
    """The strike, a negated attack and a threat, as the tagger would report them, as Event records."""
    body = f"{STRIKE} {NEGATED} {THREAT}"
    art = article(article_id, title="US strike kills commander", body=body, published=published, outlet=outlet,
                  flags=flags)
    text = art.tagging_text()
    tags = [
        event_tag(text, STRIKE, "drone strike killed", type="ASSAULT", source="usa", target="kataib_hezbollah",
                  place="Jurf al-Sakhar", dead=dead, mode="drone / targeted"),
        event_tag(text, NEGATED, "attacks", type="ASSAULT", source=None, target="usa.military", negated=True),
        event_tag(text, THREAT, "warned", type="THREATEN", source="person.hadi_al_amiri", target="usa.military"),
    ]
    res = result(art, ["usa", "usa.military", "kataib_hezbollah", "person.hadi_al_amiri"], tags, places=[JURF])
    tagged = tag_article(art, res, tagged_at=published + timedelta(minutes=2), story_id=story_id)
    return events_of(tagged)


def hostile_event(n: int, *, source: str = "usa", target: str = "kataib_hezbollah", type: str = "ASSAULT",
                  when: datetime = T0, outlet: str = "Outlet A", dead: int | None = None,
                  weight: float = -9.0) -> Event:
    """The n-th of a series of distinct hostile events between two actors."""
    sentence = f"Clash number {n} was reported today."
    art = article(f"series-{n}", title=f"Report {n}", body=sentence, published=when, outlet=outlet)
    text = art.tagging_text()
    tag = event_tag(text, sentence, "Clash", type=type, source=source, target=target, dead=dead, weight=weight,
                    place="Jurf al-Sakhar")
    res = result(art, [source, target], [tag], places=[JURF])
    return events_of(tag_article(art, res, tagged_at=when, story_id=f"st-{n}"))[0]
