"""Real workers (``faultline worker`` subprocesses) on the real broker, in a namespace of their own per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from worker_harness import WorkerProcess, delete_topics


@pytest.fixture
def pipeline_settings(settings, kafka_bootstrap, tmp_path):
    """The test's namespace, with its topics created as `faultline init` would (and deleted afterwards,
    Faust's internal topics included: the broker is shared)."""
    from deploy.provision import ensure_topics

    configured = settings.model_copy(update={"home": tmp_path})
    ensure_topics(configured)
    yield configured
    delete_topics(configured)


@pytest.fixture
def start_worker(pipeline_settings, tmp_path):
    started: list[WorkerProcess] = []

    def start(label: str = "worker", ready: bool = True) -> WorkerProcess:
        worker = WorkerProcess(pipeline_settings, tmp_path, label)
        started.append(worker)
        if ready:
            worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()




@pytest.fixture
def seed_path(shared_data) -> Path:
    path = shared_data.parent / "seed" / "article.md"
    if not path.is_file():
        pytest.fail(f"the seed article is missing from the shared folder: {path}")
    return path
