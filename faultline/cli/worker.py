"""``faultline worker``: run a stream-processing worker (tag, stories, tables, alerts, subscriptions)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "worker",
        help="run a Faust worker: raw articles -> tagged articles, events, alerts (several share partitions)",
    )
    p.add_argument("--rules", type=Path, default=None,
                   help="alert rules file (default: the packaged knowledge/data/alert_rules.yaml)")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="Faust data directory (default: $FAULTLINE_HOME/processors/<namespace>-processor)")
    p.add_argument("--taggers", type=int, default=0, metavar="N",
                   help="tag in N separate processes (default 0: in the worker's own process)")
    p.set_defaults(func=run)


def run(args, settings) -> int:
    from faultline.errors import ConfigError
    from processors.worker import run_worker

    if args.taggers < 0:
        raise ConfigError("--taggers must be 0 or more")
    return run_worker(settings, rules_path=args.rules, datadir=args.data_dir, taggers=args.taggers)
