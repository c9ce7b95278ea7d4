"""``faultline feeds check FILE`` validates a registry; ``faultline feeds status`` prints each feed's last poll."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

from faultline.errors import ConfigError
from faultline.feeds.registry import Registry, parse_registry

EXIT_OK, EXIT_FAILURE, EXIT_CONFIG = 0, 1, 3


def default_registry() -> Path:
    """The registry shipped with Faultline: world and Middle East outlets."""
    import deploy.feeds

    return Path(deploy.feeds.__file__).with_name("default.yaml")


def read_registry(path: Path) -> Registry:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the feed registry {path}: {exc.strerror or exc}") from exc
    return parse_registry(text, source=str(path))


def load_registry(path: Path) -> Registry:
    """A registry without errors, or a ConfigError that lists them."""
    reg = read_registry(path)
    if not reg.ok:
        shown = "\n  ".join(str(p) for p in reg.errors[:20])
        more = f"\n  ... and {len(reg.errors) - 20} more" if len(reg.errors) > 20 else ""
        raise ConfigError(f"the feed registry {path} has {len(reg.errors)} errors "
                          f"(`faultline feeds check {path}`):\n  {shown}{more}")
    return reg


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("feeds", help="check a feed registry, show the producer's per-feed status")
    verbs = p.add_subparsers(dest="feeds_verb", metavar="ACTION", required=True)
    check = verbs.add_parser("check", help="validate a registry file: duplicates, bad entries")
    check.add_argument("file", nargs="?", type=Path, help="registry YAML (default: the shipped registry)")
    check.add_argument("--strict", action="store_true", help="warnings fail the check too")
    check.add_argument("--json", action="store_true", help="print the problems as JSON")
    check.set_defaults(func=check_cmd)
    status = verbs.add_parser("status", help="last success, last error, items seen and next poll of each feed")
    status.add_argument("--failing", action="store_true", help="only feeds whose last poll failed")
    status.add_argument("--json", action="store_true", help="print the status file as JSON")
    status.set_defaults(func=status_cmd)


def check_cmd(args, settings) -> int:
    path = args.file or default_registry()
    reg = read_registry(path)
    failed = bool(reg.errors) or (args.strict and bool(reg.warnings))
    if args.json:
        print(json.dumps({"file": str(path), "feeds": len(reg.feeds), "enabled": len(reg.enabled()),
                          "problems": [p.__dict__ for p in reg.problems]}, indent=2))
        return EXIT_CONFIG if failed else EXIT_OK
    for problem in reg.problems:
        print(problem)
    verdict = "FAILED" if failed else "ok"
    print(f"{path}: {verdict}: {len(reg.feeds)} valid feeds ({len(reg.enabled())} enabled), "
          f"{len(reg.errors)} errors, {len(reg.warnings)} warnings")
    return EXIT_CONFIG if failed else EXIT_OK


def status_cmd(args, settings) -> int:
    from producers.status import read_status, status_path

    path = status_path(settings)
    try:
        doc = read_status(path)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the status file {path}: {exc}") from exc
    feeds: dict = doc.get("feeds") or {}
    if args.failing:
        feeds = {k: v for k, v in feeds.items() if v.get("last_outcome") in ("failed", "publish_failed")}
    if args.json:
        print(json.dumps({**doc, "feeds": feeds}, indent=2, ensure_ascii=False))
        return EXIT_OK
    if not doc.get("updated"):
        print(f"no producer status yet for namespace {settings.namespace!r} ({path}); run `faultline produce`")
        return EXIT_FAILURE
    now = datetime.now(UTC)
    print(f"status of namespace {settings.namespace!r}, written {_ago(doc['updated'], now)} ({path})")
    print(f"{'FEED':32} {'LAST POLL':13} {'LAST SUCCESS':12} {'ITEMS':>5} {'PUBLISHED':>9} {'NEXT':>8}  LAST ERROR")
    for feed_id, st in feeds.items():
        outcome = st.get("last_outcome") or "never"
        if st.get("consecutive_failures"):
            outcome = f"{outcome} x{st['consecutive_failures']}"
        error = st.get("last_error") or ""
        if error and st.get("last_error_at"):
            error = f"{_ago(st['last_error_at'], now)}: {error}"
        elif st.get("moved_to"):
            error = f"moved permanently to {st['moved_to']} (update the registry)"
        elif st.get("bozo"):
            error = f"readable but ill-formed: {st['bozo']}"
        print(f"{feed_id[:32]:32} {outcome[:13]:13} {_ago(st.get('last_success'), now):12} "
              f"{st.get('items_seen', 0):>5} {st.get('published_total', 0):>9} {_until(st.get('next_due'), now):>8}  "
              f"{error[:100]}")
    failing = sum(1 for st in feeds.values() if st.get("last_outcome") in ("failed", "publish_failed"))
    print(f"{len(feeds)} feeds, {failing} failing")
    return EXIT_FAILURE if failing and args.failing else EXIT_OK


def _parse(ts: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(ts) if ts else None
    except ValueError:
        return None


def _ago(ts: str | None, now: datetime) -> str:
    when = _parse(ts)
    return f"{_span((now - when).total_seconds())} ago" if when else "never"


def _until(ts: str | None, now: datetime) -> str:
    when = _parse(ts)
    if not when:
        return "-"
    secs = (when - now).total_seconds()
    return "due" if secs <= 0 else f"in {_span(secs)}"


def _span(seconds: float) -> str:
    seconds = abs(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}"
    return f"{seconds:.0f}s"
