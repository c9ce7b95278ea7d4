"""``faultline stack up|down|status|logs``: the local single-node Kafka and Elasticsearch."""

from __future__ import annotations

import argparse
import json
import time


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stack", help="run a local Kafka and Elasticsearch on 127.0.0.1 (no Docker needed)")
    verbs = p.add_subparsers(dest="stack_verb", metavar="ACTION", required=True)
    up = verbs.add_parser("up", help="fetch (once), start and wait until both services are healthy")
    up.add_argument("--timeout", type=float, default=240.0, help="seconds to wait for health")
    up.set_defaults(func=_up)
    down = verbs.add_parser("down", help="stop both services (data is kept)")
    down.set_defaults(func=_down)
    st = verbs.add_parser("status", help="show whether each service runs and is healthy")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=_status)
    lg = verbs.add_parser("logs", help="print the end of each service's log")
    lg.add_argument("-n", "--lines", type=int, default=40)
    lg.add_argument("service", nargs="?", choices=["kafka", "elasticsearch"])
    lg.set_defaults(func=_logs)


def _stack(settings):
    from deploy.local.stack import LocalStack

    return LocalStack(settings)


def _up(args, settings) -> int:
    stack = _stack(settings)
    t0 = time.monotonic()
    status = stack.up(timeout=args.timeout)
    print(f"local stack up in {time.monotonic() - t0:.1f}s")
    _print_status(status)
    return 0


def _down(args, settings) -> int:
    stopped = _stack(settings).down()
    for name, was_running in stopped.items():
        print(f"{name}: {'stopped' if was_running else 'not running'}")
    return 0


def _status(args, settings) -> int:
    status = _stack(settings).status()
    if args.json:
        print(json.dumps(status, indent=2))
    else:
        _print_status(status)
    return 0 if all(v.get("healthy") for k, v in status.items() if k != "home") else 1


def _logs(args, settings) -> int:
    stack = _stack(settings)
    for svc in stack.services:
        if args.service and svc.name != args.service:
            continue
        print(f"==> {svc.log_file} <==")
        print(svc.log_tail(args.lines))
    return 0


def _print_status(status: dict) -> None:
    for name in ("kafka", "elasticsearch"):
        s = status[name]
        state = "healthy" if s.get("healthy") else ("running, not healthy" if s.get("running") else "stopped")
        version = f" {s['version']}" if s.get("version") else ""
        err = f" ({s['error']})" if s.get("error") and not s.get("healthy") else ""
        print(f"{name:14} {state}{version}  {s['endpoint']}  pid={s.get('pid') or '-'}  log={s['log']}{err}")
    print(f"{'data':14} {status['home']['path']}")
