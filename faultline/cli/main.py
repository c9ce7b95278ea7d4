"""Entry point of the ``faultline`` command: parse arguments and settings once, then dispatch."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from faultline import __version__
from faultline.errors import FaultlineError

log = logging.getLogger(__name__)

# Verb groups, in the order `faultline --help` lists them. A module that is absent is skipped.
VERB_MODULES = (
    "up", "stack", "init", "produce", "feeds", "replay", "tag", "eval",
    "worker", "alerts", "subscribe", "index", "search",
)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_CONFIG, EXIT_SERVICE, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faultline",
        description="Escalation signals from conflict news: feeds -> Kafka -> Faust -> Elasticsearch.",
    )
    parser.add_argument("--version", action="version", version=f"faultline {__version__}")
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR (FAULTLINE_LOG_LEVEL)")
    parser.add_argument("--json-logs", action="store_true", default=None, help="log one JSON object per line")
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND")
    for name in VERB_MODULES:
        try:
            module = importlib.import_module(f"faultline.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"faultline.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from pydantic import ValidationError

    from faultline.logs import configure_logging
    from faultline.settings import load_settings

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        settings = load_settings()
    except ValidationError as exc:
        print(f"faultline: invalid settings:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(args.log_level or settings.log_level,
                      settings.json_logs if args.json_logs is None else args.json_logs)
    try:
        return int(args.func(args, settings) or 0)
    except KeyboardInterrupt:
        print("faultline: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except FaultlineError as exc:
        from faultline.errors import ConfigError, ServiceError

        print(f"faultline: {exc}", file=sys.stderr)
        if isinstance(exc, ConfigError):
            return EXIT_CONFIG
        if isinstance(exc, ServiceError):
            return EXIT_SERVICE
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
