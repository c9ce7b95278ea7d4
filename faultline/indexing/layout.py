"""How versioned monthly indices and their aliases are laid out, and what it takes to reach the layout.

Per kind: indices ``<ns>-<kind>-v<version>-<YYYY.MM>``; the read alias ``<ns>-<kind>`` spans the indices of
the current version (the template attaches it to each new one); the write alias ``<ns>-<kind>-write``
points at one index of the current version (the month ``faultline init`` last ran), for writers that do not
route by date. After a version bump, older indices leave the read alias once their documents are copied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from faultline.errors import ConfigError
from faultline.names import Names


@dataclass(frozen=True)
class IndexName:
    kind: str
    version: int
    suffix: str  # the month, YYYY.MM


def parse_index(names: Names, kind: str, index: str) -> IndexName | None:
    """Read back an index name of ``kind`` made by ``Names.index``; None for any other index."""
    prefix = names.read_alias(kind)
    m = re.fullmatch(re.escape(prefix) + r"-v(\d+)-(.+)", index)
    if not m:
        return None
    return IndexName(kind, int(m.group(1)), m.group(2))


def all_versions_pattern(names: Names, kind: str) -> str:
    """A pattern matching every version's indices of ``kind``."""
    return f"{names.read_alias(kind)}-v*"


def index_at_version(names: Names, name: IndexName, version: int) -> str:
    """The index of ``version`` that holds the same month as ``name``."""
    return f"{names.index_prefix(name.kind, version)}-{name.suffix}"


def check_not_downgrade(kind: str, installed: int | None, wanted: int) -> None:
    """Refuse to replace a newer template with an older one (an old release running ``init``)."""
    if installed is not None and installed > wanted:
        raise ConfigError(
            f"the cluster has the {kind} template at version {installed}, newer than this release's "
            f"{wanted}; upgrade Faultline instead of installing an older template over it"
        )


def write_alias_actions(alias: str, holders: dict[str, bool], target: str) -> list[dict[str, Any]]:
    """Alias actions that make ``target`` the only (write) index of ``alias``; [] when it already is.

    ``holders`` maps each index holding the alias to whether it is its write index.
    """
    if set(holders) == {target} and holders[target]:
        return []
    actions: list[dict[str, Any]] = [
        {"remove": {"index": index, "alias": alias, "must_exist": False}}
        for index in sorted(holders) if index != target
    ]
    actions.append({"add": {"index": target, "alias": alias, "is_write_index": True}})
    return actions


def retire_actions(alias: str, indices: list[str]) -> list[dict[str, Any]]:
    """Alias actions that take older-version ``indices`` out of the read alias (they are kept, not deleted)."""
    return [{"remove": {"index": index, "alias": alias, "must_exist": False}} for index in sorted(indices)]
