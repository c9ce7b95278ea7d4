"""Sustained indexing throughput: tagged articles, then events, from Kafka into Elasticsearch (local stack).

    .venv/bin/python bench/indexers.py [--articles 20000] [--events 40000] [--batch 2000]

Records are built with the schema models: article texts come from the shared corpus
(``../shared/data/corpus``), tags are synthetic but of realistic size (3 actors with mentions, 2 places,
2 events per article). Everything is produced to a fresh namespace first (not timed), then one indexer
consumes it; "sustained" is documents per second between the end of the first bulk and the end of the
last one (consumer-group start-up excluded; it is reported separately). The namespace's indices,
templates and topics are deleted afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from faultline.indexing.bulk import BatchPolicy
from faultline.schema import (
    ActorRef,
    ActorTag,
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
from faultline.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and Path(sys.path[0]).resolve() == REPO / "bench":
    sys.path[0] = str(REPO)  # as a script, this file would shadow the `indexers` package
CORPUS = REPO.parent / "shared" / "data" / "corpus"
VERSIONS = Versions(catalog="bench", rules="bench")
ACTORS = [("usa", "United States", "state", "USA"), ("irn", "Iran", "state", "IRN"),
          ("kh", "Kataib Hezbollah", "armed_group", "IRQ"), ("irq", "Government of Iraq", "state", "IRQ")]
PLACES = [("baghdad", "Baghdad", 33.31, 44.37), ("erbil", "Erbil", 36.19, 44.01), ("anbar", "Anbar", 33.4, 42.9)]
TYPES = ["ASSAULT", "ACCUSE", "THREATEN", "CONSULT", "MOBILIZE"]
T0 = datetime(2025, 2, 1, tzinfo=UTC)


def corpus_texts() -> list[tuple[str, str]]:
    texts = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                texts.append((doc.get("title") or "", doc.get("text") or ""))
    if not texts:
        sys.exit(f"no corpus under {CORPUS}")
    return texts


def make_article(i: int, title: str, text: str) -> TaggedArticle:
    published = T0 + timedelta(minutes=i)
    actors = [ActorTag(id=a, name=n, kind=k, country=c, mentions=[Mention(start=j * 10, end=j * 10 + 5, text=n[:5])])
              for j, (a, n, k, c) in enumerate(ACTORS[i % 2: i % 2 + 3])]
    places = [PlaceTag(id=p, name=n, kind="city", country="IRQ", lat=lat, lon=lon)
              for p, n, lat, lon in PLACES[i % 2: i % 2 + 2]]
    sentence = text[:200]
    events = [EventTag(event_id=f"ev-{i}-{k}", type=TYPES[(i + k) % len(TYPES)], source=actors[0].name,
                       target=actors[1].name, source_id=actors[0].id, target_id=actors[1].id, place=places[0].name,
                       dead=k, weight=3.0, sentence=Span(start=0, end=len(sentence)),
                       evidence=Evidence(start=0, end=len(sentence), text=sentence), rule="bench")
              for k in range(2)]
    return TaggedArticle(article_id=f"art-{i}", url=f"https://bench.example.org/{i}", title=title, content=text,
                         published=published, fetched_at=published, language="en", outlet="bench",
                         actors=actors, places=places, events=events,
                         severity=Severity(score=float(i % 100), band=["low", "elevated", "high", "critical"][i % 4]),
                         versions=VERSIONS, tagged_at=published)


def make_event(i: int) -> Event:
    a, n, k, c = ACTORS[i % 4]
    b, m, kk, cc = ACTORS[(i + 1) % 4]
    p, pn, lat, lon = PLACES[i % 3]
    sentence = f"{n} forces struck positions held by {m} near {pn} on day {i}, officials said."
    return Event(event_id=f"ev-{i}", article_id=f"art-{i // 3}", type=TYPES[i % 5], mode="bench",
                 source=ActorRef(id=a, name=n, kind=k, country=c), target=ActorRef(id=b, name=m, kind=kk, country=cc),
                 dyad=f"{a}|{b}", place=PlaceRef(id=p, name=pn, country="IRQ", lat=lat, lon=lon), dead=i % 3,
                 weight=2.5, sentence=sentence, evidence=Evidence(start=0, end=len(sentence), text=sentence),
                 rule="bench", published=T0 + timedelta(seconds=i), url=f"https://bench.example.org/{i // 3}",
                 outlet="bench", versions=VERSIONS)


def produce(settings: Settings, topic: str, records) -> tuple[int, int, float]:
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=settings.bootstrap_servers, linger_ms=20, batch_size=512 * 1024,
                             max_request_size=2 * 1024 * 1024, acks=1, **settings.kafka_client_options())
    n = nbytes = 0
    t = time.perf_counter()
    for key, value in records:
        producer.send(topic, key=key, value=value)
        n += 1
        nbytes += len(value)
    producer.flush()
    producer.close()
    return n, nbytes, time.perf_counter() - t


async def index_all(settings: Settings, total: int, batch: int) -> dict:
    from indexers.service import Indexer

    indexer = Indexer(settings, policy=BatchPolicy(max_docs=batch, max_wait=1.0))
    marks: list[tuple[float, int]] = []
    original = indexer.finish

    async def timed(batch):
        await original(batch)
        marks.append((time.perf_counter(), len(batch.records)))

    indexer.finish = timed  # type: ignore[method-assign]
    started = time.perf_counter()
    await indexer.start()
    stop = asyncio.Event()
    task = asyncio.create_task(indexer.run(stop))
    while indexer.stats.consumed < total:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    stop.set()
    await task
    await indexer.stop()
    (t_first, _), (t_last, _) = marks[0], marks[-1]
    after_first = sum(n for _, n in marks[1:])
    return {
        "documents": indexer.stats.indexed, "rejected": indexer.stats.rejected, "batches": len(marks),
        "sustained_per_s": after_first / (t_last - t_first) if t_last > t_first else float("nan"),
        "overall_per_s": total / (t_last - started), "first_bulk_done_s": t_first - started,
        "retries": indexer.writer.retries,
    }


def cleanup(settings: Settings) -> None:
    from elasticsearch import Elasticsearch
    from kafka import KafkaAdminClient

    es = Elasticsearch(**settings.es_client_options())
    ns = settings.namespace
    es.options(ignore_status=[404]).indices.delete(index=f"{ns}-*", expand_wildcards="all")
    es.options(ignore_status=[404]).indices.delete_index_template(name=f"{ns}-*")
    es.options(ignore_status=[404]).cluster.delete_component_template(name=f"{ns}-*")
    es.close()
    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, **settings.kafka_client_options())
    mine = [t for t in admin.list_topics() if t.startswith(f"{ns}.")]
    if mine:
        admin.delete_topics(mine)
    admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--events", type=int, default=40000)
    parser.add_argument("--batch", type=int, default=2000)
    args = parser.parse_args()

    from deploy.provision import ensure_topics
    from indexers.setup import install

    settings = load_settings(namespace=f"bench{uuid.uuid4().hex[:8]}")
    ensure_topics(settings)
    install(settings)
    results = {}
    try:
        texts = corpus_texts()
        arts = (make_article(i, *texts[i % len(texts)]) for i in range(args.articles))
        n, nbytes, secs = produce(settings, settings.names.tagged_articles,
                                  ((a.article_id.encode(), a.to_json()) for a in arts))
        print(f"produced {n} tagged articles ({nbytes / n / 1024:.1f} KiB each) in {secs:.1f}s", flush=True)
        results["articles"] = asyncio.run(index_all(settings, n, args.batch))
        print(f"articles: {json.dumps(results['articles'])}", flush=True)

        evs = (make_event(i) for i in range(args.events))
        n, nbytes, secs = produce(settings, settings.names.events, ((e.event_id.encode(), e.to_json()) for e in evs))
        print(f"produced {n} events ({nbytes / n:.0f} B each) in {secs:.1f}s", flush=True)
        results["events"] = asyncio.run(index_all(settings, n, args.batch))
        print(f"events: {json.dumps(results['events'])}", flush=True)
    finally:
        cleanup(settings)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (producing, indexing): {rss:.0f} MiB")
    for kind, r in results.items():
        print(f"{kind:8} sustained {r['sustained_per_s']:8.0f} docs/s   overall {r['overall_per_s']:8.0f} docs/s   "
              f"{r['batches']} bulks of <= {args.batch}, {r['retries']} retries, {r['rejected']} rejected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
