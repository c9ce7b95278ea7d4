"""Settings -> Kafka client options for Faust and aiokafka (security included), and the outbox agents send through."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Awaitable
from typing import Any, Protocol

import faust

from faultline.schema import HEADER_RECORD_TYPE, HEADER_SCHEMA_VERSION, SCHEMA_VERSION
from faultline.settings import Settings

log = logging.getLogger(__name__)


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    if settings.kafka_security_protocol not in ("SSL", "SASL_SSL"):
        return None
    from aiokafka.helpers import create_ssl_context

    return create_ssl_context(
        cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None,
        certfile=str(settings.kafka_ssl_certfile) if settings.kafka_ssl_certfile else None,
        keyfile=str(settings.kafka_ssl_keyfile) if settings.kafka_ssl_keyfile else None,
        password=settings.kafka_ssl_key_password.get_secret_value() if settings.kafka_ssl_key_password else None,
    )


def faust_credentials(settings: Settings) -> Any:
    """Faust's ``broker_credentials`` for the configured security protocol (None for PLAINTEXT)."""
    context = ssl_context(settings)
    if settings.kafka_sasl_mechanism:
        return faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else None,
            mechanism=settings.kafka_sasl_mechanism,
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def aiokafka_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for aiokafka clients (same names as kafka-python, SSL as a context)."""
    opts: dict[str, Any] = {"bootstrap_servers": settings.bootstrap_servers,
                            "security_protocol": settings.kafka_security_protocol}
    if settings.kafka_sasl_mechanism:
        opts["sasl_mechanism"] = settings.kafka_sasl_mechanism
        opts["sasl_plain_username"] = settings.kafka_sasl_username
        opts["sasl_plain_password"] = (
            settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else None
        )
    context = ssl_context(settings)
    if context is not None:
        opts["ssl_context"] = context
    return opts


def headers(record_type: str) -> list[tuple[str, bytes]]:
    return [(HEADER_SCHEMA_VERSION, str(SCHEMA_VERSION).encode()), (HEADER_RECORD_TYPE, record_type.encode())]


class Outbox(Protocol):
    async def send(self, topic: str, key: str | None, value: bytes, record_type: str, *,
                   wait: bool = False) -> Awaitable[Any]:
        """Hand the record to the producer; the returned awaitable completes once the broker has it
        (``wait=True``: before returning)."""
        ...


class FaustOutbox:
    """Sends through the Faust app's producer (the one its changelogs use, flushed before every offset
    commit). ``wait=True`` returns only once the broker has the record."""

    def __init__(self, app: faust.App) -> None:
        self.app = app

    async def send(self, topic: str, key: str | None, value: bytes, record_type: str, *,
                   wait: bool = False) -> Awaitable[Any]:
        producer = await self.app.maybe_start_producer()
        fut = await producer.send(topic, key.encode("utf-8") if key is not None else None, value,
                                  partition=None, timestamp=None, headers=headers(record_type))
        if wait:
            await fut
        return fut
