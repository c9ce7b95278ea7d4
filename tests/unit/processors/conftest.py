"""Agents under Faust's test_context, with a recording outbox instead of a broker and a fixed clock."""

from __future__ import annotations

import uuid

import pytest
from processor_fakes import NOW, RecordingOutbox, ScriptedTagger  # also puts the alerting builders on the path
from alerting_builders import catalog  # noqa: I001

from faultline.alerting.config import load_rules
from faultline.settings import Settings
from processors.app import Pipeline
from processors.core import Core


@pytest.fixture
def outbox() -> RecordingOutbox:
    return RecordingOutbox()


@pytest.fixture
def tagger() -> ScriptedTagger:
    return ScriptedTagger()


@pytest.fixture
def pipeline(tmp_path, outbox, tagger) -> Pipeline:
    settings = Settings(namespace=f"unit{uuid.uuid4().hex[:8]}", home=tmp_path)
    core = Core.build(tagger, load_rules(), catalog())
    pipe = Pipeline(settings, core, outbox=outbox, clock=lambda: NOW, datadir=tmp_path / "faust")
    pipe.app.finalize()
    pipe.app.conf.store = "memory://"
    return pipe
