"""``faultline index``: tagged articles, events and alerts from Kafka into Elasticsearch."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("index", help="index tagged articles, events and alerts into Elasticsearch (runs until stopped)")
    p.add_argument("--batch-size", type=int, default=2000, help="documents per bulk request (default 2000)")
    p.add_argument("--batch-mb", type=float, default=8.0, help="payload megabytes per bulk request (default 8)")
    p.add_argument("--batch-wait", type=float, default=1.0,
                   help="seconds to wait for a batch to fill before sending it (default 1)")
    p.add_argument("--no-init", action="store_true",
                   help="do not install or upgrade the index templates first (faultline init does it)")
    p.set_defaults(func=run)


def run(args, settings) -> int:
    import asyncio
    import signal

    from faultline.indexing.bulk import BatchPolicy
    from indexers.service import run_indexer

    try:
        policy = BatchPolicy(max_docs=args.batch_size, max_bytes=int(args.batch_mb * 1024 * 1024),
                             max_wait=args.batch_wait)
    except ValueError as exc:
        from faultline.errors import ConfigError

        raise ConfigError(str(exc)) from exc

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        stats = await run_indexer(settings, stop, policy=policy, install_first=not args.no_init)
        print(f"indexer stopped: {stats.as_dict()}")

    asyncio.run(main())
    return 0
