"""``faultline eval GOLD.jsonl [--json]``: score the tagger on labelled texts, per dataset.

The label map and actor map are read from the gold file's folder (``label_map.json``, ``actor_map.json``)
unless given. ``--check`` exits non-zero when a dataset misses a target of the tagging issue.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from faultline.errors import ConfigError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score the tagger against a labelled JSON Lines file, per dataset")
    p.add_argument("gold", help="labelled JSON Lines (id, dataset, text, gold_event_type, ...)")
    p.add_argument("--label-map", help="label map JSON (default: label_map.json next to GOLD)")
    p.add_argument("--actor-map", help="actor map JSON (default: actor_map.json next to GOLD)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--check", action="store_true", help="exit 1 when a dataset misses a target")
    p.add_argument(
        "--errors", type=int, default=0, metavar="N", help="also list up to N wrongly typed records"
    )
    p.set_defaults(func=run)


def _load_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


def _records(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    records = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{number}: not JSON: {exc.msg}") from exc
    return records


def _fmt(counts) -> str:
    return "   n/a      " if counts.rate is None else f"{counts.rate:6.3f} ({counts.n:3d})"


def run(args, settings) -> int:
    from faultline.evaluation import DEFAULT_TARGETS, ActorMap, LabelMap, evaluate
    from faultline.knowledge import load_catalog
    from faultline.tagging import Tagger

    gold = Path(args.gold)
    labels = LabelMap(_load_json(Path(args.label_map) if args.label_map else gold.parent / "label_map.json"))
    actor_map = ActorMap(
        _load_json(Path(args.actor_map) if args.actor_map else gold.parent / "actor_map.json")
    )
    catalog = load_catalog()
    tagger = Tagger.load()

    def forms(actor_id: str):
        entry = catalog.get(actor_id)
        return [text for text, _ in entry.forms()] if entry else []

    scores, outcomes = evaluate(
        _records(gold),
        lambda r: tagger.tag(str(r.get("text") or ""), doc_id=str(r.get("id", ""))),
        labels,
        actor_map,
        forms,
    )
    misses = [m for s in scores.values() if s.dataset != "all" for m in s.misses(DEFAULT_TARGETS)]
    if args.json:
        print(
            json.dumps(
                {
                    "versions": tagger.versions.model_dump(),
                    "scores": [s.to_dict() for s in scores.values()],
                    "targets": dict(DEFAULT_TARGETS),
                    "misses": misses,
                },
                indent=2,
            )
        )
    else:
        print(f"catalog {tagger.versions.catalog}, rules {tagger.versions.rules}")
        print(
            f"{'dataset':24} {'records':>7}  {'type acc':12} {'actor recall':12} {'source':12} {'target':12} {'false alarms':12}"
        )
        for s in scores.values():
            print(
                f"{s.dataset:24} {s.records:7d}  {_fmt(s.type_accuracy)} {_fmt(s.actor_recall)} {_fmt(s.source_accuracy)} "
                f"{_fmt(s.target_accuracy)} {_fmt(s.false_alarm_rate)}"
            )
        for miss in misses:
            print(f"below target: {miss}")
        wrong = [o for o in outcomes if o.type_ok is False][: args.errors]
        for o in wrong:
            print(f"  {o.id}: gold {o.accepted} predicted {o.predicted}", file=sys.stdout)
    return 1 if args.check and misses else 0
