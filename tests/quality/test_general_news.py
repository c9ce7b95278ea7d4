"""Precision on news that reports no armed conflict: BBC business, entertainment, sport and technology articles
(../shared/data/corpus). Sport results, market moves and film plots are full of "hit", "beat", "battle",
"attack" and "shot"; few of these articles may carry a current attack, and sport reports hardly any."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from quality_helpers import require

from faultline.tagging import Tagger

CATEGORIES = ("business", "entertainment", "sport", "tech")


@pytest.fixture(scope="module")
def shares(shared_data: Path) -> dict[str, float]:
    """Per category: the share of articles with a current (not negated, hypothetical or historical) attack."""
    path = shared_data / "corpus" / "bbc_news_2004_2005.jsonl"
    require()(path.is_file(), f"news corpus not found: {path}")
    tagger = Tagger.load()
    articles: Counter[str] = Counter()
    attacked: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        category = record["id"].split("-")[1]
        if category not in CATEGORIES:
            continue
        result = tagger.tag(f"{record['title']}\n\n{record['text']}", doc_id=record["id"])
        articles[category] += 1
        attacked[category] += any(
            e.type == "ASSAULT" and not (e.negated or e.hypothetical or e.historical) for e in result.events
        )
    return {c: attacked[c] / articles[c] for c in CATEGORIES if articles[c]}


def test_every_category_is_read(shares):
    assert set(shares) == set(CATEGORIES)


def test_few_non_conflict_articles_carry_an_attack(shares):
    assert sum(shares.values()) / len(shares) <= 0.12, shares


@pytest.mark.parametrize("category", ["sport", "business"])
def test_sport_and_market_figures_of_speech_are_no_attacks(shares, category):
    assert shares[category] <= 0.08, shares
