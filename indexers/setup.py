"""Install or upgrade Faultline's Elasticsearch layout, idempotently: ``install(settings) -> report``.

For each kind (articles, events, alerts): the component and index templates of the current version, the
current month's index, the write alias on it; after a version bump, the older versions' documents are
copied into the new indices and the older indices leave the read alias (they are kept, not deleted).
Running it twice, or two at once, is harmless: every step checks before it acts, and acts atomically.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from faultline.errors import ServiceError
from faultline.indexing.bulk import Outcome, classify
from faultline.indexing.documents import copy_action
from faultline.indexing.layout import (
    all_versions_pattern,
    check_not_downgrade,
    index_at_version,
    parse_index,
    retire_actions,
    write_alias_actions,
)
from faultline.indexing.templates import IndexSpec, TemplateSet, current_specs, digest, template_set
from faultline.names import Names
from faultline.settings import Settings
from indexers.clients import es_client

log = logging.getLogger(__name__)

COPY_CHUNK = 1000


def install(settings: Settings, *, now: datetime | None = None, specs: dict[str, IndexSpec] | None = None,
            client: Any = None) -> dict[str, Any]:
    """Bring the cluster to this release's layout and report what changed.

    The report: ``versions`` {kind: mapping version}; ``templates`` {name: installed|updated|unchanged}
    (component and index templates); ``indices`` {index: created|exists}; ``aliases`` {write alias:
    created|moved|unchanged}; ``migrated`` {older index: {to, copied, failed, retired}} after a bump.
    Raises ``ServiceError`` when Elasticsearch cannot be reached or refuses a step, ``ConfigError`` when
    the cluster already holds a newer template version than this release.
    """
    from elasticsearch import ApiError, TransportError

    now = now or datetime.now(UTC)
    specs = specs or current_specs()
    es = client or es_client(settings)
    report: dict[str, Any] = {"versions": {}, "templates": {}, "indices": {}, "aliases": {}, "migrated": {}}
    try:
        for spec in specs.values():
            tset = template_set(settings.names, spec, shards=settings.es_shards, replicas=settings.es_replicas)
            report["versions"][spec.kind] = spec.version
            _install_templates(es, tset, report["templates"])
            current = settings.names.index(spec.kind, spec.version, now)
            report["indices"][current] = _ensure_index(es, current)
            write_alias = settings.names.write_alias(spec.kind)
            report["aliases"][write_alias] = _point_write_alias(es, write_alias, current)
            report["migrated"].update(_retire_older_versions(es, settings.names, spec))
    except (ApiError, TransportError) as exc:
        raise ServiceError(f"cannot install the Elasticsearch layout on {settings.es_url}: {exc}") from exc
    finally:
        if client is None:
            es.close()
    return report


def _get_or_none(call, **kwargs: Any) -> Any:
    from elasticsearch import NotFoundError

    try:
        return call(**kwargs)
    except NotFoundError:
        return None


def _install_templates(es: Any, tset: TemplateSet, report: dict[str, str]) -> None:
    found = _get_or_none(es.indices.get_index_template, name=tset.index_template_name)
    installed = (found["index_templates"][0]["index_template"] if found else None)
    check_not_downgrade(tset.kind, installed.get("version") if installed else None, tset.version)
    for name, body in tset.components.items():  # components first: the index template names them
        existing = _get_or_none(es.cluster.get_component_template, name=name)
        existing_body = existing["component_templates"][0]["component_template"] if existing else None
        report[name] = _put_if_changed(existing_body, body,
                                       lambda n=name, b=body: es.cluster.put_component_template(name=n, body=b))
    name = tset.index_template_name
    report[name] = _put_if_changed(installed, tset.index_template,
                                   lambda: es.indices.put_index_template(name=name, body=tset.index_template))


def _put_if_changed(existing: dict | None, body: dict, put) -> str:
    if existing is not None and (existing.get("_meta") or {}).get("digest") == digest(body):
        return "unchanged"
    put()
    return "installed" if existing is None else "updated"


def _ensure_index(es: Any, index: str) -> str:
    from elasticsearch import BadRequestError

    if es.indices.exists(index=index):
        return "exists"
    try:
        es.indices.create(index=index)
    except BadRequestError as exc:  # another init created it in between
        if exc.error != "resource_already_exists_exception":
            raise
        return "exists"
    return "created"


def _point_write_alias(es: Any, alias: str, target: str) -> str:
    found = _get_or_none(es.indices.get_alias, name=alias) or {}
    holders = {index: bool(entry["aliases"][alias].get("is_write_index", False))
               for index, entry in found.items()}
    actions = write_alias_actions(alias, holders, target)
    if not actions:
        return "unchanged"
    es.indices.update_aliases(actions=actions)
    return "moved" if holders else "created"


def _retire_older_versions(es: Any, names: Names, spec: IndexSpec) -> dict[str, dict[str, Any]]:
    """Copy documents out of older-version indices still in the read alias, then take them out of it."""
    read_alias = names.read_alias(spec.kind)
    found = _get_or_none(es.indices.get_alias, index=all_versions_pattern(names, spec.kind)) or {}
    out: dict[str, dict[str, Any]] = {}
    for index, entry in sorted(found.items()):
        parsed = parse_index(names, spec.kind, index)
        if parsed is None or parsed.version >= spec.version or read_alias not in entry.get("aliases", {}):
            continue
        target = index_at_version(names, parsed, spec.version)
        copied, failures = _copy_documents(es, spec.kind, index, target)
        retired = not failures
        if retired:
            es.indices.update_aliases(actions=retire_actions(read_alias, [index]))
            log.info("%s: %d documents copied to %s; %s left the alias %s", index, copied, target, index, read_alias)
        else:
            log.error("%s: %d documents could not be copied to %s (first: %s); it stays in %s",
                      index, len(failures), target, failures[0], read_alias)
        out[index] = {"to": target, "copied": copied, "failed": len(failures), "retired": retired}
    return out


def _copy_documents(es: Any, kind: str, source: str, target: str) -> tuple[int, list[str]]:
    """Copy every document of ``source`` into ``target`` (same ids); the reindex module may be absent."""
    from elasticsearch import helpers

    es.indices.refresh(index=source)
    copied, failures = 0, []

    def actions():
        for hit in helpers.scan(es, index=source, query={"query": {"match_all": {}}}, size=COPY_CHUNK):
            action = copy_action(kind, target, hit["_id"], hit["_source"])
            op: dict[str, Any] = {"_op_type": "index", "_index": action.index, "_id": action.id,
                                  "_source": action.source}
            if action.version is not None:
                op.update(version=action.version, version_type="external_gte")
            yield op

    for ok, item in helpers.streaming_bulk(es, actions(), chunk_size=COPY_CHUNK, raise_on_error=False,
                                           raise_on_exception=True, max_retries=5):
        outcome, reason = classify(item) if not ok else (Outcome.OK, None)
        if outcome in (Outcome.OK, Outcome.STALE):
            copied += 1
        else:
            failures.append(reason or "unknown error")
    es.options(ignore_status=404).indices.refresh(index=target)
    return copied, failures
