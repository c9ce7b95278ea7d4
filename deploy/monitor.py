"""Read the pipeline's state from Kafka and Elasticsearch: topic sizes, consumer lag, counts, new alerts."""

from __future__ import annotations

import logging

from faultline.schema import Alert
from faultline.settings import Settings

log = logging.getLogger(__name__)


class KafkaMonitor:
    def __init__(self, settings: Settings):
        from kafka import KafkaAdminClient, KafkaConsumer

        self.settings = settings
        self.names = settings.names
        opts = dict(bootstrap_servers=settings.bootstrap_servers, **settings.kafka_client_options())
        self.admin = KafkaAdminClient(client_id="faultline-monitor", **opts)
        self.offsets = KafkaConsumer(client_id="faultline-monitor", enable_auto_commit=False, **opts)
        self.alert_reader = KafkaConsumer(client_id="faultline-monitor-alerts", enable_auto_commit=False,
                                          auto_offset_reset="earliest", **opts)
        self._alerts_assigned = False

    def _partitions(self, topic: str):
        from kafka import TopicPartition

        parts = self.offsets.partitions_for_topic(topic) or set()
        return [TopicPartition(topic, p) for p in sorted(parts)]

    def end_offsets(self, topic: str) -> int:
        """Messages ever appended to a topic (sum of end offsets)."""
        tps = self._partitions(topic)
        return sum(self.offsets.end_offsets(tps).values()) if tps else 0

    def lag(self, group: str, topics: list[str]) -> int | None:
        """Messages on ``topics`` the group has not committed; None when it committed nothing yet."""
        committed = self.admin.list_consumer_group_offsets(group)
        tps = [tp for t in topics for tp in self._partitions(t)]
        if not tps:
            return 0
        ends = self.offsets.end_offsets(tps)
        if not any(tp in committed for tp in tps):
            return None if sum(ends.values()) else 0
        return sum(max(0, ends[tp] - (committed[tp].offset if tp in committed else 0)) for tp in tps)

    def stage_lags(self) -> dict[str, int | None]:
        n = self.names
        return {
            "worker": self.lag(n.processor_app, [n.raw_articles]),
            "indexer": self.lag(n.indexer_group, [n.tagged_articles, n.events, n.alerts]),
        }

    def new_alerts(self, max_records: int = 500) -> list[Alert]:
        """Alerts appended since the last call (all of them the first time)."""
        if not self._alerts_assigned:
            tps = self._partitions(self.names.alerts)
            if not tps:
                return []
            self.alert_reader.assign(tps)
            self.alert_reader.seek_to_beginning(*tps)
            self._alerts_assigned = True
        out: list[Alert] = []
        for records in self.alert_reader.poll(timeout_ms=200, max_records=max_records).values():
            for rec in records:
                try:
                    out.append(Alert.from_json(rec.value))
                except Exception as exc:  # noqa: BLE001 - the view shows what it can read
                    log.debug("unreadable alert at offset %s: %s", rec.offset, exc)
        return out

    def close(self) -> None:
        for c in (self.alert_reader, self.offsets, self.admin):
            try:
                c.close()
            except Exception:  # noqa: BLE001
                pass


class ElasticMonitor:
    def __init__(self, settings: Settings):
        from elasticsearch import Elasticsearch

        self.names = settings.names
        self.client = Elasticsearch(**settings.es_client_options())

    def counts(self) -> dict[str, int]:
        out = {}
        for kind in ("articles", "events", "alerts"):
            try:
                out[kind] = self.client.count(index=self.names.read_alias(kind))["count"]
            except Exception:  # noqa: BLE001 - not created yet
                out[kind] = 0
        return out

    def refresh(self) -> None:
        self.client.options(ignore_status=[404]).indices.refresh(
            index=",".join(self.names.read_alias(k) for k in ("articles", "events", "alerts")))

    def terms(self, kind: str, field: str, size: int = 20) -> dict[str, int]:
        resp = self.client.search(index=self.names.read_alias(kind), size=0,
                                  aggs={"t": {"terms": {"field": field, "size": size}}})
        return {b["key"]: b["doc_count"] for b in resp["aggregations"]["t"]["buckets"]}

    def close(self) -> None:
        self.client.close()
