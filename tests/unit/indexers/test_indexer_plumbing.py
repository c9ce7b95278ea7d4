import json
import ssl
import sys

from faultline.indexing.documents import IndexAction
from faultline.settings import Settings
from indexers.clients import aiokafka_options
from indexers.writer import encode


def test_an_operation_is_two_ndjson_lines_keeping_non_ascii_text():
    action = IndexAction(kind="alerts", index="t1-alerts-v1-2025.02", id="al-1",
                         source={"title": "ضربة في جرف الصخر"}, version=4)
    header, body, end = encode(action).split(b"\n")
    assert end == b""
    assert json.loads(header) == {"index": {"_index": "t1-alerts-v1-2025.02", "_id": "al-1", "version": 4,
                                            "version_type": "external_gte"}}
    assert json.loads(body)["title"] == "ضربة في جرف الصخر"
    assert "ضربة".encode() in body


def test_aiokafka_gets_sasl_options_as_they_are_and_ssl_files_as_a_context():
    plain = aiokafka_options(Settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_mechanism="PLAIN",
                                      kafka_sasl_username="u", kafka_sasl_password="p"))
    assert plain == {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "PLAIN",
                     "sasl_plain_username": "u", "sasl_plain_password": "p"}
    tls = aiokafka_options(Settings(kafka_security_protocol="SSL"))
    assert isinstance(tls["ssl_context"], ssl.SSLContext)
    assert not any(k.startswith("ssl_") and k != "ssl_context" for k in tls)


def test_python_m_indexers_runs_the_index_verb(monkeypatch):
    import runpy

    seen = {}
    monkeypatch.setattr("faultline.cli.main.main", lambda argv: seen.setdefault("argv", argv) and 0)
    monkeypatch.setattr(sys, "argv", ["indexers", "--batch-size", "10"])
    try:
        runpy.run_module("indexers", run_name="__main__")
    except SystemExit:
        pass
    assert seen["argv"] == ["index", "--batch-size", "10"]
