"""The local stack's process handling, without starting Kafka or Elasticsearch."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from deploy.local import stack as st
from faultline.errors import ConfigError
from faultline.settings import Settings


@pytest.fixture
def settings(tmp_path):
    return Settings(home=tmp_path, kafka_bootstrap="127.0.0.1:19092", es_url="http://127.0.0.1:19200")


def test_stale_pid_file_is_cleaned(settings):
    svc = st.KafkaService(settings)
    svc.home.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    svc.pid_file.write_text(str(dead.pid))
    assert svc.pid() is None
    svc.clear_stale_pid()
    assert not svc.pid_file.exists()


def test_garbage_pid_file_counts_as_not_running(settings):
    svc = st.ElasticsearchService(settings)
    svc.home.mkdir(parents=True)
    svc.pid_file.write_text("not a pid")
    assert svc.pid() is None


def test_stop_ends_the_whole_process_group(settings):
    svc = st.KafkaService(settings)
    pid = svc.spawn([sys.executable, "-c", "import subprocess,sys,time;"
                     "subprocess.Popen([sys.executable,'-c','import time; time.sleep(60)']); time.sleep(60)"],
                    env={}, cwd=settings.home)
    assert svc.pid() == pid
    assert svc.stop(timeout=10) is True
    assert svc.pid() is None and not svc.pid_file.exists()
    out = subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True)
    assert out.stdout.strip() == "", "a child of the service outlived stop()"
    assert svc.stop() is False


def test_a_taken_port_is_reported_with_the_port(settings):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    try:
        svc = st.KafkaService(settings.model_copy(update={"kafka_bootstrap": f"127.0.0.1:{port}"}))
        with pytest.raises(st.StackError, match=f"port {port}.*taken"):
            svc.check_ports_free()
    finally:
        sock.close()


def test_the_local_stack_refuses_remote_endpoints(tmp_path):
    with pytest.raises(ConfigError, match="only runs on 127.0.0.1"):
        st.KafkaService(Settings(home=tmp_path, kafka_bootstrap="kafka.example:9092"))


def test_missing_java_is_an_actionable_error(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(st.StackError, match="Java 17"):
        st.check_java()


def test_old_java_is_refused(monkeypatch, tmp_path):
    fake = tmp_path / "java"
    fake.write_text('#!/bin/sh\necho \'openjdk version "11.0.2" 2019-01-15\' >&2\n')
    fake.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path.parent / "nojdk"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(st.StackError, match="Java 11"):
        st.check_java()


def test_missing_maven_is_an_actionable_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(st.StackError, match="Maven"):
        st.check_maven()


def test_kafka_config_uses_kraft_on_loopback(settings):
    svc = st.KafkaService(settings)
    props, _ = svc.configure()
    text = props.read_text()
    assert "process.roles=broker,controller" in text
    assert "listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093" in text
    assert f"log.dirs={svc.home / 'data'}" in text


def test_cluster_ids_never_start_with_a_dash(monkeypatch):
    """The storage tool reads an id starting with "-" as an option; one random id in 64 would."""
    dashed = st.uuid.UUID(bytes=bytes([0xFB]) + bytes(15))  # base64 "-wAA..."
    plain = st.uuid.UUID(bytes=bytes(16))
    draws = iter([dashed, plain])
    monkeypatch.setattr(st.uuid, "uuid4", lambda: next(draws))
    cluster_id = st.new_cluster_id()
    assert cluster_id == "AAAAAAAAAAAAAAAAAAAAAA"
    assert len(cluster_id) == 22
