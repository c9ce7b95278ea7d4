"""Shared fixtures: the real Kafka and Elasticsearch, and per-test names.

Integration tests talk to real services: the local stack (started here when it is not already up) or
the cluster named by ``FAULTLINE_KAFKA_BOOTSTRAP`` / ``FAULTLINE_ES_URL``. Under ``CI=true`` a service that
cannot be reached fails the test; elsewhere it skips it with the reason.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from faultline.names import Names
from faultline.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FAULTLINE_SHARED", REPO.parent / "shared"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, reason: str) -> None:
    """Skip locally, fail under CI: a missing service or data set is never silently skipped in CI."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: integration tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data = SHARED / "data"
    require(data.is_dir(), f"shared data not found at {data}")
    return data


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def stack(base_settings: Settings):
    """Real Kafka and Elasticsearch, healthy. Starts the local stack when nothing external is configured."""
    external = not (base_settings.kafka_is_default() and base_settings.es_is_default())
    started_here = False
    error: Exception | None = None
    if not external:
        from deploy.local.stack import LocalStack

        local = LocalStack(base_settings)
        try:
            if not local.healthy():
                local.up(timeout=300)
                started_here = True
        except Exception as exc:  # noqa: BLE001 - reported through require()
            error = exc
    require(error is None, f"cannot start the local stack: {error}")
    yield base_settings
    if started_here and not os.environ.get("FAULTLINE_TEST_KEEP_STACK"):
        LocalStack(base_settings).down()


def _unique_namespace() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def names() -> Names:
    """Unique topic and index names for one test."""
    return Names(_unique_namespace())


@pytest.fixture
def settings(stack: Settings, names: Names):
    """Settings pointing at the real services, with this test's own namespace; its topics are deleted after."""
    yield stack.model_copy(update={"namespace": names.namespace})
    delete_namespace_topics(stack, names.namespace)


def delete_namespace_topics(settings: Settings, namespace: str) -> None:
    """Remove a test namespace's topics (its own, Faust's and the consumer groups' data go with them)."""
    from kafka import KafkaAdminClient

    try:
        admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, request_timeout_ms=30000,
                                 **settings.kafka_client_options())
    except Exception:  # noqa: BLE001 - a broker that is gone leaves nothing to clean
        return
    try:
        doomed = [t for t in admin.list_topics() if t.startswith((f"{namespace}.", f"{namespace}-"))]
        if doomed:
            admin.delete_topics(doomed, timeout_ms=30000)
    except Exception:  # noqa: BLE001 - cleanup must not fail a test
        pass
    finally:
        admin.close()


@pytest.fixture
def kafka_bootstrap(stack: Settings, names: Names):
    """The real broker's address; the topics of this test's namespace are deleted afterwards."""
    from kafka import KafkaAdminClient

    try:
        KafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap, request_timeout_ms=10000,
                         **stack.kafka_client_options()).close()
    except Exception as exc:  # noqa: BLE001
        require(False, f"Kafka unreachable at {stack.kafka_bootstrap}: {exc}")
    yield stack.kafka_bootstrap
    delete_namespace_topics(stack, names.namespace)


@pytest.fixture
def es(stack: Settings):
    """A synchronous Elasticsearch 8 client; the test's indices are deleted afterwards by namespace."""
    from elasticsearch import Elasticsearch

    client = Elasticsearch(**stack.es_client_options())
    try:
        client.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:  # noqa: BLE001
        require(False, f"Elasticsearch unreachable at {stack.es_url}: {exc}")
    yield client
    client.close()


@pytest.fixture
def cleanup_namespace(settings: Settings):
    """Delete the test namespace's indices and templates afterwards (topics are left; names are unique)."""
    yield settings
    from elasticsearch import Elasticsearch

    ns = settings.namespace
    client = Elasticsearch(**settings.es_client_options())
    try:
        client.options(ignore_status=[404]).indices.delete(index=f"{ns}-*", expand_wildcards="all")
        client.options(ignore_status=[404]).indices.delete_index_template(name=f"{ns}-*")
        client.options(ignore_status=[404]).cluster.delete_component_template(name=f"{ns}-*")
    finally:
        client.close()
