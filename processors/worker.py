"""Run one Faust worker: ``faultline worker`` or ``python -m processors``.

Several workers (on one machine or many) share the partitions of the consumer group ``<namespace>-processor``;
tables follow their partitions, rebuilt from their changelog topics.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

import faust

from faultline.settings import Settings
from processors.app import Pipeline
from processors.core import Core
from processors.tagging import TagPool

log = logging.getLogger(__name__)


def build_pipeline(settings: Settings, *, rules_path: Path | None = None, datadir: Path | None = None,
                   core: Core | None = None, taggers: int = 0) -> Pipeline:
    """The pipeline of one worker; ``taggers`` > 0 tags in that many separate processes."""
    from deploy.provision import ensure_topics

    ensure_topics(settings)  # the public topics; Faust declares its internal ones itself
    pool = TagPool(taggers, rules_path) if taggers > 0 else None
    return Pipeline(settings, core or Core.load(rules_path), datadir=datadir, pool=pool)


def run_worker(settings: Settings, *, rules_path: Path | None = None, datadir: Path | None = None,
               taggers: int = 0) -> int:
    """Blocks until the worker stops (SIGTERM/SIGINT stop it cleanly); returns its exit code."""
    from deploy.metrics import serve

    serve(settings, "worker")
    pipeline = build_pipeline(settings, rules_path=rules_path, datadir=datadir, taggers=taggers)
    gc.freeze()  # the tagger, catalogue and rules live as long as the process: no collection scans them again
    worker = faust.Worker(pipeline.app, loglevel=settings.log_level, quiet=True, override_logging=False,
                          redirect_stdouts=False)
    log.info("worker %s starting on %s (%s)", settings.names.processor_app, settings.kafka_bootstrap,
             f"{taggers} tagging processes" if taggers else "tagging in-process")
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        if pipeline.pool is not None:
            pipeline.pool.close()
    return 0
