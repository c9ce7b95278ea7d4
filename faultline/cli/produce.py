"""``faultline produce``: poll the feeds of a registry and publish new articles to the raw topic."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

from faultline.feeds.config import (
    COMPRESSION_TYPES,
    FetchLimits,
    FulltextOptions,
    ProducerConfig,
    PublishOptions,
)
from faultline.feeds.normalise import NormaliseOptions
from faultline.feeds.policy import PollPolicy

EXIT_OK, EXIT_FAILURE, EXIT_CONFIG, EXIT_SERVICE = 0, 1, 3, 4
_F, _P, _N = FetchLimits(), PollPolicy(), NormaliseOptions()


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("produce", help="poll RSS/Atom feeds and publish new articles to Kafka",
                       description="Poll the feeds of a registry politely and publish each new article to the "
                                   "raw topic exactly once (by article_id). Runs until stopped (SIGINT/SIGTERM); "
                                   "SIGHUP reads the registry again (new feeds start, removed ones stop); "
                                   "--once polls every feed once and prints a summary.")
    p.add_argument("--feeds", type=Path, default=None, metavar="FILE",
                   help="feed registry YAML (default: the shipped world and Middle East registry)")
    p.add_argument("--once", action="store_true", help="poll every enabled feed once, then exit with a summary")
    p.add_argument("--only", nargs="+", metavar="FEED_ID", help="poll only these feeds (enabled or not)")
    p.add_argument("--json", action="store_true", help="with --once: print the summary as JSON")
    p.add_argument("--strict", action="store_true", help="with --once: exit 1 when any feed failed")
    p.add_argument("--allow-private-addresses", action="store_true", default=None,
                   help="allow feeds on loopback/private/link-local addresses (FAULTLINE_FEEDS_ALLOW_PRIVATE)")
    p.add_argument("--fulltext", action="store_true", help="fetch article pages and extract their text "
                                                           "(needs the 'fulltext' extra)")
    lim = p.add_argument_group("limits")
    lim.add_argument("--max-connections", type=int, default=_F.max_connections, help="open connections in total")
    lim.add_argument("--max-per-host", type=int, default=_F.max_per_host, help="open connections per host")
    lim.add_argument("--connect-timeout", type=float, default=_F.connect_timeout, metavar="SECONDS")
    lim.add_argument("--read-timeout", type=float, default=_F.read_timeout, metavar="SECONDS",
                     help="longest silence from a server")
    lim.add_argument("--timeout", type=float, default=_F.total_timeout, metavar="SECONDS",
                     help="deadline for one whole fetch, redirects included")
    lim.add_argument("--max-bytes", type=int, default=_F.max_bytes, help="largest body, after decompression")
    lim.add_argument("--max-redirects", type=int, default=_F.max_redirects)
    pol = p.add_argument_group("schedule")
    pol.add_argument("--default-interval", type=int, default=_P.default_interval, metavar="SECONDS",
                     help="interval of feeds whose registry entry gives none")
    pol.add_argument("--min-interval", type=int, default=_P.min_interval, metavar="SECONDS",
                     help="never poll one feed more often than this")
    pol.add_argument("--max-hint", type=int, default=_P.max_hint, metavar="SECONDS",
                     help="how far a feed's own ttl/updatePeriod/Cache-Control may stretch its interval")
    art = p.add_argument_group("articles")
    art.add_argument("--stale-after", type=float, default=_N.stale_after.total_seconds() / 3600, metavar="HOURS",
                     help="articles older than this are flagged stale (never breaking news)")
    art.add_argument("--future-tolerance", type=float, default=_N.future_tolerance.total_seconds() / 60,
                     metavar="MINUTES", help="articles dated further ahead are flagged future_dated")
    kafka = p.add_argument_group("publishing")
    kafka.add_argument("--compression", choices=COMPRESSION_TYPES, default=PublishOptions().compression)
    kafka.add_argument("--delivery-timeout", type=float, default=PublishOptions().delivery_timeout_ms / 1000,
                       metavar="SECONDS", help="how long the client retries an article while the broker is away; "
                                               "what is not acknowledged by then is resent by the next poll")
    kafka.add_argument("--recover-window", type=_not_negative, default=ProducerConfig().recover_window,
                       metavar="SECONDS",
                       help="at start-up, read this much of the raw topic's recent past for articles published "
                            "just before the last exit whose seen-marks were lost (0: off)")
    kafka.add_argument("--seen-retention", type=_not_negative, default=ProducerConfig().seen_retention / 86400,
                       metavar="DAYS",
                       help="forget article marks older than this (a feed listing such an article again publishes "
                            "it once more, under the same id; 0: keep for ever)")
    p.set_defaults(func=run)


def _not_negative(value: str) -> float:
    """A number of seconds or days that may be 0 but not negative (argparse names the option in its error)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {value}")
    return number


def config_from_args(args, settings) -> ProducerConfig:
    allow_private = settings.feeds_allow_private if args.allow_private_addresses is None else True
    try:
        return ProducerConfig(
            fetch=FetchLimits(connect_timeout=args.connect_timeout, read_timeout=args.read_timeout,
                              total_timeout=args.timeout, max_bytes=args.max_bytes, max_redirects=args.max_redirects,
                              max_connections=args.max_connections, max_per_host=args.max_per_host,
                              allow_private=allow_private),
            policy=PollPolicy(default_interval=args.default_interval, min_interval=args.min_interval,
                              max_hint=args.max_hint),
            normalise=NormaliseOptions(stale_after=timedelta(hours=args.stale_after),
                                       future_tolerance=timedelta(minutes=args.future_tolerance)),
            fulltext=FulltextOptions(enabled=args.fulltext),
            publish=PublishOptions(compression=args.compression,
                                   delivery_timeout_ms=int(args.delivery_timeout * 1000)),
            recover_window=args.recover_window,
            seen_retention=args.seen_retention * 86400,
        )
    except ValueError as exc:
        from faultline.errors import ConfigError

        raise ConfigError(f"invalid producer option: {exc}") from exc


def run(args, settings) -> int:
    import asyncio

    from faultline.cli.feeds import default_registry, load_registry
    from faultline.errors import ConfigError
    from producers.app import run as run_producer

    path = args.feeds or default_registry()
    registry = load_registry(path)
    for problem in registry.warnings:
        print(f"faultline: {path}: {problem}", file=sys.stderr)
    feeds = registry.select(args.only)
    if args.only and len(feeds) != len(set(args.only)):
        unknown = sorted(set(args.only) - {f.id for f in feeds})
        raise ConfigError(f"unknown feed ids in --only: {', '.join(unknown)}")
    if not feeds:
        raise ConfigError(f"no enabled feeds in {path}")
    config = config_from_args(args, settings)

    def reload():
        return load_registry(path).select(args.only)

    summary = asyncio.run(run_producer(settings, feeds, config, once=args.once, registry=str(path.resolve()),
                                       install_signal_handlers=not args.once, reload=reload))
    if summary is None:
        return EXIT_OK
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
    else:
        for line in summary.lines():
            print(line)
        for feed_id, error in list(summary.failures.items())[:25]:
            print(f"  failed: {feed_id}: {error}")
        if len(summary.failures) > 25:
            print(f"  ... and {len(summary.failures) - 25} more (`faultline feeds status --failing`)")
    if summary.publish_failed or summary.publish_failures:
        print("faultline: some articles were not acknowledged by Kafka; run again to resend them", file=sys.stderr)
        return EXIT_SERVICE
    if summary.failed and (args.strict or summary.failed == summary.feeds):
        return EXIT_FAILURE
    return EXIT_OK
