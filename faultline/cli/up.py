"""``faultline up``: the whole pipeline in one command.

Starts the local Kafka and Elasticsearch unless external ones are configured, runs ``faultline init``, then
runs the producer, a Faust worker and the indexer as supervised child processes with a live view.
``--once`` polls every feed once, waits until everything published has been tagged and indexed, prints a
summary and exits.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_FEEDS = Path(__file__).resolve().parents[2] / "deploy" / "feeds" / "default.yaml"
CHILDREN = ("producer", "worker", "indexer")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("up", help="run the whole pipeline (local stack, init, producer, worker, indexer)")
    p.add_argument("--feeds", type=Path, default=None, help=f"feed registry (default: {DEFAULT_FEEDS.name})")
    p.add_argument("--once", action="store_true",
                   help="poll every feed once, wait until all is tagged and indexed, print a summary, exit")
    p.add_argument("--allow-private-addresses", action="store_true",
                   help="allow feeds on loopback/private addresses (tests, intranet feeds)")
    p.add_argument("--stale-after", type=float, metavar="HOURS",
                   help="articles older than this are flagged stale and never alert as breaking news "
                        "(producer default 48; raise it to replay archived feed snapshots)")
    p.add_argument("--quiet", action="store_true", help="no live view (logs only)")
    p.add_argument("--with-stack-down", action="store_true", help="stop the local stack on exit")
    p.add_argument("--once-timeout", type=float, default=900.0, help="seconds --once waits for the pipeline")
    p.add_argument("--summary-json", type=Path, help="also write the --once summary as JSON to this file")
    p.set_defaults(func=run)


class _Stop:
    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum, frame) -> None:  # noqa: ANN001
        if self.requested:  # a second Ctrl-C: leave now
            raise KeyboardInterrupt
        self.requested = True
        log.warning("stopping (signal %d): producer first, then flushing worker and indexer", signum)


def run(args, settings) -> int:
    from deploy.monitor import ElasticMonitor, KafkaMonitor
    from deploy.provision import ensure_elasticsearch, ensure_topics
    from deploy.supervisor import Supervisor
    from faultline.errors import ConfigError

    feeds = args.feeds or DEFAULT_FEEDS
    if not feeds.exists():
        raise ConfigError(f"feed registry not found: {feeds}")
    stack = _start_local_stack(settings)
    _say(args, f"Kafka {settings.kafka_bootstrap} · Elasticsearch {settings.es_url} · namespace {settings.namespace}")
    ensure_topics(settings)
    ensure_elasticsearch(settings)

    supervisor = Supervisor(_children(args, settings, feeds), log_dir=settings.home / "logs")
    stop = _Stop()
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    kafka, elastic = KafkaMonitor(settings), ElasticMonitor(settings)
    raw_at_start = kafka.end_offsets(settings.names.raw_articles)
    supervisor.start_all()
    _say(args, f"logs: {supervisor.log_dir}/{{{','.join(CHILDREN)}}}.log")
    code = 0
    try:
        if args.once:
            code = _run_once(args, settings, supervisor, kafka, elastic, raw_at_start, stop)
        else:
            _run_forever(args, settings, supervisor, kafka, elastic, raw_at_start, stop)
    finally:
        supervisor.stop(list(CHILDREN))
        kafka.close()
        elastic.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if args.with_stack_down and stack is not None:
            stack.down()
            _say(args, "local stack stopped")
    return code


def _start_local_stack(settings):
    """Start the local services that no external setting replaces; None when both are external."""
    if not (settings.kafka_is_default() or settings.es_is_default()):
        return None
    from deploy.local.stack import LocalStack

    stack = LocalStack(settings)
    stack.up(only=[name for name, local in (("kafka", settings.kafka_is_default()),
                                             ("elasticsearch", settings.es_is_default())) if local])
    return stack


def _children(args, settings, feeds: Path):
    from deploy.supervisor import ChildSpec

    env = {"FAULTLINE_NAMESPACE": settings.namespace}
    if args.allow_private_addresses:
        env["FAULTLINE_FEEDS_ALLOW_PRIVATE"] = "true"
    produce = ["produce", "--feeds", str(feeds)] + (["--once"] if args.once else [])
    if args.stale_after is not None:
        produce += ["--stale-after", str(args.stale_after)]
    specs = [ChildSpec("producer", produce, dict(env), restart=not args.once),
             ChildSpec("worker", ["worker"], dict(env)),
             ChildSpec("indexer", ["index"], dict(env))]
    if settings.metrics_port:
        for offset, spec in enumerate(specs):
            spec.env["FAULTLINE_METRICS_PORT"] = str(settings.metrics_port + offset)
    return specs


def _snapshot(settings, supervisor, kafka, elastic, tally, raw_at_start, started, last):
    from faultline.dashboard import Snapshot, StageLag

    now = time.monotonic()
    raw_total = kafka.end_offsets(settings.names.raw_articles) - raw_at_start
    rate = (raw_total - last["raw"]) / max(1e-6, now - last["t"]) if last["t"] else 0.0
    last.update(raw=raw_total, t=now)
    tally.add(kafka.new_alerts())
    lags = kafka.stage_lags()
    feeds_ok, feeds_failing = _feeds_ok_failing(_feed_status(settings))
    return Snapshot(
        feeds_ok=feeds_ok, feeds_failing=feeds_failing,
        elapsed=now - started,
        children={n: supervisor.states[n].status for n in CHILDREN},
        raw_total=raw_total, raw_rate=rate,
        lags=[StageLag(stage, lag) for stage, lag in lags.items()],
        indexed=elastic.counts(), alerts_by_severity=tally.by_severity(), recent_alerts=tally.recent(),
        events=list(supervisor.events),
    ), lags


def _show(args, lines: list[str], tty: bool) -> None:
    if args.quiet:
        return
    if tty:
        sys.stdout.write("\x1b[H\x1b[J" + "\n".join(lines) + "\n")
    else:
        sys.stdout.write("\n".join(lines) + "\n\n")
    sys.stdout.flush()


def _run_forever(args, settings, supervisor, kafka, elastic, raw_at_start, stop) -> None:
    from faultline.dashboard import AlertTally, render

    tally, started, last = AlertTally(), time.monotonic(), {"raw": 0, "t": 0.0}
    tty = sys.stdout.isatty()
    interval = 2.0 if tty else 15.0
    next_view = 0.0
    while not stop.requested:
        supervisor.poll()
        if time.monotonic() >= next_view:
            try:
                snap, _ = _snapshot(settings, supervisor, kafka, elastic, tally, raw_at_start, started, last)
                _show(args, render(snap), tty)
            except Exception as exc:  # noqa: BLE001 - a view that cannot read a service says so and goes on
                _show(args, [f"(view: {exc})"], tty)
            next_view = time.monotonic() + interval
        time.sleep(0.5)


def _run_once(args, settings, supervisor, kafka, elastic, raw_at_start, stop) -> int:
    from faultline.dashboard import AlertTally, render, render_summary

    tally, started, last = AlertTally(), time.monotonic(), {"raw": 0, "t": 0.0}
    deadline = started + args.once_timeout
    quiet_checks, next_view = 0, 0.0
    while not stop.requested:
        supervisor.poll()
        if time.monotonic() > deadline:
            print(f"faultline up --once: the pipeline did not drain within {args.once_timeout:.0f}s; "
                  f"see the logs in {supervisor.log_dir}", file=sys.stderr)
            return 1
        failed = [n for n in CHILDREN if supervisor.states[n].gave_up]
        if failed:
            print(f"faultline up --once: {', '.join(failed)} keeps failing; see {supervisor.log_dir}", file=sys.stderr)
            return 1
        producer_done = not supervisor.running("producer") and supervisor.exit_code("producer") is not None
        if producer_done and supervisor.exit_code("producer") != 0:
            print(f"faultline up --once: the producer failed (exit {supervisor.exit_code('producer')}); "
                  f"see {supervisor.log_file('producer')}", file=sys.stderr)
            return 1
        snap, lags = _snapshot(settings, supervisor, kafka, elastic, tally, raw_at_start, started, last)
        if time.monotonic() >= next_view:
            _show(args, render(snap), False)
            next_view = time.monotonic() + 15.0
        drained = producer_done and all(lag == 0 for lag in lags.values())
        quiet_checks = quiet_checks + 1 if drained else 0
        if quiet_checks >= 3:  # lag zero three checks in a row: nothing in flight
            break
        time.sleep(1.0)
    if stop.requested:
        return 130
    elastic.refresh()
    tally.add(kafka.new_alerts())
    summary = _summary(settings, supervisor, kafka, elastic, tally, raw_at_start)
    print("\n".join(render_summary(summary)))
    if args.summary_json:
        args.summary_json.write_text(json.dumps(summary.to_dict(), indent=2))
    return 0


def _summary(settings, supervisor, kafka, elastic, tally, raw_at_start):
    from faultline.dashboard import Summary

    names = settings.names
    counts = elastic.counts()
    return Summary(
        feeds=_producer_feed_counts(settings),
        articles_published=kafka.end_offsets(names.raw_articles) - raw_at_start,
        articles_indexed=counts["articles"], events_indexed=counts["events"],
        events_by_type=elastic.terms("events", "type"),
        alerts_by_severity=elastic.terms("alerts", "severity.band"),
        top_dyads=sorted(elastic.terms("events", "dyad", size=5).items(), key=lambda kv: -kv[1]),
        alerts_on_topic=len(tally.latest),
        es_url=settings.es_url, articles_alias=names.articles_alias, alerts_topic=names.alerts,
    )


def _feed_status(settings) -> dict:
    from producers.status import read_status, status_path

    return read_status(status_path(settings))


def _feeds_ok_failing(status: dict) -> tuple[int | None, int | None]:
    feeds = status.get("feeds") or {}
    if not feeds:
        return None, None
    failing = sum(1 for f in feeds.values() if f.get("consecutive_failures"))
    ok = sum(1 for f in feeds.values() if f.get("last_success") and not f.get("consecutive_failures"))
    return ok, failing


def _producer_feed_counts(settings) -> dict[str, int]:
    """Feeds ok / not modified / failed, from the summary the producer leaves in its status file."""
    summary = _feed_status(settings).get("summary") or {}
    return {k: int(summary[k]) for k in ("ok", "not_modified", "failed") if k in summary}


def _say(args, message: str) -> None:
    if not args.quiet:
        print(message, flush=True)
