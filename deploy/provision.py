"""Create what Faultline needs on a cluster, idempotently: Kafka topics and Elasticsearch templates/aliases.

Used by ``faultline init`` against any configured cluster, local or remote.
"""

from __future__ import annotations

import logging

from faultline.errors import ServiceError
from faultline.names import TopicSpec
from faultline.settings import Settings

log = logging.getLogger(__name__)


def ensure_topics(settings: Settings, specs: list[TopicSpec] | None = None) -> dict[str, str]:
    """Create missing topics with the configured partitions and replication; report each as created/exists."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    from kafka.errors import KafkaError, TopicAlreadyExistsError

    specs = specs if specs is not None else settings.names.topics()
    try:
        admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, client_id="faultline-init",
                                 request_timeout_ms=30000, **settings.kafka_client_options())
    except KafkaError as exc:
        raise ServiceError(f"cannot reach Kafka at {settings.kafka_bootstrap}: {exc}") from exc
    report: dict[str, str] = {}
    try:
        existing = set(admin.list_topics())
        new = [
            NewTopic(name=s.name, num_partitions=settings.topic_partitions,
                     replication_factor=settings.topic_replication, topic_configs=s.config())
            for s in specs if s.name not in existing
        ]
        for s in specs:
            report[s.name] = "exists" if s.name in existing else "created"
        if new:
            try:
                admin.create_topics(new, validate_only=False)
            except TopicAlreadyExistsError:  # a concurrent init won the race: fine
                pass
            except KafkaError as exc:
                raise ServiceError(f"cannot create topics on {settings.kafka_bootstrap}: {exc}") from exc
    finally:
        admin.close()
    return report


def ensure_elasticsearch(settings: Settings) -> dict:
    """Install or upgrade the index templates, indices and aliases (see indexers.setup)."""
    from indexers.setup import install

    return install(settings)
