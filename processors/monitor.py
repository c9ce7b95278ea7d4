"""A Faust monitor that keeps no per-record statistics.

Faust's default :class:`faust.sensors.Monitor` updates counters, timings and dictionaries for every
message received, every event a stream processes, every record sent and every table read or write,
for its web views and ``app.monitor`` statistics. The worker publishes its own Prometheus metrics
(deploy.metrics) and runs without Faust's web server, so this monitor skips that per-record
bookkeeping. It still records when each partition last delivered an event to a stream, which Faust's
"slow processing" diagnostics read, and keeps the default behaviour for rare events (commits,
rebalances, assignments).
"""

from __future__ import annotations

from time import monotonic
from typing import Any

from faust.sensors import Monitor


class LeanMonitor(Monitor):
    def on_message_in(self, tp: Any, offset: int, message: Any) -> None:
        return None

    def on_stream_event_in(self, tp: Any, offset: int, stream: Any, event: Any) -> None:
        self.stream_inbound_time[tp] = monotonic()
        return None

    def on_stream_event_out(self, tp: Any, offset: int, stream: Any, event: Any, state: Any = None) -> None:
        return None

    def on_message_out(self, tp: Any, offset: int, message: Any) -> None:
        return None

    def on_table_get(self, table: Any, key: Any) -> None:
        return None

    def on_table_set(self, table: Any, key: Any, value: Any) -> None:
        return None

    def on_table_del(self, table: Any, key: Any) -> None:
        return None

    def on_send_initiated(self, producer: Any, topic: str, message: Any, keysize: int, valsize: int) -> None:
        return None

    def on_send_completed(self, producer: Any, state: Any, metadata: Any) -> None:
        return None

    def track_tp_end_offset(self, tp: Any, offset: int) -> None:
        return None
