"""``faultline init``: create the Kafka topics and Elasticsearch templates/aliases, idempotently."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create Kafka topics and Elasticsearch templates/aliases (idempotent)")
    p.add_argument("--kafka-only", action="store_true", help="only create the Kafka topics")
    p.add_argument("--es-only", action="store_true", help="only install the Elasticsearch templates")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=run)


def run(args, settings) -> int:
    from deploy.provision import ensure_elasticsearch, ensure_topics

    report: dict = {}
    if not args.es_only:
        report["kafka"] = {"bootstrap": settings.kafka_bootstrap, "topics": ensure_topics(settings)}
    if not args.kafka_only:
        report["elasticsearch"] = {"url": settings.es_url, **ensure_elasticsearch(settings)}
    if args.json:
        print(json.dumps(report, indent=2, default=str))
        return 0
    if "kafka" in report:
        print(f"Kafka {settings.kafka_bootstrap}:")
        for topic, state in report["kafka"]["topics"].items():
            print(f"  topic {topic:40} {state}")
    if "elasticsearch" in report:
        print(f"Elasticsearch {settings.es_url}:")
        for key, value in report["elasticsearch"].items():
            if key != "url":
                print(f"  {key}: {value}")
    return 0
