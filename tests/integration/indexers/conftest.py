"""Fixtures for the indexer tests: this test's topics and Elasticsearch layout, removed afterwards."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The record samples live with the unit tests of the indexing core.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "indexing"))

from faultline.settings import Settings  # noqa: E402


@pytest.fixture
def require(request):
    """The suite's ``require(condition, reason)``: skip locally, fail under CI."""
    root_conftest = Path(__file__).resolve().parents[2] / "conftest.py"
    return request.config.pluginmanager.get_plugin(str(root_conftest)).require


@pytest.fixture
def layout(settings: Settings, es, kafka_bootstrap):
    """This test's namespace with its topics and Elasticsearch layout installed; all of it removed afterwards."""
    from deploy.provision import ensure_topics
    from indexers.setup import install

    ensure_topics(settings)
    report = install(settings)
    yield report
    from indexer_helpers import drop_namespace

    drop_namespace(settings)
