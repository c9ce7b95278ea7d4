from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The local HTTP server the producer unit tests use (tests/unit/producers/feedserver.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "producers"))

from feedserver import FeedServer  # noqa: E402
from producer_helpers import create_topics  # noqa: E402


@pytest.fixture
def server():
    with FeedServer() as srv:
        yield srv


@pytest.fixture
def topics(settings, kafka_bootstrap, tmp_path):
    """Settings whose namespace has the producer's topics, with a private home (for the status file)."""
    create_topics(settings)
    return settings.model_copy(update={"home": tmp_path / "home"})
