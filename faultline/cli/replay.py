"""``faultline replay PATH...``: publish articles from JSON Lines files (backfills, benchmarks)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

from faultline.feeds.config import COMPRESSION_TYPES
from faultline.feeds.normalise import NormaliseOptions

EXIT_OK, EXIT_FAILURE, EXIT_SERVICE = 0, 1, 4
_N = NormaliseOptions()


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay", help="publish articles from JSON Lines files to the raw topic",
                       description="Each line needs 'title', 'text' and one of 'url' or 'id'; 'published', "
                                   "'outlet' (or 'source'), 'feed_id' and 'language' are optional and derived "
                                   "like the feed producer derives them. Key = article_id, so a replay "
                                   "overwrites downstream, never duplicates.")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="JSON Lines files")
    p.add_argument("--rate", type=float, default=None, metavar="PER_SECOND",
                   help="articles per second (default: as fast as the broker takes them)")
    p.add_argument("--limit", type=int, default=None, help="stop after this many records")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show a progress bar (default: when stderr is a terminal)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--stale-after", type=float, default=_N.stale_after.total_seconds() / 3600, metavar="HOURS",
                   help="records older than this are flagged stale")
    p.add_argument("--no-detect-language", action="store_true",
                   help="leave 'language' empty when a record does not give it")
    p.add_argument("--compression", choices=COMPRESSION_TYPES, default="gzip")
    p.set_defaults(func=run)


def run(args, settings) -> int:
    from faultline.feeds.config import PublishOptions
    from producers.replay import count_records, replay

    show = sys.stderr.isatty() if args.progress is None else args.progress
    total = count_records(args.paths) if show else 0
    if args.limit is not None and show:
        total = min(total, args.limit)
    options = NormaliseOptions(stale_after=timedelta(hours=args.stale_after),
                               detect_language=not args.no_detect_language)
    report = replay(settings, args.paths, rate=args.rate, limit=args.limit, options=options,
                    publish=PublishOptions(compression=args.compression, linger_ms=50),
                    progress=(lambda r: _bar(r, total)) if show else None)
    if show:
        print(file=sys.stderr)
    if args.json:
        print(json.dumps({**report.__dict__, "rate": round(report.rate, 1)}, indent=2))
    else:
        print(f"replayed {report.read} records in {report.elapsed:.1f}s: {report.published} published "
              f"({report.rate:.0f}/s), {report.invalid} invalid, {report.failed} not acknowledged")
        for err in report.errors:
            print(f"  {err}")
    if report.failed:
        return EXIT_SERVICE
    return EXIT_FAILURE if report.invalid else EXIT_OK


def _bar(report, total: int, width: int = 30) -> None:
    done = report.read
    frac = min(1.0, done / total) if total else 0.0
    filled = int(frac * width)
    rate = report.published / report.elapsed if report.elapsed else 0.0
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {frac:4.0%} {done:,}/{total:,} "
                     f"{rate:,.0f}/s acked {report.published:,}")
    sys.stderr.flush()
