"""Stream-processing throughput and latency: the news corpus through one real ``faultline worker``.

    .venv/bin/python bench/processors.py                       # writes the "Processors" section of RESULTS.md
    .venv/bin/python bench/processors.py --articles 5000 --rate-seconds 30 --repeat 1 --no-write

Two kinds of run, each in a fresh namespace on the local Kafka, with one worker process (tagger, stories, tables,
alerts, subscriptions) beside the broker and Elasticsearch on this machine:

- sustained: the corpus (``../shared/data/corpus``, articles stamped "now" so they count as breaking
  news) is appended to the raw topic first, then a worker starts and drains it; articles/s = articles
  / (last tagged append - first tagged append), start-up excluded and reported apart; repeated
  (``--repeat``) for each ``--taggers`` value, the best run reported with the slowest and the load average;
- latency: the worker runs first, then articles are appended at a fixed rate (200/s by default) for a
  fixed time; one in ``--seed-every`` is a copy of the seed article by another outlet, so alerts keep
  coming. Latency is the broker's append time of the alert record minus that of the raw article that
  triggered it (the newest evidence), and for every article raw -> tagged article.

Broker timestamps are CreateTime from clients on this same host.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from results import RESULTS, write_section  # noqa: E402 - bench/ is on sys.path when run as a script

from faultline.schema import Alert, Article  # noqa: E402
from faultline.settings import load_settings  # noqa: E402

SHARED = REPO.parent / "shared"
CORPUS = SHARED / "data" / "corpus"
SEED = SHARED / "seed" / "article.md"

START, END = "<!-- processors:start -->", "<!-- processors:end -->"


# ---- inputs -------------------------------------------------------------------------------------------


def corpus(limit: int) -> list[tuple[str, str, str, str]]:
    """(id, outlet, title, text) from the shared corpus, Al Jazeera and BBC first, then Reuters."""
    rows = []
    for name in ("aljazeera_2025_05.jsonl", "bbc_news_2004_2005.jsonl", "reuters21578.jsonl"):
        with (CORPUS / name).open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                if row.get("text"):
                    rows.append((row["id"], row.get("source") or name, row.get("title") or "", row["text"]))
                if len(rows) >= limit:
                    return rows
    return rows


def seed_copy(i: int) -> Article:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    now = datetime.now(UTC)
    return Article(article_id=f"seed-{i}", url=f"https://outlet{i}.example/seed", title=lines[0].lstrip("# "),
                   content="\n".join(lines[1:]).strip(), published=now, fetched_at=now, outlet=f"Outlet {i}",
                   language="en")


def article(row: tuple[str, str, str, str], run: str) -> Article:
    now = datetime.now(UTC)
    article_id, outlet, title, text = row
    return Article(article_id=f"{run}-{article_id}", url=f"https://corpus.example/{article_id}", title=title,
                   content=text, published=now, fetched_at=now, outlet=outlet)


# ---- Kafka and the worker -------------------------------------------------------------------------------


def producer(settings):
    from kafka import KafkaProducer

    return KafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all", linger_ms=5,
                         batch_size=256 * 1024, **settings.kafka_client_options())


def start_worker(settings, log: Path, taggers: int) -> subprocess.Popen:
    env = {**os.environ, "FAULTLINE_NAMESPACE": settings.namespace, "FAULTLINE_HOME": str(settings.home),
           "FAULTLINE_LOG_LEVEL": "WARNING"}
    script = Path(sys.executable).with_name("faultline")
    return subprocess.Popen([str(script), "worker", "--taggers", str(taggers)], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class Sampler(threading.Thread):
    """Peak RSS and CPU seconds of the worker process and its tagging processes, over time."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process(pid)
        self.peak_rss = 0
        self.cpu = 0.0
        self.timeline: list[tuple[float, float]] = []  # (wall time, CPU seconds so far)
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                self.peak_rss = max(self.peak_rss, sum(p.memory_info().rss for p in procs))
                self.cpu = sum(t.user + t.system for t in (p.cpu_times() for p in procs))
                self.timeline.append((time.time(), self.cpu))
            except Exception:  # noqa: BLE001 - a process ended
                return
            time.sleep(0.2)

    def cpu_between(self, start: float, end: float) -> float:
        """CPU seconds used between two wall times (nearest samples)."""
        def at(when: float) -> float:
            return min(self.timeline, key=lambda s: abs(s[0] - when))[1] if self.timeline else 0.0

        return at(end) - at(start)


class Counter:
    """How many records a topic holds (end offsets: cheap to poll while the worker runs)."""

    def __init__(self, settings, topic: str) -> None:
        from kafka import KafkaConsumer, TopicPartition

        self.consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=None,
                                      **settings.kafka_client_options())
        partitions = self.consumer.partitions_for_topic(topic) or set()
        self.tps = [TopicPartition(topic, p) for p in sorted(partitions)]

    def count(self) -> int:
        return sum(self.consumer.end_offsets(self.tps).values())

    def close(self) -> None:
        self.consumer.close()


def read_all(settings, topic: str) -> list[tuple[bytes | None, bytes, int]]:
    """(key, value, append ms) of every record of ``topic``; read after a run, so it steals no CPU from it."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=None,
                             auto_offset_reset="earliest", enable_auto_commit=False,
                             fetch_max_bytes=64 * 1024 * 1024, **settings.kafka_client_options())
    counter = Counter(settings, topic)
    total = counter.count()
    counter.close()
    records: list[tuple[bytes | None, bytes, int]] = []
    try:
        consumer.subscribe([topic])
        while len(records) < total:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend((r.key, r.value, r.timestamp) for r in batch)
    finally:
        consumer.close()
    return records


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# ---- runs -------------------------------------------------------------------------------------------------


def fresh_settings(base, home: Path):
    from deploy.provision import ensure_topics

    settings = base.model_copy(update={"namespace": f"bench{uuid.uuid4().hex[:8]}", "home": home})
    ensure_topics(settings)
    return settings


def delete_topics(settings) -> None:
    """The run's topics (its own, Faust's internal ones and changelogs): they hold the whole corpus."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, **settings.kafka_client_options())
    try:
        mine = [t for t in admin.list_topics() if t.startswith((f"{settings.namespace}.", f"{settings.namespace}-"))]
        if mine:
            admin.delete_topics(mine)
    finally:
        admin.close()


def records_per_topic(settings) -> dict[str, int]:
    """How many records each of the run's topics holds, by name without the namespace (the worker has stopped)."""
    from kafka import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, **settings.kafka_client_options())
    try:
        mine = [t for t in admin.list_topics() if t.startswith((f"{settings.namespace}.", f"{settings.namespace}-"))]
    finally:
        admin.close()
    counts = {}
    for topic in mine:
        counter = Counter(settings, topic)
        counts[topic[len(settings.namespace) + 1:]] = counter.count()
        counter.close()
    return counts


def sustained(base, rows, home: Path, taggers: int) -> dict:
    settings = fresh_settings(base, home)
    names = settings.names
    prod = producer(settings)
    for row in rows:
        a = article(row, "s")
        prod.send(names.raw_articles, key=a.article_id.encode(), value=a.to_json())
    prod.flush()
    prod.close()
    tagged, dead = Counter(settings, names.tagged_articles), Counter(settings, names.dlq)
    started = time.time()
    worker = start_worker(settings, home / "sustained.log", taggers)
    sampler = Sampler(worker.pid)
    sampler.start()
    try:
        done = wait_for(lambda: tagged.count() + dead.count() >= len(rows), timeout=3600)
        sampler.stopped.set()
        letters = read_all(settings, names.dlq) if dead.count() else []
        stamps = sorted(ts for _, _, ts in read_all(settings, names.tagged_articles))
    finally:
        sampler.stopped.set()
        stop_worker(worker)
        tagged.close()
        dead.close()
        records = records_per_topic(settings)
        delete_topics(settings)
    if letters:
        letter = json.loads(letters[0][1])
        sys.exit(f"{len(letters)} articles were dead-lettered, e.g. {letter['error_type']}: {letter['error']}")
    span = (stamps[-1] - stamps[0]) / 1000 if len(stamps) > 1 else float("nan")
    steady = sampler.cpu_between(stamps[0] / 1000, stamps[-1] / 1000)
    return {"articles": len(rows), "complete": done, "load": round(os.getloadavg()[0], 2),
            "startup_s": round(stamps[0] / 1000 - started, 1),
            "span_s": round(span, 1), "rate": round(len(stamps) / span, 1) if span else float("nan"),
            "cpu_s": round(sampler.cpu, 1), "cpu_ms_per_article": round(steady / len(stamps) * 1000, 2),
            "peak_rss_mib": sampler.peak_rss // (1024 * 1024), "records": records}


def latency(base, rows, home: Path, rate: float, seconds: float, seed_every: int, taggers: int) -> dict:
    settings = fresh_settings(base, home)
    names = settings.names
    tagged = Counter(settings, names.tagged_articles)
    worker = start_worker(settings, home / "latency.log", taggers)
    sampler = Sampler(worker.pid)
    sampler.start()
    prod = producer(settings)
    # warm up: once the worker has joined its group, one seed copy goes through every topic (tagged,
    # events, candidates, observations, alerts): the clients' first metadata look-ups are not latency
    alerts = Counter(settings, names.alerts)
    warm = seed_copy(0)
    prod.send(names.raw_articles, key=warm.article_id.encode(), value=warm.to_json()).get(timeout=30)
    wait_for(lambda: tagged.count() > 0 and alerts.count() > 0, timeout=300)
    alerts.close()
    time.sleep(2)
    futures = []
    total = int(rate * seconds)
    rows = [rows[i * len(rows) // total] for i in range(total)]  # spread over the corpus, like a day's mix
    t0 = time.monotonic()
    for i in range(total):
        a = seed_copy(i + 1) if i % seed_every == 0 else article(rows[i % len(rows)], f"l{i // len(rows)}")
        futures.append((a.article_id, prod.send(names.raw_articles, key=a.article_id.encode(), value=a.to_json())))
        delay = t0 + (i + 1) / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    prod.flush()
    elapsed = time.monotonic() - t0
    appended = {article_id: fut.get(timeout=60).timestamp for article_id, fut in futures}
    prod.close()
    try:
        wait_for(lambda: tagged.count() >= total + 1, timeout=600)
        time.sleep(3)  # the last alerts
        sampler.stopped.set()
        tagged_records = read_all(settings, names.tagged_articles)
        alert_records = read_all(settings, names.alerts)
    finally:
        sampler.stopped.set()
        stop_worker(worker)
        tagged.close()
        delete_topics(settings)
    tag_lat = [(ts - appended[k.decode()]) / 1000 for k, _, ts in tagged_records if k and k.decode() in appended]
    alert_lat = []
    for _, value, ts in alert_records:
        alert = Alert.from_json(value)
        trigger = alert.evidence[-1].article_id if alert.evidence else None
        if trigger in appended:
            alert_lat.append((ts - appended[trigger]) / 1000)
    return {"rate": rate, "achieved_rate": round(total / elapsed, 1), "articles": total,
            "alerts": len(alert_lat), "alert_ids": len({Alert.from_json(v).alert_id for _, v, _ in alert_records}),
            "alert_p50": percentile(alert_lat, 50), "alert_p95": percentile(alert_lat, 95),
            "alert_p99": percentile(alert_lat, 99), "tagged": len(tag_lat), "tag_p50": percentile(tag_lat, 50),
            "tag_p95": percentile(tag_lat, 95), "tag_p99": percentile(tag_lat, 99),
            "cpu_s": round(sampler.cpu, 1), "peak_rss_mib": sampler.peak_rss // (1024 * 1024),
            "load": round(os.getloadavg()[0], 2)}


def tagger_cost(rows, sample: int = 2000) -> float:
    """CPU milliseconds per article of the tagger alone (in this process, on a spread-out sample)."""
    from faultline.tagging import Tagger

    tagger = Tagger.load()
    picked = [article(r, "t") for r in rows[:: max(1, len(rows) // sample)]]
    start = time.process_time()
    for a in picked:
        tagger.tag(a.tagging_text(), doc_id=a.article_id, published=a.published, language=a.language)
    return round((time.process_time() - start) / len(picked) * 1000, 2)


# ---- report -----------------------------------------------------------------------------------------------


def best_of(runs: list[dict]) -> dict:
    """The fastest of a configuration's runs, with the spread of all of them."""
    best = max(runs, key=lambda r: r["rate"])
    return {**best, "runs": len(runs), "slowest": min(r["rate"] for r in runs),
            "loads": sorted(r["load"] for r in runs)}


def write_results(configs: list[dict], lat: dict, tagging_ms: float, args) -> None:
    ms = lambda s: f"{s * 1000:,.0f}"  # noqa: E731
    best = max(configs, key=lambda r: r["rate"])
    per_article = ", ".join(f"`{topic}` {count / best['articles']:.2f}"
                            for topic, count in sorted(best["records"].items(), key=lambda kv: -kv[1]) if count)
    lines = [
        START, "## Processors", "",
        f"`bench/processors.py` (run {time.strftime('%Y-%m-%d')}): one `faultline worker` process (Faust "
        f"{_version('faust-streaming')}, memory tables with changelogs, the real tagger and alert rules) on the "
        f"local Kafka 3.9, {os.cpu_count()} CPUs ({platform.machine()}) shared with the broker, Elasticsearch "
        "and the benchmark's own producer and readers. Articles come from `../shared/data/corpus` (Al Jazeera, "
        "BBC, then Reuters), stamped now so they count as breaking news. Each configuration ran "
        f"{args.repeat} times in a row, each time in a fresh namespace: the best run is shown, with the "
        "slowest and the 1-minute load average at the end of each run (other work on the machine moves "
        "the figures).", "",
        "| sustained run (backlog drained) | articles | worker start-up s | drain s | articles/s (best) | "
        "slowest | CPU ms/article | peak RSS MiB | load average |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        *(f"| `faultline worker --taggers {r['taggers']}` | {r['articles']:,} | {r['startup_s']} | {r['span_s']} | "
          f"**{r['rate']:,}** | {r['slowest']:,} | {r['cpu_ms_per_article']} | {r['peak_rss_mib']} | "
          f"{', '.join(f'{x:.1f}' for x in r['loads'])} |" for r in configs), "",
        "CPU ms/article: the worker and its tagging processes, between the first and the last tagged-article "
        f"append. The tagger alone takes {tagging_ms} ms of CPU per article on this corpus (measured apart). "
        "The rest is the pipeline's own work and, for the larger part, Faust and aiokafka handling the "
        f"records. Records per article in the best `--taggers {best['taggers']}` run: {per_article}. What keeps "
        "it there: the tag agent does all the per-article work (the "
        "tagger, every wire record of the article serialised once with a placeholder story id, the sketch, "
        "the choice of candidates) and sends the story requests of a whole batch of articles as one record "
        "on the single-partition topic; the stories agent looks up the sketch and splices the story id into "
        "the bytes it received, parsing and serialising no article; the next batch is tagged while one "
        "batch's results are sent; the story index skips candidates whose shared hashes cannot reach the "
        "similarity floor; producers linger 10 ms per hop; Faust's per-record monitor statistics are off "
        "(the worker's own Prometheus metrics stay); table changelogs are serialised with orjson; objects "
        "loaded at start (tagger, catalogue, rules) are frozen out of the garbage collector's scans. With "
        "`--taggers 1` the worker's event loop and the tagging process share the load; more throughput "
        "comes from more workers (tagging, tables and alerts are spread over the partitions; only story "
        "assignment is single-partition, tens of microseconds per article).", "",
        f"Latency at a steady {lat['rate']:g} articles/s ({lat['achieved_rate']:g} achieved, {lat['articles']:,} "
        f"articles spread over the corpus, {args.rate_seconds:g} s, one in {args.seed_every} a copy of the seed "
        f"article by a new outlet; `--taggers {lat['taggers']}`; measured after one warm-up article went through "
        "every topic):",
        "",
        "| path | records | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|",
        f"| raw append -> alert append | {lat['alerts']:,} alert records ({lat['alert_ids']} alerts) | "
        f"{ms(lat['alert_p50'])} | **{ms(lat['alert_p95'])}** | {ms(lat['alert_p99'])} |",
        f"| raw append -> tagged-article append | {lat['tagged']:,} | {ms(lat['tag_p50'])} | {ms(lat['tag_p95'])} | "
        f"{ms(lat['tag_p99'])} |", "",
        f"Targets: >= 1,000 articles/s sustained; p95 <= 1 s at 200 articles/s. Worker during the latency run: "
        f"{lat['cpu_s']} CPU s, peak RSS {lat['peak_rss_mib']} MiB, load average {lat['load']:.1f} at its end.", END,
    ]
    write_section("processors", "\n".join(line for line in lines if line not in (START, END)))
    print(f"wrote the Processors section of {RESULTS}")


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=21365, help="corpus articles in the sustained run")
    ap.add_argument("--rate", type=float, default=200.0, help="articles/s in the latency run")
    ap.add_argument("--rate-seconds", type=float, default=60.0, help="length of the latency run")
    ap.add_argument("--seed-every", type=int, default=50, help="one seed copy every N articles (latency run)")
    ap.add_argument("--taggers", default="1,0",
                    help="comma-separated tagging processes of the worker (faultline worker --taggers) for the "
                         "sustained runs; the latency run uses the first")
    ap.add_argument("--repeat", type=int, default=3, help="sustained runs per --taggers value (the best is reported)")
    ap.add_argument("--skip-sustained", action="store_true")
    ap.add_argument("--no-write", action="store_true", help="print the results, do not update bench/RESULTS.md")
    args = ap.parse_args()
    if not CORPUS.is_dir() or not SEED.is_file():
        sys.exit(f"the shared corpus and seed article are needed under {SHARED}")
    import tempfile

    base = load_settings()
    rows = corpus(args.articles)
    with tempfile.TemporaryDirectory(prefix="faultline-bench-") as tmp:
        home = Path(tmp)
        taggers = [int(t) for t in args.taggers.split(",")]
        configs = []
        for n in [] if args.skip_sustained else taggers:
            runs = []
            for _ in range(args.repeat):
                runs.append({"taggers": n, **sustained(base, rows, home, n)})
                print("sustained:", runs[-1], flush=True)
            configs.append(best_of(runs))
        lat = {"taggers": taggers[0],
               **latency(base, rows, home, args.rate, args.rate_seconds, args.seed_every, taggers[0])}
        print("latency:", {k: (round(v, 3) if isinstance(v, float) else v) for k, v in lat.items()}, flush=True)
    tagging_ms = tagger_cost(rows)
    print("tagger alone, CPU ms per article:", tagging_ms)
    if not args.no_write and configs:
        write_results(configs, lat, tagging_ms, args)


if __name__ == "__main__":
    main()
