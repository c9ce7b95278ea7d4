"""Tagging quality on the development set: the targets of the tagging issue, per dataset.

Reads ../shared/data/gold (dev.jsonl, label_map.json, actor_map.json); under CI=true their absence fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from quality_helpers import require

from faultline.evaluation import ALL, DEFAULT_TARGETS, ActorMap, LabelMap, evaluate
from faultline.knowledge import load_catalog
from faultline.tagging import Tagger


@pytest.fixture(scope="module")
def scores(shared_data: Path):
    gold = shared_data / "gold"
    files = [gold / name for name in ("dev.jsonl", "label_map.json", "actor_map.json")]
    require()(all(f.is_file() for f in files), f"development set not found in {gold}")
    records = [json.loads(line) for line in files[0].read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = LabelMap(json.loads(files[1].read_text(encoding="utf-8")))
    actors = ActorMap(json.loads(files[2].read_text(encoding="utf-8")))
    catalog = load_catalog()
    tagger = Tagger.load()

    def forms(actor_id: str):
        entry = catalog.get(actor_id)
        return [text for text, _ in entry.forms()] if entry else []

    results, _ = evaluate(
        records, lambda r: tagger.tag(str(r["text"]), doc_id=str(r["id"])), labels, actors, forms
    )
    return results


def test_every_dataset_is_scored(scores):
    assert {"acled-rpanlilio-2020", "case2021-task2-test", "plover-gsr", ALL} <= set(scores)


@pytest.mark.parametrize("metric", sorted(DEFAULT_TARGETS))
def test_targets_per_dataset(scores, metric):
    misses = [
        m for s in scores.values() if s.dataset != ALL for m in s.misses({metric: DEFAULT_TARGETS[metric]})
    ]
    assert not misses, "; ".join(misses)
