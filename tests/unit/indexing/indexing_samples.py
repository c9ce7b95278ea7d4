"""Valid wire records for the indexing tests, built with the schema models (text written for these tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from faultline.schema import (
    ActorRef,
    ActorTag,
    Alert,
    AlertEvidence,
    Event,
    EventTag,
    Evidence,
    Mention,
    PlaceRef,
    PlaceTag,
    Severity,
    Span,
    TaggedArticle,
    Versions,
)

VERSIONS = Versions(catalog="test-catalog-1", rules="test-rules-1")
PUBLISHED = datetime(2025, 2, 21, 4, 30, tzinfo=UTC)

US = ActorRef(id="usa", name="United States", kind="state", country="USA")
KH = ActorRef(id="kataib-hezbollah", name="Kataib Hezbollah", kind="armed_group", country="IRQ",
              member_of=["pmf"])
JURF = PlaceRef(id="jurf-al-sakhar", name="Jurf al-Sakhar", country="IRQ", lat=32.87, lon=44.12)
BAGHDAD = PlaceRef(id="baghdad", name="Baghdad", country="IRQ", lat=33.3152, lon=44.3661)

TITLE = "Drone strike kills militia commander south of Baghdad"
BODY = ("A US drone strike killed a Kataib Hezbollah commander near Jurf al-Sakhar on Friday, officials said. "
        "The government in Baghdad condemned the strike.")
SENTENCE = "A US drone strike killed a Kataib Hezbollah commander near Jurf al-Sakhar on Friday, officials said."


def article(article_id: str = "art-1", *, published: datetime = PUBLISHED, title: str = TITLE,
            band: str = "high", score: float = 78.0, place_lat: float | None = JURF.lat,
            url: str | None = None, story_id: str | None = "story-1") -> TaggedArticle:
    text_start = len(TITLE) + 2
    return TaggedArticle(
        article_id=article_id, url=url or f"https://news.example.org/{article_id}", title=title, summary=BODY,
        published=published, fetched_at=published + timedelta(minutes=5), language="en",
        outlet="example-news", feed_id="example-feed", authors=["A. Writer"], categories=["world"],
        actors=[
            ActorTag(id=US.id, name=US.name, kind=US.kind, country=US.country,
                     mentions=[Mention(start=text_start + 2, end=text_start + 4, text="US")], rule="dict:us"),
            ActorTag(id=KH.id, name=KH.name, kind=KH.kind, country=KH.country, member_of=KH.member_of,
                     mentions=[Mention(start=text_start + 28, end=text_start + 44, text="Kataib Hezbollah")]),
        ],
        places=[
            PlaceTag(id=JURF.id, name=JURF.name, kind="district", country="IRQ", lat=place_lat, lon=JURF.lon),
            PlaceTag(id=BAGHDAD.id, name=BAGHDAD.name, kind="city", country="IRQ", lat=BAGHDAD.lat,
                     lon=BAGHDAD.lon),
        ],
        events=[EventTag(
            event_id=f"{article_id}-ev-1", type="ASSAULT", mode="aerial", source=US.name, target=KH.name,
            source_id=US.id, target_id=KH.id, place=JURF.name, dead=1, weight=9.0,
            sentence=Span(start=text_start, end=text_start + len(SENTENCE)),
            evidence=Evidence(start=text_start, end=text_start + len(SENTENCE), text=SENTENCE),
            rule="assault.strike",
        )],
        severity=Severity(score=score, band=band, explanation=["lethal strike"]),
        versions=VERSIONS, story_id=story_id, tagged_at=published + timedelta(minutes=6),
    )


def event(event_id: str = "ev-1", *, article_id: str = "art-1", published: datetime = PUBLISHED,
          type: str = "ASSAULT", place: PlaceRef | None = JURF, negated: bool = False) -> Event:
    return Event(
        event_id=event_id, article_id=article_id, story_id="story-1", type=type, mode="aerial",
        source=US, target=KH, dyad=f"{US.id}|{KH.id}", place=place, negated=negated, dead=1, weight=9.0,
        sentence=SENTENCE, evidence=Evidence(start=0, end=len(SENTENCE), text=SENTENCE), rule="assault.strike",
        published=published, url=f"https://news.example.org/{article_id}", outlet="example-news",
        feed_id="example-feed", versions=VERSIONS,
    )


def alert(alert_id: str = "al-1", *, revision: int = 1, severity: str = "high", title: str | None = None,
          created: datetime = PUBLISHED, updated: datetime | None = None) -> Alert:
    return Alert(
        alert_id=alert_id, revision=revision, created=created,
        updated=updated or created + timedelta(minutes=revision), severity=severity,
        title=title or f"ASSAULT: United States → Kataib Hezbollah (rev {revision})", rule="event.assault",
        actors=[US, KH], dyad=f"{US.id}|{KH.id}", event_types=["ASSAULT"], places=[JURF], story_id="story-1",
        sources=revision, dead=1,
        evidence=[AlertEvidence(article_id="art-1", url="https://news.example.org/art-1", outlet="example-news",
                                sentence=SENTENCE)],
        versions=VERSIONS,
    )
