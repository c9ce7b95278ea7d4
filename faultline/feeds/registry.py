"""The feed registry: a YAML file listing the feeds to poll, and its validation.

```yaml
defaults:                      # optional; applies to every feed that does not say otherwise
  interval: 900
feeds:
  - id: aljazeera-all          # unique, stable; carried on every article as feed_id
    url: https://www.aljazeera.com/xml/rss/all.xml
    outlet: Al Jazeera
    language: en               # optional; detected per article when absent
    regions: [middle-east]     # optional
    interval: 300              # optional, seconds
    enabled: true              # optional
    fulltext: false            # optional; fetch article pages when the producer runs with --fulltext
```
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from faultline.feeds.language import is_language_tag, normalise_language
from faultline.feeds.urls import canonical_url

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
REGION_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
FEED_KEYS = frozenset({"id", "url", "outlet", "language", "regions", "interval", "enabled", "fulltext", "notes"})
DEFAULT_KEYS = frozenset({"interval", "language", "regions", "enabled", "fulltext"})
TOP_KEYS = frozenset({"feeds", "defaults", "version", "description"})
MAX_INTERVAL = 7 * 24 * 3600
POLITE_INTERVAL = 60


@dataclass(frozen=True)
class FeedSpec:
    id: str
    url: str
    outlet: str | None = None
    language: str | None = None
    regions: tuple[str, ...] = ()
    interval: int | None = None  # seconds; None: the producer's default
    enabled: bool = True
    fulltext: bool | None = None  # None: follow the producer's --fulltext


@dataclass(frozen=True)
class Problem:
    level: Literal["error", "warning"]
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


@dataclass
class Registry:
    feeds: list[FeedSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    source: str = "<registry>"

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def enabled(self) -> list[FeedSpec]:
        return [f for f in self.feeds if f.enabled]

    def select(self, ids: list[str] | None) -> list[FeedSpec]:
        """Enabled feeds, or exactly the listed ids (enabled or not)."""
        if not ids:
            return self.enabled()
        wanted = set(ids)
        return [f for f in self.feeds if f.id in wanted]


def parse_registry(text: str, source: str = "<registry>") -> Registry:
    """Parse and validate a registry. Valid entries are kept; every problem is listed with its place."""
    reg = Registry(source=source)
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        reg.problems.append(Problem("error", source, f"not valid YAML: {exc}"))
        return reg
    if not isinstance(doc, Mapping) or not isinstance(doc.get("feeds"), list):
        reg.problems.append(Problem("error", source, "expected a mapping with a 'feeds:' list"))
        return reg
    for key in sorted(set(doc) - TOP_KEYS, key=str):
        reg.problems.append(Problem("warning", source, f"unknown top-level key {key!r} (ignored)"))
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, Mapping):
        reg.problems.append(Problem("error", "defaults", "must be a mapping"))
        defaults = {}
    for key in sorted(set(defaults) - DEFAULT_KEYS, key=str):
        reg.problems.append(Problem("error", "defaults", f"unknown key {key!r}; allowed: {sorted(DEFAULT_KEYS)}"))
    defaults = {k: v for k, v in defaults.items() if k in DEFAULT_KEYS}

    seen_ids: dict[str, str] = {}
    seen_urls: dict[str, str] = {}
    for i, raw in enumerate(doc["feeds"]):
        where = f"feeds[{i}]"
        if not isinstance(raw, Mapping):
            reg.problems.append(Problem("error", where, "each feed must be a mapping with at least id and url"))
            continue
        if isinstance(raw.get("id"), str):
            where = f"feeds[{i}] ({raw['id']})"
        spec, problems = _feed({**defaults, **raw}, where)
        reg.problems += problems
        if spec is None:
            continue
        if spec.id in seen_ids:
            reg.problems.append(Problem("error", where, f"duplicate id {spec.id!r}, first used at {seen_ids[spec.id]}"))
            continue
        key = (canonical_url(spec.url) or spec.url).split(":", 1)[-1]
        if key in seen_urls:
            reg.problems.append(Problem("error", where, f"duplicate url {spec.url}, already polled as {seen_urls[key]}"))
            continue
        seen_ids[spec.id] = where
        seen_urls[key] = spec.id
        reg.feeds.append(spec)
    return reg


def _feed(raw: Mapping[str, Any], where: str) -> tuple[FeedSpec | None, list[Problem]]:
    errors: list[str] = []
    warnings: list[str] = []
    for key in sorted(set(raw) - FEED_KEYS, key=str):
        warnings.append(f"unknown key {key!r} (ignored)")

    feed_id = raw.get("id")
    if not isinstance(feed_id, str) or not ID_RE.match(feed_id):
        errors.append(f"id {feed_id!r} must be 1-100 lower-case letters, digits, '.', '_' or '-'" + _bool_hint(feed_id))
    url = raw.get("url")
    if not isinstance(url, str) or not canonical_url(url):
        errors.append(f"url {url!r} is not an http(s) URL with a host")
    elif "@" in url.split("//", 1)[-1].split("/", 1)[0]:
        warnings.append("url carries credentials; they are sent to the server on every poll")
    outlet = raw.get("outlet")
    if outlet is not None and (not isinstance(outlet, str) or not outlet.strip()):
        errors.append(f"outlet {outlet!r} must be a non-empty string" + _bool_hint(outlet))
    elif outlet is None:
        warnings.append("no outlet: articles will carry the feed's own title as outlet")
    language = raw.get("language")
    if language is not None and (not isinstance(language, str) or not is_language_tag(language)):
        errors.append(f"language {language!r} is not a language tag such as 'en', 'ar', 'fa' or 'fr'")
    regions = raw.get("regions", [])
    if isinstance(regions, str):
        regions = [regions]
    if not isinstance(regions, list) or not all(isinstance(r, str) and REGION_RE.match(r) for r in regions):
        errors.append("regions must be a list of lower-case slugs such as [middle-east, iraq]")
        regions = []
    interval = raw.get("interval")
    if interval is not None:
        if isinstance(interval, bool) or not isinstance(interval, int) or not 1 <= interval <= MAX_INTERVAL:
            errors.append(f"interval {interval!r} must be whole seconds between 1 and {MAX_INTERVAL}")
        elif interval < POLITE_INTERVAL:
            warnings.append(f"interval {interval}s polls more often than once a minute")
    for key in ("enabled", "fulltext"):
        if key in raw and raw[key] is not None and not isinstance(raw[key], bool):
            errors.append(f"{key} must be true or false")

    problems = [Problem("error", where, m) for m in errors] + [Problem("warning", where, m) for m in warnings]
    if errors:
        return None, problems
    return FeedSpec(
        id=feed_id, url=url.strip(), outlet=outlet.strip() if outlet else None,
        language=normalise_language(language), regions=tuple(regions), interval=interval,
        enabled=raw.get("enabled", True) is not False, fulltext=raw.get("fulltext"),
    ), problems


def _bool_hint(value: object) -> str:
    if isinstance(value, bool):
        return " (YAML reads unquoted yes/no/on/off/true/false as booleans: quote the value)"
    return ""


@dataclass(frozen=True)
class FeedChanges:
    """How a reloaded registry differs from the feeds being polled (ids in registry order)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def describe(self) -> str:
        return f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"


def diff_feeds(old: list[FeedSpec], new: list[FeedSpec]) -> FeedChanges:
    before = {f.id: f for f in old}
    after = {f.id: f for f in new}
    return FeedChanges(
        added=tuple(i for i in after if i not in before),
        removed=tuple(i for i in before if i not in after),
        changed=tuple(i for i in after if i in before and after[i] != before[i]),
    )
