"""Agents under Faust's test_context, with a recording outbox instead of a broker and a fixed clock."""

from __future__ import annotations

import uuid

import pytest
from processor_fakes import NOW, RecordingOutbox, ScriptedTagger, scripted_core

from faultline.settings import Settings
from processors.app import Pipeline


@pytest.fixture
def outbox() -> RecordingOutbox:
    return RecordingOutbox()


@pytest.fixture
def tagger() -> ScriptedTagger:
    return ScriptedTagger()


@pytest.fixture
def pipeline(tmp_path, outbox, tagger) -> Pipeline:
    settings = Settings(namespace=f"unit{uuid.uuid4().hex[:8]}", home=tmp_path)
    pipe = Pipeline(settings, scripted_core(tagger), outbox=outbox, clock=lambda: NOW, datadir=tmp_path / "faust")
    pipe.app.finalize()
    return pipe
