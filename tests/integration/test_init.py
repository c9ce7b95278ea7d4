"""`faultline init` against the real services: topics with their configs, templates in effect, idempotent."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from faultline.names import INDEX_KINDS

pytestmark = [pytest.mark.integration]


def run_cli(settings, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, FAULTLINE_NAMESPACE=settings.namespace,
               FAULTLINE_KAFKA_BOOTSTRAP=settings.kafka_bootstrap, FAULTLINE_ES_URL=settings.es_url)
    return subprocess.run([sys.executable, "-m", "faultline.cli.main", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def test_init_creates_topics_with_their_configs_and_is_idempotent(settings, cleanup_namespace):
    from kafka import KafkaAdminClient
    from kafka.admin import ConfigResource, ConfigResourceType

    first = run_cli(settings, "init", "--kafka-only", "--json")
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    names = settings.names
    assert set(report["kafka"]["topics"]) == {t.name for t in names.topics()}
    assert set(report["kafka"]["topics"].values()) == {"created"}

    second = run_cli(settings, "init", "--kafka-only", "--json")
    assert second.returncode == 0, second.stderr
    assert set(json.loads(second.stdout)["kafka"]["topics"].values()) == {"exists"}

    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    try:
        meta = {t["topic"]: t for t in admin.describe_topics([t.name for t in names.topics()])}
        assert all(len(m["partitions"]) == settings.topic_partitions for m in meta.values())
        res = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, names.subscriptions)])
        configs = {c[0]: c[1] for c in res[0].resources[0][4]}
        assert configs["cleanup.policy"] == "compact"
    finally:
        admin.close()


def test_init_installs_templates_that_take_effect(settings, es, cleanup_namespace):
    result = run_cli(settings, "init", "--es-only")
    assert result.returncode == 0, result.stderr
    names = settings.names
    for kind in INDEX_KINDS:
        assert es.indices.exists_index_template(name=names.template(kind)), kind
        assert es.indices.exists_alias(name=names.read_alias(kind)), kind
        assert es.indices.exists_alias(name=names.write_alias(kind)), kind
    # A document written through the write alias is mapped by the template, not by dynamic guessing.
    es.index(index=names.write_alias("events"), id="e1", refresh=True,
             document={"type": "ASSAULT", "published": "2026-02-21T03:00:00Z"})
    mapping = es.indices.get_mapping(index=names.read_alias("events"))
    props = next(iter(mapping.values()))["mappings"]["properties"]
    assert props["type"]["type"] == "keyword"
    assert props["published"]["type"] == "date"
    again = run_cli(settings, "init", "--es-only")
    assert again.returncode == 0, again.stderr


def test_init_reports_an_unreachable_kafka_clearly(settings):
    bad = settings.model_copy(update={"kafka_bootstrap": "127.0.0.1:1"})
    result = run_cli(bad, "init", "--kafka-only", timeout=120)
    assert result.returncode == 4
    assert "cannot reach Kafka at 127.0.0.1:1" in result.stderr
