"""Kafka is real: produce and consume with kafka-python, and a Faust agent on the same broker."""

from __future__ import annotations

import uuid

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


def test_produce_and_consume_with_kafka_python(kafka_bootstrap, names):
    from kafka import KafkaConsumer, KafkaProducer

    topic = names.raw_articles
    sent = {f"k{i}": f"value {i} {uuid.uuid4()}".encode() for i in range(20)}
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", linger_ms=5)
    for key, value in sent.items():
        producer.send(topic, key=key.encode(), value=value)
    producer.flush(timeout=30)
    producer.close()

    consumer = KafkaConsumer(topic, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest",
                             group_id=f"{names.namespace}-smoke", consumer_timeout_ms=15000)
    got = {}
    for msg in consumer:
        got[msg.key.decode()] = msg.value
        if len(got) == len(sent):
            break
    consumer.close()
    assert got == sent


FAUST_APP = """
import faust, os
app = faust.App(os.environ["SMOKE_APP"], broker="kafka://" + os.environ["SMOKE_BOOTSTRAP"],
                datadir=os.environ["SMOKE_DATADIR"], web_enabled=False, store="memory://",
                topic_partitions=1)
source = app.topic(os.environ["SMOKE_IN"], value_serializer="raw")
sink = app.topic(os.environ["SMOKE_OUT"], value_serializer="raw")

@app.agent(source)
async def upper(stream):
    async for value in stream:
        await sink.send(value=value.upper())
"""


def test_a_faust_worker_consumes_from_the_real_broker(kafka_bootstrap, names, tmp_path):
    """A real `faust worker` process reads one topic and writes another on the same broker."""
    import os
    import subprocess
    import sys
    import time

    from kafka import KafkaConsumer, KafkaProducer
    from kafka.admin import KafkaAdminClient, NewTopic

    topic_in, topic_out = names.raw_articles, names.tagged_articles
    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    admin.create_topics([NewTopic(topic_in, 1, 1), NewTopic(topic_out, 1, 1)])
    admin.close()
    (tmp_path / "smokeapp.py").write_text(FAUST_APP)
    env = dict(os.environ, SMOKE_APP=f"{names.namespace}-smoke", SMOKE_BOOTSTRAP=kafka_bootstrap,
               SMOKE_DATADIR=str(tmp_path / "data"), SMOKE_IN=topic_in, SMOKE_OUT=topic_out,
               PYTHONPATH=str(tmp_path))
    worker = subprocess.Popen([sys.executable, "-m", "faust", "-A", "smokeapp", "worker", "-l", "warn"],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        expected = [f"msg-{i}".encode() for i in range(5)]
        for value in expected:
            producer.send(topic_in, value=value)
        producer.flush(timeout=30)
        producer.close()
        consumer = KafkaConsumer(topic_out, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest")
        got = []
        deadline = time.monotonic() + 90
        while len(got) < len(expected) and time.monotonic() < deadline and worker.poll() is None:
            for records in consumer.poll(timeout_ms=1000).values():
                got += [r.value for r in records]
        consumer.close()
    finally:
        worker.terminate()
        try:
            out, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            out, _ = worker.communicate()
    assert got == [v.upper() for v in expected], out.decode(errors="replace")[-3000:]
