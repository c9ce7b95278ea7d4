"""Prometheus metrics shared by the producer, the worker and the indexer.

Each service calls ``serve(settings, service)`` once at start; with ``FAULTLINE_METRICS_PORT`` unset (0) it
serves nothing. Metric names are defined here once; the ``service`` label tells the stages apart.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from faultline.settings import Settings

log = logging.getLogger(__name__)

RECORDS_IN = Counter("faultline_records_in_total", "Records consumed or fetched", ["service", "topic"])
RECORDS_OUT = Counter("faultline_records_out_total", "Records produced or indexed", ["service", "topic"])
ERRORS = Counter("faultline_errors_total", "Errors by kind (dead letters, retries, failures)", ["service", "kind"])
LAG = Gauge("faultline_consumer_lag", "Messages not yet processed", ["service", "topic"])
BATCH_SECONDS = Histogram("faultline_batch_seconds", "Time to process one batch or poll", ["service"],
                          buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
ALERTS = Counter("faultline_alerts_total", "Alerts emitted (each revision)", ["severity"])

_served: set[int] = set()


def serve(settings: Settings, service: str) -> int | None:
    """Start the /metrics endpoint for this process; returns the port, or None when metrics are off."""
    port = settings.metrics_port
    if not port or port in _served:
        return port or None
    start_http_server(port, addr=settings.metrics_host)
    _served.add(port)
    log.info("%s: Prometheus metrics on http://%s:%d/metrics", service, settings.metrics_host, port)
    return port
