"""How many feeds per minute one producer polls, and its memory, against 5,000 feeds on a local server.

A separate process serves N synthetic RSS feeds on 127.0.0.1 with ETag validators. The real
`faultline produce --once` runs against the local Kafka twice:

- cold: every feed answers 200 with ``--items`` entries (everything is new and published);
- warm: a fresh process (seen-state and validators read back from Kafka), most feeds answer 304 and
  ``--changed`` of them carry one new entry.

Feeds per minute = feeds / polling time (from the producer's own summary; start-up, reading the seen-state
and the final flush are reported separately). Memory = peak RSS of the producer process, sampled.

    .venv/bin/python bench/producers.py                  # 5,000 feeds, writes the "Producers" section
    .venv/bin/python bench/producers.py --feeds 500 --no-write
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from results import RESULTS, write_section  # noqa: E402 - bench/ is on sys.path when run as a script

REPO = Path(__file__).resolve().parent.parent

START, END = "<!-- producers:start -->", "<!-- producers:end -->"


# ---------------------------------------------------------------------------------------------
# The feed server (its own process, so its CPU is not the producer's)


def serve(port_out, feeds: int, items: int, ready) -> None:
    import asyncio

    from aiohttp import web

    version = [0] * feeds
    served = {"200": 0, "304": 0}

    def body(n: int) -> bytes:
        v = version[n]
        entries = "".join(
            f"<item><title>Feed {n} story {k}</title><link>https://bench.example/{n}/{k}</link>"
            f"<guid>https://bench.example/{n}/{k}</guid><pubDate>Thu, 13 Aug 2026 10:00:00 GMT</pubDate>"
            f"<description>Story {k} of feed {n}: officials said talks would resume next week.</description></item>"
            for k in range(v + items - 1, v - 1, -1))
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench {n}</title>'
                f"<ttl>15</ttl>{entries}</channel></rss>").encode()

    async def feed(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        etag = f'"{n}-{version[n]}"'
        if request.headers.get("If-None-Match") == etag:
            served["304"] += 1
            return web.Response(status=304, headers={"ETag": etag})
        served["200"] += 1
        return web.Response(body=body(n), headers={"ETag": etag, "Content-Type": "application/rss+xml"})

    async def change(request: web.Request) -> web.Response:
        every = int(request.query["every"])
        for n in range(0, feeds, every):
            version[n] += 1
        served.update({"200": 0, "304": 0})
        return web.json_response({"changed": len(range(0, feeds, every))})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(served)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{n}", feed)
        app.router.add_get("/change", change)
        app.router.add_get("/stats", stats)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port_out.value = runner.addresses[0][1]
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def get(url: str) -> dict:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 - loopback only
        return json.loads(resp.read())


# ---------------------------------------------------------------------------------------------
# One producer run, with its peak memory


def run_producer(argv: list[str], env: dict) -> tuple[dict, float, float]:
    import psutil

    t0 = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        p = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                peak = max(peak, p.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        raise SystemExit(f"producer failed ({proc.returncode}):\n{err[-3000:]}")
    return json.loads(out), wall, peak / 2**20


def create_topics(namespace: str) -> None:
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    from faultline.settings import load_settings

    settings = load_settings(namespace=namespace)
    names = settings.names
    wanted = {names.raw_articles, names.dlq, names.producer_seen}
    admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, **settings.kafka_client_options())
    try:
        admin.create_topics([NewTopic(s.name, settings.topic_partitions, 1, topic_configs=s.config())
                             for s in names.topics() if s.name in wanted])
    finally:
        admin.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=5000)
    ap.add_argument("--items", type=int, default=10, help="entries per feed")
    ap.add_argument("--change-every", type=int, default=20, help="every Nth feed gets a new entry (20: 5%%)")
    ap.add_argument("--max-connections", type=int, default=64)
    ap.add_argument("--max-per-host", type=int, default=64,
                    help="all feeds live on one local host, so the per-host limit is raised to the total")
    ap.add_argument("--no-write", action="store_true", help="print the results, do not update bench/RESULTS.md")
    args = ap.parse_args()

    namespace = f"bench{uuid.uuid4().hex[:8]}"
    create_topics(namespace)
    port, ready = multiprocessing.Value("i", 0), multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(port, args.feeds, args.items, ready), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            raise SystemExit("the feed server did not start")
        base = f"http://127.0.0.1:{port.value}"
        home = Path(os.environ.get("TMPDIR", "/tmp")) / f"faultline-{namespace}"
        registry = home / "feeds.yaml"
        home.mkdir(parents=True, exist_ok=True)
        registry.write_text("feeds:\n" + "".join(
            f"  - {{id: bench-{n}, url: '{base}/feed/{n}', outlet: Bench, language: en}}\n"
            for n in range(args.feeds)))
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAULTLINE_")}
        env.update(FAULTLINE_NAMESPACE=namespace, FAULTLINE_HOME=str(home), FAULTLINE_LOG_LEVEL="WARNING")
        argv = [sys.executable, "-m", "faultline.cli.main", "produce", "--feeds", str(registry), "--once", "--json",
                "--allow-private-addresses", "--max-connections", str(args.max_connections),
                "--max-per-host", str(args.max_per_host)]

        cold, cold_wall, cold_mem = run_producer(argv, env)
        cold_http = get(f"{base}/stats")
        changed = get(f"{base}/change?every={args.change_every}")["changed"]
        warm, warm_wall, warm_mem = run_producer(argv, env)
        warm_http = get(f"{base}/stats")
    finally:
        server.terminate()
        server.join(10)

    rows = []
    for name, s, wall, mem, http in (("cold (all 200, all new)", cold, cold_wall, cold_mem, cold_http),
                                     (f"warm ({changed} changed, rest 304)", warm, warm_wall, warm_mem, warm_http)):
        rows.append({"run": name, "feeds": s["feeds"], "http_200": http["200"], "http_304": http["304"],
                     "published": s["published"], "duplicates": s["duplicates"], "poll_s": round(s["elapsed"], 2),
                     "feeds_per_min": round(s["feeds"] / s["elapsed"] * 60), "process_s": round(wall, 2),
                     "peak_rss_mib": round(mem)})
    for row in rows:
        print(json.dumps(row))
    if not args.no_write:
        write_results(rows, args)


def write_results(rows: list[dict], args) -> None:
    cpu = platform.processor() or platform.machine()
    lines = [
        START, "## Producers", "",
        f"`bench/producers.py` (run {time.strftime('%Y-%m-%d')}): one `faultline produce --once` process against "
        f"{args.feeds:,} synthetic RSS feeds ({args.items} entries each) served with ETags by a separate aiohttp "
        f"process on 127.0.0.1, publishing to the local Kafka 3.9 (acks=all, idempotent, gzip). "
        f"{os.cpu_count()} CPUs ({cpu}) shared by the server, the producer and the broker; "
        f"--max-connections {args.max_connections}, --max-per-host {args.max_per_host} (every feed is on one host).",
        "",
        "| run | feeds | HTTP 200 | HTTP 304 | published | duplicates | polling s | feeds/min | process s | peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [f"| {r['run']} | {r['feeds']:,} | {r['http_200']:,} | {r['http_304']:,} | {r['published']:,} | "
              f"{r['duplicates']:,} | {r['poll_s']} | {r['feeds_per_min']:,} | {r['process_s']} | {r['peak_rss_mib']} |"
              for r in rows]
    lines += ["",
              "Polling time is the producer's own summary (fetch, parse, normalise, publish, wait for every ack); "
              "process time adds start-up, reading the seen-state back from Kafka, reading the raw topic's last "
              "hour for unmarked articles (in the warm run: the cold run's articles, which also sets its peak RSS) "
              "and the final flush. The warm run is a new process: its validators and seen-state come from the "
              "compacted topic, which is what makes most feeds answer 304 and the rest publish only their new "
              "entry.", END]
    write_section("producers", "\n".join(line for line in lines if line not in (START, END)))
    print(f"wrote the Producers section of {RESULTS}")


if __name__ == "__main__":
    main()
