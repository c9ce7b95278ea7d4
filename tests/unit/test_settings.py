import pytest
from pydantic import ValidationError

from faultline.settings import Settings


def test_defaults_point_at_the_local_stack(monkeypatch, tmp_path):
    for var in ("FAULTLINE_KAFKA_BOOTSTRAP", "FAULTLINE_ES_URL", "FAULTLINE_NAMESPACE"):
        monkeypatch.delenv(var, raising=False)
    s = Settings()
    assert s.kafka_bootstrap == "127.0.0.1:9092" and s.kafka_is_default()
    assert s.es_url == "http://127.0.0.1:9200" and s.es_is_default()
    assert s.names.raw_articles == "faultline.articles.raw"


def test_environment_overrides_with_the_faultline_prefix(monkeypatch, tmp_path):
    monkeypatch.setenv("FAULTLINE_KAFKA_BOOTSTRAP", "k1:9093, k2:9093")
    monkeypatch.setenv("FAULTLINE_ES_URL", "https://es.example:9243/")
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path))
    monkeypatch.setenv("FAULTLINE_NAMESPACE", "prod")
    s = Settings()
    assert s.bootstrap_servers == ["k1:9093", "k2:9093"] and not s.kafka_is_default()
    assert s.es_url == "https://es.example:9243"
    assert s.home == tmp_path
    assert s.names.alerts == "prod.alerts"


def test_secrets_are_never_shown(monkeypatch):
    monkeypatch.setenv("FAULTLINE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("FAULTLINE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("FAULTLINE_KAFKA_SASL_USERNAME", "svc")
    monkeypatch.setenv("FAULTLINE_KAFKA_SASL_PASSWORD", "hunter2-kafka")
    monkeypatch.setenv("FAULTLINE_ES_API_KEY", "hunter2-es")
    s = Settings()
    shown = repr(s) + str(s) + s.model_dump_json()
    assert "hunter2" not in shown
    assert s.kafka_client_options()["sasl_plain_password"] == "hunter2-kafka"
    assert s.es_client_options()["api_key"] == "hunter2-es"


def test_basic_auth_and_tls_options_for_elasticsearch(monkeypatch, tmp_path):
    monkeypatch.setenv("FAULTLINE_ES_URL", "https://es:9200")
    monkeypatch.setenv("FAULTLINE_ES_USERNAME", "elastic")
    monkeypatch.setenv("FAULTLINE_ES_PASSWORD", "pw")
    monkeypatch.setenv("FAULTLINE_ES_CA_CERTS", str(tmp_path / "ca.pem"))
    opts = Settings().es_client_options()
    assert opts["basic_auth"] == ("elastic", "pw")
    assert opts["ca_certs"] == str(tmp_path / "ca.pem") and opts["verify_certs"] is True


@pytest.mark.parametrize("var,value", [
    ("FAULTLINE_KAFKA_BOOTSTRAP", "nohostport"),
    ("FAULTLINE_KAFKA_BOOTSTRAP", " , "),
    ("FAULTLINE_ES_URL", "127.0.0.1:9200"),
    ("FAULTLINE_TOPIC_PARTITIONS", "0"),
    ("FAULTLINE_KAFKA_SECURITY_PROTOCOL", "TLS"),
])
def test_bad_settings_are_refused_with_the_variable_named(monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    with pytest.raises(ValidationError) as exc:
        Settings()
    assert var.removeprefix("FAULTLINE_").lower() in str(exc.value)
