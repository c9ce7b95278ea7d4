"""kafka-python, the producer's only door to the broker: client construction, topic checks, and sends
that an asyncio caller can await until the broker acknowledges them."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from faultline.errors import ConfigError, ServiceError
from faultline.feeds.config import PublishOptions
from faultline.feeds.wire import Message
from faultline.settings import Settings

log = logging.getLogger(__name__)


def build_producer(settings: Settings, options: PublishOptions, client_id: str = "faultline-producer"):
    """An idempotent producer (acks=all, in-order retries, so a retried batch is never written twice)."""
    from kafka import KafkaProducer
    from kafka.errors import KafkaError

    try:
        return KafkaProducer(
            bootstrap_servers=settings.bootstrap_servers, client_id=client_id,
            acks="all", enable_idempotence=True,
            compression_type=None if options.compression == "none" else options.compression,
            linger_ms=options.linger_ms, delivery_timeout_ms=options.delivery_timeout_ms,
            request_timeout_ms=min(30_000, options.delivery_timeout_ms - options.linger_ms),
            max_block_ms=options.delivery_timeout_ms,
            **settings.kafka_client_options(),
        )
    except KafkaError as exc:
        raise ServiceError(f"cannot reach Kafka at {settings.kafka_bootstrap}: {exc} "
                           "(is it running? `faultline stack status`)") from exc


# kafka-python's consumer accepts network frames of 1 MB by default while a fetch may return far more
# (several partitions x 1 MB); keep the frame limit above what one fetch can bring.
CONSUMER_FETCH = {"fetch_max_bytes": 16 * 1024 * 1024, "receive_message_max_bytes": 32 * 1024 * 1024}


def check_topics(settings: Settings, topics: list[str], compacted: list[str]) -> None:
    """Fail with an actionable message when a topic is missing; warn when one that must be compacted is not."""
    from kafka import KafkaAdminClient
    from kafka.admin import ConfigResource, ConfigResourceType
    from kafka.errors import KafkaError

    try:
        admin = KafkaAdminClient(bootstrap_servers=settings.bootstrap_servers, client_id="faultline-producer-check",
                                 request_timeout_ms=15_000, **settings.kafka_client_options())
    except KafkaError as exc:
        raise ServiceError(f"cannot reach Kafka at {settings.kafka_bootstrap}: {exc} "
                           "(is it running? `faultline stack status`)") from exc
    try:
        existing = set(admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            raise ConfigError(f"Kafka topics missing on {settings.kafka_bootstrap}: {', '.join(missing)}; "
                              "create them with `faultline init --kafka-only`")
        for topic in compacted:
            try:
                result = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
                policy = _config_value(result, "cleanup.policy")
            except KafkaError as exc:
                log.warning("cannot read the configuration of %s: %s", topic, exc)
                continue
            if policy is not None and "compact" not in policy:
                log.warning("topic %s has cleanup.policy=%s: the producers' seen-state will expire with "
                            "retention and old articles may be published again; make it compacted", topic, policy)
    finally:
        admin.close()


def _config_value(responses: list, name: str) -> str | None:
    for response in responses:
        for resource in getattr(response, "resources", []):
            for entry in resource[4]:
                if entry[0] == name:
                    return entry[1]
    return None


class Publisher:
    """Sends from asyncio through kafka-python. ``send`` resolves when the broker acknowledged every record
    (or gave up on some: their exceptions are returned in order, never raised)."""

    def __init__(self, producer):
        self._producer = producer
        # send() may block (metadata refresh, full buffer): keep it off the event loop, one thread, in order.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kafka-send")

    async def send(self, messages: list[Message]) -> list[BaseException | None]:
        if not messages:
            return []
        loop = asyncio.get_running_loop()
        futures = [loop.create_future() for _ in messages]

        def settle(fut: asyncio.Future, error: BaseException | None) -> None:
            if not fut.done():
                fut.set_result(error)

        def submit() -> None:
            for msg, fut in zip(messages, futures, strict=True):
                try:
                    record = self._producer.send(msg.topic, key=msg.key, value=msg.value, headers=list(msg.headers))
                except Exception as exc:  # noqa: BLE001 - returned to the caller per record
                    loop.call_soon_threadsafe(settle, fut, exc)
                    continue
                record.add_callback(lambda _md, f=fut: loop.call_soon_threadsafe(settle, f, None))
                record.add_errback(lambda exc, f=fut: loop.call_soon_threadsafe(settle, f, exc))

        await loop.run_in_executor(self._executor, submit)
        return list(await asyncio.gather(*futures))

    async def flush(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, lambda: self._producer.flush(timeout=timeout))

    def close(self, timeout: float = 10.0) -> None:
        self._executor.shutdown(wait=True)
        try:
            self._producer.close(timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - closing must not hide the run's result
            log.warning("closing the Kafka producer: %s", exc)
