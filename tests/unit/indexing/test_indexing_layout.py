from datetime import UTC, datetime

import pytest

from faultline.errors import ConfigError
from faultline.indexing.layout import (
    IndexName,
    check_not_downgrade,
    index_at_version,
    parse_index,
    retire_actions,
    write_alias_actions,
)
from faultline.names import Names

NAMES = Names("t1")


def test_index_names_read_back():
    name = NAMES.index("events", 3, datetime(2025, 2, 1, tzinfo=UTC))
    assert parse_index(NAMES, "events", name) == IndexName("events", 3, "2025.02")
    assert index_at_version(NAMES, IndexName("events", 3, "2025.02"), 4) == "t1-events-v4-2025.02"


@pytest.mark.parametrize("index", ["t1-events-2025.02", "t1-articles-v1-2025.02", "t10-events-v1-2025.02",
                                   "t1-events-write", "t1-events-vx-2025.02"])
def test_other_indices_are_not_read_as_ours(index):
    assert parse_index(NAMES, "events", index) is None


def test_the_write_alias_is_left_alone_when_it_already_points_at_the_target():
    assert write_alias_actions("w", {"i2": True}, "i2") == []


def test_the_write_alias_is_created_or_moved_atomically():
    assert write_alias_actions("w", {}, "i2") == [{"add": {"index": "i2", "alias": "w", "is_write_index": True}}]
    actions = write_alias_actions("w", {"i1": True, "i2": False}, "i2")
    assert actions == [
        {"remove": {"index": "i1", "alias": "w", "must_exist": False}},
        {"add": {"index": "i2", "alias": "w", "is_write_index": True}},
    ]


def test_retired_indices_leave_the_read_alias_only():
    assert retire_actions("r", ["b", "a"]) == [
        {"remove": {"index": "a", "alias": "r", "must_exist": False}},
        {"remove": {"index": "b", "alias": "r", "must_exist": False}},
    ]


def test_an_older_release_may_not_downgrade_a_template():
    check_not_downgrade("events", None, 1)
    check_not_downgrade("events", 1, 1)
    check_not_downgrade("events", 1, 2)
    with pytest.raises(ConfigError, match="version 3"):
        check_not_downgrade("events", 3, 2)
