"""``faultline alerts tail``: follow the alerts topic (or one subscription's topic) in a terminal or a script.

Reads without a consumer group, so tailing never moves anyone's offsets. Each revision of an alert is
one line (``r2`` ...); ``--json`` prints each alert record as one JSON object per line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator

from faultline.schema import SEVERITY_BANDS, Alert, band_rank

_MARKS = {"low": "low ", "elevated": "ELEV", "high": "HIGH", "critical": "CRIT"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("alerts", help="follow alerts")
    verbs = p.add_subparsers(dest="alerts_verb", metavar="ACTION", required=True)
    tail = verbs.add_parser("tail", help="print alerts as they arrive (Ctrl-C to stop)")
    tail.add_argument("--severity", choices=SEVERITY_BANDS, default="low", metavar="MIN",
                      help=f"lowest band shown: {', '.join(SEVERITY_BANDS)} (default: low)")
    tail.add_argument("--subscription", metavar="NAME", help="follow this subscription's topic instead")
    tail.add_argument("--json", action="store_true", help="one JSON object per line")
    tail.add_argument("--from-beginning", action="store_true", help="start with the oldest alert kept")
    tail.add_argument("--until-idle", type=float, metavar="SECONDS",
                      help="exit after SECONDS without a new alert shown (for scripts)")
    tail.set_defaults(func=run_tail)


def format_alert(alert: Alert) -> str:
    """One terminal line: time, band, revision, title, sources, places, rule and id."""
    when = alert.updated.strftime("%Y-%m-%d %H:%MZ")
    extras = [f"{alert.sources} source{'s' if alert.sources != 1 else ''}"]
    if alert.dead:
        extras.append(f"{alert.dead} dead")
    if alert.subscriptions:
        extras.append("for " + ",".join(alert.subscriptions))
    return (f"{when}  {_MARKS.get(alert.severity, alert.severity)}  r{alert.revision:<2} {alert.title}  "
            f"[{'; '.join(extras)}]  {alert.rule} {alert.alert_id}")


def shown(alert: Alert, min_severity: str) -> bool:
    return band_rank(alert.severity) >= band_rank(min_severity)


def run_tail(args, settings) -> int:
    from faultline.errors import ConfigError
    from faultline.names import InvalidName

    try:
        topic = (settings.names.subscription_alerts(args.subscription) if args.subscription
                 else settings.names.alerts)
    except InvalidName as exc:
        raise ConfigError(str(exc)) from exc
    try:
        for alert in follow(settings, topic, from_beginning=args.from_beginning, until_idle=args.until_idle,
                            keep=lambda a: shown(a, args.severity)):
            line = json.dumps(alert.to_dict(), ensure_ascii=False) if args.json else format_alert(alert)
            print(line, flush=True)
    except BrokenPipeError:  # the reader went away (`| head`): a normal end for a tail
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def follow(settings, topic: str, *, from_beginning: bool, until_idle: float | None, keep) -> Iterator[Alert]:
    """Alerts of ``topic`` as they arrive; stops after ``until_idle`` seconds without a kept one."""
    import time

    from kafka import KafkaConsumer, TopicPartition

    from faultline.errors import SchemaError, ServiceError

    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=None,
                             enable_auto_commit=False, **settings.kafka_client_options())
    try:
        partitions = _wait_for_partitions(consumer, topic, until_idle)
        if partitions is None:
            raise ServiceError(f"topic {topic} does not exist (yet); run `faultline init` or add the subscription")
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        if from_beginning:
            consumer.seek_to_beginning(*tps)
        else:
            consumer.seek_to_end(*tps)
        last = time.monotonic()
        while until_idle is None or time.monotonic() - last < until_idle:
            for records in consumer.poll(timeout_ms=200).values():
                for record in records:
                    try:
                        alert = Alert.from_json(record.value)
                    except SchemaError as exc:
                        print(f"faultline: skipped an unreadable record at {record.partition}@{record.offset}: "
                              f"{exc}", file=sys.stderr)
                        continue
                    if keep(alert):
                        last = time.monotonic()
                        yield alert
    finally:
        consumer.close()


def _wait_for_partitions(consumer, topic: str, until_idle: float | None) -> set[int] | None:
    import time

    deadline = time.monotonic() + min(until_idle or 10.0, 10.0)
    while True:
        partitions = consumer.partitions_for_topic(topic)
        if partitions or time.monotonic() >= deadline:
            return partitions
        time.sleep(0.5)
