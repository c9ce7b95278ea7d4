"""Run one Faust worker: ``faultline worker`` or ``python -m processors``.

Several workers (on one machine or many) share the partitions of the consumer group ``<namespace>-processor``;
tables follow their partitions, rebuilt from their changelog topics.
"""

from __future__ import annotations

import logging
from pathlib import Path

import faust

from faultline.settings import Settings
from processors.app import Pipeline
from processors.core import Core

log = logging.getLogger(__name__)


def build_worker(settings: Settings, *, rules_path: Path | None = None, datadir: Path | None = None,
                 core: Core | None = None) -> faust.Worker:
    from deploy.provision import ensure_topics

    ensure_topics(settings)  # the public topics; Faust declares its internal ones itself
    pipeline = Pipeline(settings, core or Core.load(rules_path), datadir=datadir)
    return faust.Worker(pipeline.app, loglevel=settings.log_level, quiet=True, override_logging=False,
                        redirect_stdouts=False)


def run_worker(settings: Settings, *, rules_path: Path | None = None, datadir: Path | None = None) -> int:
    """Blocks until the worker stops (SIGTERM/SIGINT stop it cleanly); returns its exit code."""
    worker = build_worker(settings, rules_path=rules_path, datadir=datadir)
    log.info("worker %s starting on %s", settings.names.processor_app, settings.kafka_bootstrap)
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
