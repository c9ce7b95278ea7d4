"""``faultline search QUERY [--actor] [--type] [--country] [--since] [--severity] [--json]``."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="search indexed articles, events or alerts and print a table",
                       description="Free text ranks; every option narrows. Newest first among equals.")
    p.add_argument("query", nargs="*", help="free text (titles, text, actor and place names)")
    p.add_argument("--in", dest="kind", choices=["articles", "events", "alerts"], default="articles",
                   help="what to search (default: articles)")
    p.add_argument("--actor", help="actor catalogue id or name (any role)")
    p.add_argument("--type", dest="types", action="append", default=[],
                   help="PLOVER event type, e.g. ASSAULT (repeat or comma-separate for several)")
    p.add_argument("--country", help="ISO 3166 alpha-3 code of an actor's or place's country, e.g. IRQ")
    p.add_argument("--place", help="place gazetteer id or name")
    p.add_argument("--near", help="LAT,LON[,KM]: within KM kilometres (default 50) of a point")
    p.add_argument("--since", help="30m, 24h, 7d, 2w or an ISO date")
    p.add_argument("--severity", choices=["low", "elevated", "high", "critical"],
                   help="lowest severity band shown (articles and alerts)")
    p.add_argument("-n", "--limit", type=int, default=20, help="hits to show (default 20)")
    p.add_argument("--json", action="store_true", help="print the hits as JSON instead of a table")
    p.set_defaults(func=run)


def _request(args, now):
    from faultline.indexing.query import SearchRequest, parse_near, parse_since

    types = tuple(t.strip() for group in args.types for t in group.split(",") if t.strip())
    return SearchRequest(
        kind=args.kind, text=" ".join(args.query), actor=args.actor, types=types, country=args.country,
        place=args.place, near=parse_near(args.near) if args.near else None,
        since=parse_since(args.since, now) if args.since else None, severity=args.severity, limit=args.limit,
    )


def run(args, settings) -> int:
    import sys
    from datetime import UTC, datetime

    from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError

    from faultline.errors import ServiceError
    from faultline.indexing.query import SearchError, build_query, format_table

    try:
        request = _request(args, datetime.now(UTC))
    except SearchError as exc:
        print(f"faultline search: {exc}", file=sys.stderr)
        return 2
    index = settings.names.read_alias(request.kind)
    es = Elasticsearch(**settings.es_client_options())
    try:
        response = es.search(index=index, **build_query(request))
    except NotFoundError:
        print(f"faultline search: no index {index} yet (run `faultline init`, then `faultline index`)",
              file=sys.stderr)
        return 1
    except (ApiError, TransportError) as exc:
        raise ServiceError(f"search on {settings.es_url} failed: {exc}") from exc
    finally:
        es.close()
    hits = response["hits"]["hits"]
    total = response["hits"]["total"]["value"]
    if args.json:
        print(json.dumps([{"_id": h["_id"], "_index": h["_index"], **h["_source"]} for h in hits],
                         indent=2, ensure_ascii=False))
    else:
        print(format_table(request.kind, [h["_source"] for h in hits], total))
    return 0
