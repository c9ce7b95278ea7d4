"""Client construction from Settings: Elasticsearch (sync and async) and aiokafka options."""

from __future__ import annotations

from typing import Any

from faultline.settings import Settings


def es_client(settings: Settings):
    from elasticsearch import Elasticsearch

    return Elasticsearch(**settings.es_client_options())


def async_es_client(settings: Settings, **overrides: Any):
    from elasticsearch import AsyncElasticsearch

    return AsyncElasticsearch(**{**settings.es_client_options(), **overrides})


def aiokafka_options(settings: Settings) -> dict[str, Any]:
    """Security options in aiokafka's spelling: SSL files become one ``ssl_context``."""
    opts = dict(settings.kafka_client_options())
    files = {k: opts.pop(k) for k in ("ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_password") if k in opts}
    if settings.kafka_security_protocol in ("SSL", "SASL_SSL"):
        from aiokafka.helpers import create_ssl_context

        opts["ssl_context"] = create_ssl_context(
            cafile=files.get("ssl_cafile"), certfile=files.get("ssl_certfile"),
            keyfile=files.get("ssl_keyfile"), password=files.get("ssl_password"),
        )
    return opts
