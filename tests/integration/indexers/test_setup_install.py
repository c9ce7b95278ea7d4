"""indexers.setup.install against the real Elasticsearch: idempotent, concurrent-safe, upgrades by version."""

from __future__ import annotations

import copy
import threading
from datetime import UTC, datetime

import pytest
from indexer_helpers import count, drop_namespace, index_until, produce
from indexing_samples import alert, article, event

from faultline.errors import ConfigError
from faultline.indexing.templates import IndexSpec, current_specs
from indexers.setup import install

pytestmark = [pytest.mark.integration, pytest.mark.elasticsearch]

NOW = datetime(2025, 2, 21, tzinfo=UTC)


@pytest.fixture
def clean(settings, es):
    yield settings
    drop_namespace(settings)


def test_install_creates_the_layout_then_changes_nothing(clean, es):
    settings = clean
    names = settings.names
    first = install(settings, now=NOW)
    assert set(first["templates"].values()) == {"installed"} and len(first["templates"]) == 9
    assert first["indices"] == {names.index(k, 1, NOW): "created" for k in ("articles", "events", "alerts")}
    assert set(first["aliases"].values()) == {"created"}

    second = install(settings, now=NOW)
    assert set(second["templates"].values()) == {"unchanged"}
    assert set(second["indices"].values()) == {"exists"}
    assert set(second["aliases"].values()) == {"unchanged"}
    assert second["migrated"] == {}

    aliases = es.indices.get_alias(index=names.index("events", 1, NOW))
    entry = aliases[names.index("events", 1, NOW)]["aliases"]
    assert entry == {names.events_alias: {}, names.write_alias("events"): {"is_write_index": True}}
    mapping = es.indices.get_mapping(index=names.index("events", 1, NOW))
    assert mapping[names.index("events", 1, NOW)]["mappings"]["properties"]["location"] == {"type": "geo_point"}


def test_two_installs_at_once_are_harmless(clean, es):
    settings = clean
    errors: list[BaseException] = []

    def run():
        try:
            install(settings, now=NOW)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    holders = es.indices.get_alias(name=settings.names.write_alias("articles"))
    assert list(holders) == [settings.names.index("articles", 1, NOW)]


def test_the_write_alias_moves_to_the_month_install_runs_in(clean, es):
    settings = clean
    install(settings, now=NOW)
    report = install(settings, now=datetime(2025, 3, 2, tzinfo=UTC))
    march = settings.names.index("alerts", 1, datetime(2025, 3, 2, tzinfo=UTC))
    assert report["indices"][march] == "created"
    assert report["aliases"][settings.names.write_alias("alerts")] == "moved"
    assert list(es.indices.get_alias(name=settings.names.write_alias("alerts"))) == [march]


def _bumped(kind: str) -> dict[str, IndexSpec]:
    specs = current_specs()
    old = specs[kind]
    mappings = copy.deepcopy(old.mappings)
    mappings["properties"]["review_note"] = {"type": "text"}  # the change that needs a new version
    return {**specs, kind: IndexSpec(kind, old.version + 1, mappings)}


async def test_a_version_bump_moves_the_write_alias_and_the_documents_without_duplicates(settings, layout, es):
    names = settings.names
    produce(settings, names.events, [event(f"ev-{i}") for i in range(12)])
    produce(settings, names.alerts, [alert("al-1", revision=4)])
    await index_until(settings, lambda s: s.consumed >= 13)
    assert count(es, names.events_alias) == 12

    specs = _bumped("events")
    report = install(settings, now=NOW, specs=specs)
    v1, v2 = names.index("events", 1, NOW), names.index("events", 2, NOW)
    assert report["templates"][names.template("events")] == "updated"
    assert report["templates"][names.template("alerts")] == "unchanged"
    assert report["indices"][v2] == "created"
    assert report["aliases"][names.write_alias("events")] == "moved"
    assert report["migrated"][v1] == {"to": v2, "copied": 12, "failed": 0, "retired": True}
    assert list(es.indices.get_alias(name=names.write_alias("events"))) == [v2]
    assert count(es, names.events_alias) == 12  # the same documents, once, now in v2
    assert set(es.indices.get_alias(name=names.events_alias)) == {v2}
    assert es.indices.exists(index=v1)  # kept for the operator, out of the read alias

    # The new indexer writes v2; a replay of the old records overwrites the copies.
    produce(settings, names.events, [event(f"ev-{i}") for i in range(12)])
    await index_until(settings, lambda s: s.consumed >= 12, specs=specs)
    assert count(es, names.events_alias) == 12
    assert install(settings, now=NOW, specs=specs)["migrated"] == {}


def test_an_older_release_cannot_downgrade_the_templates(clean):
    settings = clean
    install(settings, now=NOW, specs=_bumped("articles"))
    with pytest.raises(ConfigError, match="newer"):
        install(settings, now=NOW)


def test_install_reports_an_unreachable_cluster_as_a_service_error(settings):
    from faultline.errors import ServiceError

    nowhere = settings.model_copy(update={"es_url": "http://127.0.0.1:9", "es_request_timeout": 2.0})
    with pytest.raises(ServiceError, match="127.0.0.1:9"):
        install(nowhere)


def test_an_article_written_after_install_gets_the_template_mapping(clean, es):
    settings = clean
    install(settings, now=NOW)
    from faultline.indexing.documents import build_action

    action = build_action(article("a1", published=datetime(2024, 6, 1, tzinfo=UTC)), settings.names)
    assert not es.indices.exists(index=action.index)  # created by the write, from the template
    es.index(index=action.index, id=action.id, document=action.source, refresh=True)
    mapping = es.indices.get_mapping(index=action.index)[action.index]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"]["actors"]["properties"]["name"]["fields"]["keyword"]["type"] == "keyword"
    assert es.indices.get_alias(index=action.index)[action.index]["aliases"] == {settings.names.articles_alias: {}}
