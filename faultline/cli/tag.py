"""``faultline tag [FILE|-]``: tag JSON Lines (or one plain-text article) and print one TagResult per line.

Input lines are ``{"id", "text", optional "title", "published", "language"}``; offsets in the output point
into ``text`` (a title is not tagged). A file that is not JSON Lines is one article, its id the file name.
A malformed line yields an error object on stderr and a non-zero exit; the other lines are still tagged.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from faultline.errors import ConfigError

EXIT_BAD_INPUT = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tag", help="tag articles (JSON Lines or plain text) with actors, places, events, severity"
    )
    p.add_argument("file", nargs="?", default="-", help="input file, or - for standard input (default)")
    p.set_defaults(func=run)


class BadLine(ValueError):
    """A line that cannot be tagged, with the reason."""


def _published(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadLine("'published' must be an ISO 8601 string")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadLine(f"'published' is not an ISO 8601 date: {value!r}") from exc


def parse_line(line: str) -> dict[str, Any]:
    """The fields of one JSON Lines record; BadLine says what is wrong."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(record, dict):
        raise BadLine("not a JSON object")
    doc_id, text = record.get("id"), record.get("text")
    if not isinstance(doc_id, str | int) or str(doc_id) == "":
        raise BadLine("needs an 'id'")
    if not isinstance(text, str):
        raise BadLine("needs a string 'text'")
    language = record.get("language")
    if language is not None and not isinstance(language, str):
        raise BadLine("'language' must be a string")
    return {
        "id": str(doc_id),
        "text": text,
        "published": _published(record.get("published")),
        "language": language,
    }


def _read(handle: IO[str], name: str) -> Iterator[tuple[int, str]]:
    yield from enumerate(handle, start=1)


def _looks_like_jsonl(first_line: str) -> bool:
    return first_line.lstrip().startswith("{")


def run(args, settings) -> int:
    from faultline.tagging import Tagger

    path = args.file
    if path != "-" and not Path(path).is_file():
        raise ConfigError(f"no such file: {path}")
    handle: IO[str] = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    try:
        content = handle.read()
    finally:
        if handle is not sys.stdin:
            handle.close()
    tagger = Tagger.load()
    out = sys.stdout
    first = next((line for line in content.splitlines() if line.strip()), "")
    if not _looks_like_jsonl(first):
        doc_id = "stdin" if path == "-" else Path(path).stem
        out.write(tagger.tag(content, doc_id=doc_id).model_dump_json() + "\n")
        return 0
    failed = 0
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            fields = parse_line(line)
        except BadLine as exc:
            failed += 1
            print(json.dumps({"line": number, "error": str(exc)}), file=sys.stderr)
            continue
        result = tagger.tag(
            fields["text"], doc_id=fields["id"], published=fields["published"], language=fields["language"]
        )
        out.write(result.model_dump_json() + "\n")
    return EXIT_BAD_INPUT if failed else 0
