"""``faultline search`` finds the seed article's strike by actor, place and type once it went through Kafka,
the indexer and Elasticsearch.

The article's text is the shared seed (read at test time); its tags are the ones ``seed/expected.yaml``
requires for the strike. When the real tagger is importable, a second test tags the text with it instead.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from indexer_helpers import index_until, produce

from faultline.cli.main import main
from faultline.schema import (
    ActorTag,
    Article,
    EventTag,
    Evidence,
    Mention,
    PlaceTag,
    Severity,
    Span,
    TagResult,
    Versions,
)
from faultline.transform import transform

pytestmark = [pytest.mark.integration, pytest.mark.kafka, pytest.mark.elasticsearch]

PUBLISHED = datetime(2025, 2, 21, 6, 0, tzinfo=UTC)  # "Feb. 21"; the text gives no year
JURF = (32.87, 44.12)


def seed_article(shared_data) -> Article:
    lines = (shared_data.parent / "seed" / "article.md").read_text(encoding="utf-8").splitlines()
    title = lines[0].lstrip("# ").strip()
    body = "\n".join(lines[1:]).strip()
    return Article(article_id="seed-article", url="https://seed.example.org/article", title=title, content=body,
                   published=PUBLISHED, fetched_at=PUBLISHED, language="en", outlet="seed")


def _mention(text: str, phrase: str) -> Mention:
    start = text.index(phrase)
    return Mention(start=start, end=start + len(phrase), text=phrase)


def hand_tags(article: Article) -> TagResult:
    """The tags expected.yaml requires for the strike: who, whom, where, what."""
    text = article.tagging_text()
    start = text.index("A United States drone strike")
    end = text.index(".", start) + 1
    sentence = text[start:end]
    return TagResult(
        id=article.article_id,
        actors=[
            ActorTag(id="usa", name="United States", kind="state", country="USA",
                     mentions=[_mention(text, "United States")]),
            ActorTag(id="kataib-hezbollah", name="Kataib Hezbollah", kind="armed_group", country="IRQ",
                     member_of=["pmf"], mentions=[_mention(text, "Kataib Hezbollah")]),
        ],
        places=[PlaceTag(id="jurf-al-sakhar", name="Jurf al-Sakhar", kind="district", country="IRQ",
                         lat=JURF[0], lon=JURF[1], mentions=[_mention(text, "Jurf al-Sakhar")])],
        events=[EventTag(type="ASSAULT", mode="drone strike", source="United States", target="Kataib Hezbollah",
                         source_id="usa", target_id="kataib-hezbollah", place="Jurf al-Sakhar", dead=1,
                         weight=10.0, sentence=Span(start=start, end=end),
                         evidence=Evidence(start=start, end=end, text=sentence), rule="test.strike")],
        severity=Severity(score=88.0, band="critical", explanation=["lethal strike"]),
        versions=Versions(catalog="test", rules="test"),
    )


def search(monkeypatch, capsys, settings, *argv: str) -> str:
    monkeypatch.setenv("FAULTLINE_NAMESPACE", settings.namespace)
    monkeypatch.setenv("FAULTLINE_ES_URL", settings.es_url)
    capsys.readouterr()
    assert main(["search", *argv]) == 0
    return capsys.readouterr().out


async def _index_seed(settings, es, article: Article, tags: TagResult) -> None:
    tagged, events = transform(article, tags, tagged_at=PUBLISHED)
    produce(settings, settings.names.tagged_articles, [tagged])
    produce(settings, settings.names.events, events)
    await index_until(settings, lambda s: s.consumed >= 1 + len(events))
    es.indices.refresh(index=f"{settings.namespace}-*")  # what Elasticsearch does by itself within a second


async def test_search_finds_the_seed_strike_by_actor_place_and_type(settings, layout, es, shared_data,
                                                                     monkeypatch, capsys):
    article = seed_article(shared_data)
    await _index_seed(settings, es, article, hand_tags(article))

    by_actor = search(monkeypatch, capsys, settings, "--actor", "Kataib Hezbollah", "--type", "ASSAULT")
    assert article.title[:40] in by_actor and by_actor.strip().endswith("1 articles")

    near = json.loads(search(monkeypatch, capsys, settings, "--in", "events", "--near", f"{JURF[0]},{JURF[1]},25",
                             "--type", "assault", "--json"))
    assert [(e["type"], e["dyad_label"], e["place"]["name"]) for e in near] == [
        ("ASSAULT", "United States → Kataib Hezbollah", "Jurf al-Sakhar")]
    assert "drone strike" in near[0]["evidence"]["text"]

    by_place = search(monkeypatch, capsys, settings, "--in", "events", "--place", "Jurf al-Sakhar",
                      "--country", "IRQ", "--since", "2025-02-20")
    assert "United States → Kataib Hezbollah" in by_place
    assert search(monkeypatch, capsys, settings, "--in", "events", "--near", "51.5,-0.12,50").endswith("\n0 events\n")


def test_search_explains_a_bad_option(settings, layout, monkeypatch, capsys):
    monkeypatch.setenv("FAULTLINE_NAMESPACE", settings.namespace)
    assert main(["search", "--in", "events", "--severity", "high"]) == 2
    assert "events carry no severity" in capsys.readouterr().err


async def test_the_real_tagger_feeds_a_searchable_strike(settings, layout, es, shared_data, monkeypatch, capsys):
    tagging = pytest.importorskip("faultline.tagging")
    if not hasattr(tagging, "Tagger"):
        pytest.skip("the tagger is not available in this tree")
    article = seed_article(shared_data)
    tags = tagging.Tagger.load().tag(article.tagging_text(), doc_id=article.article_id, published=article.published,
                                     language=article.language)
    await _index_seed(settings, es, article, tags)
    hits = json.loads(search(monkeypatch, capsys, settings, "--in", "events", "--actor", "Kataib Hezbollah",
                             "--type", "ASSAULT", "--json"))
    assert hits, "the tagger's ASSAULT on Kataib Hezbollah is not found"
    assert any("Jurf" in ((h.get("place") or {}).get("name") or "") for h in hits)
