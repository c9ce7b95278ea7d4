"""``faultline subscribe add|list|remove``: manage subscriptions on the compacted subscriptions topic.

A subscription is one record keyed by its name (a tombstone removes it); every worker follows the topic
and routes matching alerts to ``<namespace>.alerts.<name>`` without a restart.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from faultline.schema import SEVERITY_BANDS, Subscription


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("subscribe", help="add, list or remove alert subscriptions (each gets its own topic)")
    verbs = p.add_subparsers(dest="subscribe_verb", metavar="ACTION", required=True)

    add = verbs.add_parser("add", help="add or replace a subscription")
    add.add_argument("name", help="lower-case letters, digits, '-' or '_' (the topic is <namespace>.alerts.<name>)")
    add.add_argument("--actor", action="append", default=[], metavar="ACTOR",
                     help="catalogue id or any name of an actor (repeatable); a leader counts for his group")
    add.add_argument("--member-of", action="append", default=[], metavar="GROUP",
                     help="anything by a member of this group, e.g. 'Popular Mobilisation Forces' (repeatable)")
    add.add_argument("--dyad", action="append", default=[], metavar="SOURCE|TARGET",
                     help="source and target actors, either side may be empty (repeatable)")
    add.add_argument("--type", action="append", default=[], metavar="PLOVER_TYPE", dest="event_types",
                     help="event type such as ASSAULT or THREATEN (repeatable)")
    add.add_argument("--country", action="append", default=[], metavar="ISO3", help="repeatable")
    add.add_argument("--place", action="append", default=[], metavar="PLACE", help="place id or name (repeatable)")
    add.add_argument("--keyword", action="append", default=[], metavar="WORD",
                     help="whole word in the title or the evidence (repeatable)")
    add.add_argument("--min-severity", choices=SEVERITY_BANDS, default="elevated")
    add.set_defaults(func=run_add)

    ls = verbs.add_parser("list", help="list the current subscriptions")
    ls.add_argument("--json", action="store_true", help="one JSON object per line")
    ls.set_defaults(func=run_list)

    rm = verbs.add_parser("remove", help="remove a subscription (its topic is kept)")
    rm.add_argument("name")
    rm.set_defaults(func=run_remove)


def build_subscription(args: argparse.Namespace, now: datetime) -> Subscription:
    """The Subscription the ``add`` arguments describe (name checked)."""
    return Subscription(
        name=checked_name(args.name),
        actors=args.actor,
        members_of=args.member_of,
        dyads=args.dyad,
        event_types=[t.upper() for t in args.event_types],
        countries=[c.upper() for c in args.country],
        places=args.place,
        keywords=args.keyword,
        min_severity=args.min_severity,
        created=now,
    )


def checked_name(name: str) -> str:
    from faultline.errors import ConfigError
    from faultline.names import InvalidName, check_subscription_name

    try:
        return check_subscription_name(name)
    except InvalidName as exc:
        raise ConfigError(str(exc)) from exc


def unknown_actor_terms(sub: Subscription) -> list[str]:
    """Terms the catalogue does not know: they can only match an alert's actor by exact name."""
    from faultline.alerting.actors import ActorView
    from faultline.knowledge.catalog import load_catalog

    view = ActorView(load_catalog())
    terms = [*sub.actors, *sub.members_of]
    for dyad in sub.dyads:
        terms += [t for t in dyad.split("|") if t]
    return [t for t in terms if not view.resolve(t)]


def describe(sub: Subscription) -> str:
    """One readable line per subscription."""
    facets = [
        ("actors", sub.actors), ("members of", sub.members_of), ("dyads", sub.dyads),
        ("types", sub.event_types), ("countries", sub.countries), ("places", sub.places),
        ("keywords", sub.keywords),
    ]
    parts = [f"{label}: {', '.join(values)}" for label, values in facets if values]
    return f"{sub.name:24} >= {sub.min_severity:8} " + ("; ".join(parts) or "every alert")


# ---- Kafka --------------------------------------------------------------------------------------------


def read_subscriptions(settings) -> dict[str, Subscription]:
    """The current subscriptions: the compacted topic read to its end (later records win; tombstones delete)."""
    from kafka import KafkaConsumer, TopicPartition

    from faultline.errors import SchemaError, ServiceError

    topic = settings.names.subscriptions
    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=None,
                             enable_auto_commit=False, consumer_timeout_ms=1000, **settings.kafka_client_options())
    try:
        partitions = consumer.partitions_for_topic(topic)
        if partitions is None:
            raise ServiceError(f"topic {topic} does not exist; run `faultline init`")
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        current: dict[str, Subscription] = {}
        while any(consumer.position(tp) < ends[tp] for tp in tps):
            for records in consumer.poll(timeout_ms=1000).values():
                for record in records:
                    name = (record.key or b"").decode("utf-8", "replace")
                    if record.value is None:
                        current.pop(name, None)
                        continue
                    try:
                        current[name] = Subscription.from_json(record.value)
                    except SchemaError:
                        continue
        return current
    finally:
        consumer.close()


def _publish(settings, name: str, value: bytes | None) -> None:
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all",
                             **settings.kafka_client_options())
    try:
        producer.send(settings.names.subscriptions, key=name.encode("utf-8"), value=value).get(timeout=30)
    finally:
        producer.close()


def run_add(args, settings) -> int:
    from deploy.provision import ensure_topics
    from faultline.names import TopicSpec

    sub = build_subscription(args, datetime.now(UTC))
    unknown = unknown_actor_terms(sub)
    if unknown:
        print(f"note: not in the catalogue, matched by exact name only: {', '.join(unknown)}", file=sys.stderr)
    topic = settings.names.subscription_alerts(sub.name)
    ensure_topics(settings, [TopicSpec(settings.names.subscriptions, compacted=True), TopicSpec(topic)])
    _publish(settings, sub.name, sub.to_json())
    print(f"subscribed {sub.name}: alerts on topic {topic}")
    print(describe(sub))
    return 0


def run_list(args, settings) -> int:
    subs = read_subscriptions(settings)
    for name in sorted(subs):
        if args.json:
            print(json.dumps(subs[name].to_dict(), ensure_ascii=False))
        else:
            print(describe(subs[name]))
    if not subs and not args.json:
        print("no subscriptions", file=sys.stderr)
    return 0


def run_remove(args, settings) -> int:
    name = checked_name(args.name)
    if name not in read_subscriptions(settings):
        print(f"faultline: no subscription named {name!r}", file=sys.stderr)
        return 1
    _publish(settings, name, None)
    print(f"removed {name} (topic {settings.names.subscription_alerts(name)} kept)")
    return 0
