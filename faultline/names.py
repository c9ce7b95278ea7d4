"""Every Kafka topic, consumer group, Elasticsearch alias, index and template name, defined once.

Operators and scripts depend on these names; change them only with a migration note in the README.
A ``namespace`` (``FAULTLINE_NAMESPACE``, default ``faultline``) prefixes them all, so tests and
parallel deployments sharing one cluster never collide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

DEFAULT_NAMESPACE = "faultline"

_NAMESPACE_RE = re.compile(r"^[a-z][a-z0-9_-]{0,48}$")
_SUBSCRIPTION_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

# Kinds of documents kept in Elasticsearch; each has one template, one read alias, one write alias.
INDEX_KINDS = ("articles", "events", "alerts")


class InvalidName(ValueError):
    """A namespace or subscription name that cannot be used in Kafka or Elasticsearch names."""


def check_subscription_name(name: str) -> str:
    """Subscription names become topic names: lower-case letters, digits, '-' and '_' only."""
    if not _SUBSCRIPTION_RE.match(name or ""):
        raise InvalidName(
            f"invalid subscription name {name!r}: use 1-64 lower-case letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return name


@dataclass(frozen=True)
class TopicSpec:
    name: str
    compacted: bool = False
    retention_ms: int | None = None  # None: broker default

    def config(self) -> dict[str, str]:
        cfg: dict[str, str] = {}
        if self.compacted:
            cfg["cleanup.policy"] = "compact"
        if self.retention_ms is not None:
            cfg["retention.ms"] = str(self.retention_ms)
        return cfg


@dataclass(frozen=True)
class Names:
    namespace: str = DEFAULT_NAMESPACE

    def __post_init__(self) -> None:
        if not _NAMESPACE_RE.match(self.namespace):
            raise InvalidName(
                f"invalid namespace {self.namespace!r}: lower-case letter first, then letters, digits, '-' or '_'"
            )

    # ---- Kafka topics -------------------------------------------------------------------------
    @property
    def raw_articles(self) -> str:
        return f"{self.namespace}.articles.raw"

    @property
    def tagged_articles(self) -> str:
        return f"{self.namespace}.articles.tagged"

    @property
    def events(self) -> str:
        return f"{self.namespace}.events"

    @property
    def alerts(self) -> str:
        return f"{self.namespace}.alerts"

    def subscription_alerts(self, subscription: str) -> str:
        return f"{self.namespace}.alerts.{check_subscription_name(subscription)}"

    @property
    def subscriptions(self) -> str:
        return f"{self.namespace}.subscriptions"

    @property
    def dlq(self) -> str:
        return f"{self.namespace}.dlq"

    @property
    def producer_seen(self) -> str:
        """Compacted topic holding the producers' seen-state (article ids acknowledged by the broker)."""
        return f"{self.namespace}.producer.seen"

    def topics(self) -> list[TopicSpec]:
        """The topics `faultline init` creates (subscription topics are created on demand)."""
        return [
            TopicSpec(self.raw_articles),
            TopicSpec(self.tagged_articles),
            TopicSpec(self.events),
            TopicSpec(self.alerts),
            TopicSpec(self.subscriptions, compacted=True),
            TopicSpec(self.dlq),
            TopicSpec(self.producer_seen, compacted=True),
        ]

    # ---- Kafka consumer groups and apps ---------------------------------------------------------
    @property
    def processor_app(self) -> str:
        """Faust application id (also the prefix of its changelog and repartition topics)."""
        return f"{self.namespace}-processor"

    @property
    def indexer_group(self) -> str:
        return f"{self.namespace}-indexer"

    # ---- Elasticsearch ------------------------------------------------------------------------
    def read_alias(self, kind: str) -> str:
        """What users and Kibana search: ``faultline-articles``, ``faultline-events``, ``faultline-alerts``."""
        return f"{self.namespace}-{_kind(kind)}"

    def write_alias(self, kind: str) -> str:
        return f"{self.namespace}-{_kind(kind)}-write"

    def template(self, kind: str) -> str:
        return f"{self.namespace}-{_kind(kind)}"

    def component_template(self, kind: str, version: int, part: str) -> str:
        """A building block of one template version: ``faultline-articles-v1@mappings``, ``...@settings``."""
        return f"{self.index_prefix(kind, version)}@{part}"

    def index_prefix(self, kind: str, version: int) -> str:
        return f"{self.namespace}-{_kind(kind)}-v{version}"

    def index_pattern(self, kind: str, version: int) -> str:
        return f"{self.index_prefix(kind, version)}-*"

    def index(self, kind: str, version: int, when: datetime) -> str:
        """The monthly index a document dated ``when`` belongs to."""
        return f"{self.index_prefix(kind, version)}-{when:%Y.%m}"

    @property
    def articles_alias(self) -> str:
        return self.read_alias("articles")

    @property
    def events_alias(self) -> str:
        return self.read_alias("events")

    @property
    def alerts_alias(self) -> str:
        return self.read_alias("alerts")


def _kind(kind: str) -> str:
    if kind not in INDEX_KINDS:
        raise InvalidName(f"unknown index kind {kind!r}; expected one of {INDEX_KINDS}")
    return kind
