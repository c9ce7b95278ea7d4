"""Composable index templates: per kind and version, a settings and a mappings component template and one
index template that composes them, matches ``<ns>-<kind>-v<version>-*`` and attaches the read alias.

Every body carries ``_meta.digest`` (a hash of its content), so an installer can tell "unchanged" from
"needs an update" without comparing Elasticsearch's normalised echo of the body.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from faultline.indexing.mappings import MAPPINGS, VERSIONS, Mapping
from faultline.names import INDEX_KINDS, Names

MANAGED_BY = "faultline"
# Above the built-in templates of a full Elasticsearch (logs-*-*, metrics-*-* ... use 100).
TEMPLATE_PRIORITY = 200
REFRESH_INTERVAL = "1s"


@dataclass(frozen=True)
class IndexSpec:
    """One kind's mapping at one version."""

    kind: str
    version: int
    mappings: Mapping = field(hash=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in INDEX_KINDS:
            raise ValueError(f"unknown index kind {self.kind!r}")
        if self.version < 1:
            raise ValueError("index versions start at 1")


def current_specs() -> dict[str, IndexSpec]:
    """The mappings this release writes, by kind."""
    return {kind: IndexSpec(kind, VERSIONS[kind], MAPPINGS[kind]()) for kind in INDEX_KINDS}


@dataclass(frozen=True)
class TemplateSet:
    """Everything to install for one kind: component templates (in order) and the index template."""

    kind: str
    version: int
    components: dict[str, dict[str, Any]]
    index_template_name: str
    index_template: dict[str, Any]


def digest(body: dict[str, Any]) -> str:
    """A stable hash of a template body, ignoring a digest already inside it."""
    clean = json.loads(json.dumps(body))
    clean.get("_meta", {}).pop("digest", None)
    canonical = json.dumps(clean, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _with_digest(body: dict[str, Any]) -> dict[str, Any]:
    body["_meta"]["digest"] = digest(body)
    return body


def _meta(spec: IndexSpec, part: str) -> dict[str, Any]:
    return {"managed_by": MANAGED_BY, "kind": spec.kind, "mapping_version": spec.version, "part": part}


def template_set(names: Names, spec: IndexSpec, *, shards: int = 1, replicas: int = 0) -> TemplateSet:
    settings_name = names.component_template(spec.kind, spec.version, "settings")
    mappings_name = names.component_template(spec.kind, spec.version, "mappings")
    settings_body = _with_digest({
        "template": {"settings": {"index": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "refresh_interval": REFRESH_INTERVAL,
        }}},
        "version": spec.version,
        "_meta": _meta(spec, "settings"),
    })
    mappings_body = _with_digest({
        "template": {"mappings": {**spec.mappings, "_meta": {"mapping_version": spec.version}}},
        "version": spec.version,
        "_meta": _meta(spec, "mappings"),
    })
    index_body = _with_digest({
        "index_patterns": [names.index_pattern(spec.kind, spec.version)],
        "composed_of": [settings_name, mappings_name],
        "priority": TEMPLATE_PRIORITY,
        "version": spec.version,
        "template": {"aliases": {names.read_alias(spec.kind): {}}},
        "_meta": _meta(spec, "index"),
    })
    return TemplateSet(
        kind=spec.kind,
        version=spec.version,
        components={settings_name: settings_body, mappings_name: mappings_body},
        index_template_name=names.template(spec.kind),
        index_template=index_body,
    )
