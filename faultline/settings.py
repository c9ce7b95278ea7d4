"""Typed settings, read once at the entry point from ``FAULTLINE_*`` environment variables.

Secrets are ``SecretStr``: they print as ``**********`` and are only revealed where a client is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from faultline.names import DEFAULT_NAMESPACE, Names

DEFAULT_KAFKA_BOOTSTRAP = "127.0.0.1:9092"
DEFAULT_ES_URL = "http://127.0.0.1:9200"


def default_home() -> Path:
    return Path.home() / ".cache" / "faultline"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAULTLINE_", extra="ignore", validate_default=True)

    namespace: str = DEFAULT_NAMESPACE
    home: Path = Field(default_factory=default_home)
    dist_dir: Path | None = None  # cached Kafka/Elasticsearch downloads; default: $FAULTLINE_HOME/dist

    # Kafka
    kafka_bootstrap: str = DEFAULT_KAFKA_BOOTSTRAP
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: Path | None = None
    kafka_ssl_certfile: Path | None = None
    kafka_ssl_keyfile: Path | None = None
    kafka_ssl_key_password: SecretStr | None = None
    topic_partitions: int = Field(default=4, ge=1, le=1000)
    topic_replication: int = Field(default=1, ge=1, le=10)

    # Elasticsearch
    es_url: str = DEFAULT_ES_URL
    es_api_key: SecretStr | None = None
    es_username: str | None = None
    es_password: SecretStr | None = None
    es_ca_certs: Path | None = None
    es_verify_certs: bool = True
    es_shards: int = Field(default=1, ge=1, le=100)
    es_replicas: int = Field(default=0, ge=0, le=10)
    es_request_timeout: float = Field(default=30.0, gt=0)

    # Feeds
    feeds_allow_private: bool = False

    # Prometheus metrics: each long-running service serves /metrics on this port (0 = off)
    metrics_port: int = Field(default=0, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"  # 0.0.0.0 in containers, so Prometheus can scrape

    # Logging
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    json_logs: bool = False

    @field_validator("kafka_bootstrap")
    @classmethod
    def _bootstrap_not_empty(cls, v: str) -> str:
        servers = [s.strip() for s in v.split(",") if s.strip()]
        if not servers:
            raise ValueError("FAULTLINE_KAFKA_BOOTSTRAP must name at least one host:port")
        for s in servers:
            host, _, port = s.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"FAULTLINE_KAFKA_BOOTSTRAP entry {s!r} is not host:port")
        return ",".join(servers)

    @field_validator("es_url")
    @classmethod
    def _es_url_scheme(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("FAULTLINE_ES_URL must start with http:// or https://")
        return v.rstrip("/")

    @property
    def names(self) -> Names:
        return Names(self.namespace)

    @property
    def bootstrap_servers(self) -> list[str]:
        return self.kafka_bootstrap.split(",")

    def kafka_is_default(self) -> bool:
        """True when no external Kafka is configured, so the local stack serves it."""
        return self.kafka_bootstrap == DEFAULT_KAFKA_BOOTSTRAP

    def es_is_default(self) -> bool:
        return self.es_url == DEFAULT_ES_URL

    def kafka_client_options(self) -> dict[str, object]:
        """Security options in kafka-python's spelling (aiokafka uses the same names)."""
        opts: dict[str, object] = {"security_protocol": self.kafka_security_protocol}
        if self.kafka_sasl_mechanism:
            opts["sasl_mechanism"] = self.kafka_sasl_mechanism
            opts["sasl_plain_username"] = self.kafka_sasl_username
            opts["sasl_plain_password"] = (
                self.kafka_sasl_password.get_secret_value() if self.kafka_sasl_password else None
            )
        if self.kafka_security_protocol in ("SSL", "SASL_SSL"):
            if self.kafka_ssl_cafile:
                opts["ssl_cafile"] = str(self.kafka_ssl_cafile)
            if self.kafka_ssl_certfile:
                opts["ssl_certfile"] = str(self.kafka_ssl_certfile)
            if self.kafka_ssl_keyfile:
                opts["ssl_keyfile"] = str(self.kafka_ssl_keyfile)
            if self.kafka_ssl_key_password:
                opts["ssl_password"] = self.kafka_ssl_key_password.get_secret_value()
        return opts

    def es_client_options(self) -> dict[str, object]:
        """Keyword arguments for ``elasticsearch.Elasticsearch`` / ``AsyncElasticsearch``."""
        opts: dict[str, object] = {"hosts": [self.es_url], "request_timeout": self.es_request_timeout}
        if self.es_api_key:
            opts["api_key"] = self.es_api_key.get_secret_value()
        elif self.es_username:
            opts["basic_auth"] = (
                self.es_username,
                self.es_password.get_secret_value() if self.es_password else "",
            )
        if self.es_url.startswith("https://"):
            opts["verify_certs"] = self.es_verify_certs
            if self.es_ca_certs:
                opts["ca_certs"] = str(self.es_ca_certs)
        return opts


def load_settings(**overrides: object) -> Settings:
    """Parse the environment once; entry points pass the result down."""
    return Settings(**overrides)  # type: ignore[arg-type]
