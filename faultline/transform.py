"""From the tagger's output to the wire records: an Article and its TagResult become a TaggedArticle and
one Event per tagged event.

Pure and deterministic: the same article and tags give the same records, byte for byte, so a replay
overwrites instead of adding. Ids:

- ``event_id``: article id + sentence span + trigger (type and evidence span), hashed;
- ``dyad``: ``"source_id|target_id"`` when both actors are resolved catalogue entries, else None;
- the Kafka key of an event (:func:`event_key`): the dyad, else the one resolved actor, else the article.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from faultline.schema import (
    ActorRef,
    ActorTag,
    Article,
    Event,
    EventFacts,
    EventTag,
    PlaceRef,
    PlaceTag,
    TaggedArticle,
    TagResult,
)

DYAD_SEPARATOR = "|"


def event_id(article_id: str, tag: EventTag) -> str:
    """A stable id for one event: the same article, sentence and trigger always give the same id."""
    trigger = f"{tag.type}@{tag.evidence.start}-{tag.evidence.end}"
    digest = hashlib.sha1(
        f"{article_id}\x1f{tag.sentence.start}-{tag.sentence.end}\x1f{trigger}".encode()
    ).hexdigest()
    return f"ev-{digest[:24]}"


def dyad_key(source_id: str | None, target_id: str | None) -> str | None:
    """``"source_id|target_id"``, or None unless both sides are resolved."""
    if not source_id or not target_id:
        return None
    return f"{source_id}{DYAD_SEPARATOR}{target_id}"


def event_key(event: Event) -> str:
    """The Kafka key of an event record: co-partitions everything about one dyad (or one actor)."""
    if event.dyad:
        return event.dyad
    for ref in (event.source, event.target):
        if ref is not None and ref.id:
            return ref.id
    return event.article_id


def tag_article(article: Article, result: TagResult, *, tagged_at: datetime,
                story_id: str | None = None) -> TaggedArticle:
    """The article with its tags; every event carries its stable ``event_id``: the tagger's own (so that
    `faultline tag` and the pipeline name an event alike), or one derived here for tags that lack it."""
    events = [tag if tag.event_id else tag.model_copy(update={"event_id": event_id(article.article_id, tag)})
              for tag in result.events]
    return TaggedArticle(
        **article.model_dump(exclude={"record_type", "schema_version"}),
        actors=result.actors,
        places=result.places,
        events=events,
        severity=result.severity,
        versions=result.versions,
        story_id=story_id,
        tagged_at=tagged_at,
    )


def events_of(tagged: TaggedArticle) -> list[Event]:
    """One Event record per tagged event of ``tagged`` (its story id included)."""
    text = tagged.tagging_text()
    actors = _ActorIndex(tagged.actors)
    places = _PlaceIndex(tagged.places)
    events: list[Event] = []
    for tag in tagged.events:
        source = actors.ref(tag.source_id, tag.source)
        target = actors.ref(tag.target_id, tag.target)
        events.append(Event(
            event_id=tag.event_id or event_id(tagged.article_id, tag),
            article_id=tagged.article_id,
            story_id=tagged.story_id,
            type=tag.type,
            mode=tag.mode,
            source=source,
            target=target,
            dyad=dyad_key(source.id if source else None, target.id if target else None),
            place=places.ref(tag.place),
            **{name: getattr(tag, name) for name in EventFacts.model_fields},
            sentence=text[tag.sentence.start:tag.sentence.end].strip(),
            evidence=tag.evidence,
            rule=tag.rule,
            published=tagged.published,
            url=tagged.url,
            outlet=tagged.outlet,
            feed_id=tagged.feed_id,
            breaking_eligible=tagged.breaking_eligible,
            versions=tagged.versions,
        ))
    return events


def transform(article: Article, result: TagResult, *, tagged_at: datetime,
              story_id: str | None = None) -> tuple[TaggedArticle, list[Event]]:
    """Both records at once: the tagged article and its events."""
    tagged = tag_article(article, result, tagged_at=tagged_at, story_id=story_id)
    return tagged, events_of(tagged)


class _ActorIndex:
    """Finds the ActorTag an EventTag's source/target refers to: by catalogue id, else by name."""

    def __init__(self, actors: list[ActorTag]) -> None:
        self._by_id = {a.id: a for a in actors if a.id}
        self._by_name = {a.name.casefold(): a for a in actors}

    def ref(self, actor_id: str | None, name: str | None) -> ActorRef | None:
        tag = (self._by_id.get(actor_id) if actor_id else None) or (
            self._by_name.get(name.casefold()) if name else None
        )
        if tag is not None:
            return ActorRef(id=tag.id, name=tag.name, kind=tag.kind, country=tag.country,
                            member_of=list(tag.member_of))
        if actor_id or name:
            return ActorRef(id=actor_id, name=name or actor_id or "")
        return None


class _PlaceIndex:
    def __init__(self, places: list[PlaceTag]) -> None:
        self._by_id = {p.id: p for p in places if p.id}
        self._by_name = {p.name.casefold(): p for p in places}

    def ref(self, place: str | None) -> PlaceRef | None:
        if not place:
            return None
        tag = self._by_id.get(place) or self._by_name.get(place.casefold())
        if tag is None:
            return PlaceRef(name=place)
        return PlaceRef(id=tag.id, name=tag.name, country=tag.country, lat=tag.lat, lon=tag.lon)
