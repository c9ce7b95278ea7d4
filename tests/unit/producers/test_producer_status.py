"""The status file `faultline feeds status` prints: atomic writes, round trip, missing or broken files."""

from __future__ import annotations

from datetime import UTC, datetime

from faultline.feeds.state import FeedState
from faultline.settings import Settings
from producers.status import load_states, read_status, status_path, write_status

NOW = datetime(2026, 8, 13, tzinfo=UTC)


def test_round_trip_and_no_temporary_files_left(tmp_path):
    settings = Settings(home=tmp_path, namespace="ns1")
    path = status_path(settings)
    assert path == tmp_path / "producer" / "ns1" / "status.json"
    states = {"b": FeedState("b", last_success=NOW, items_seen=3), "a": FeedState("a", last_error="HTTP 404")}
    write_status(path, states, updated=NOW, registry="/r.yaml", summary={"published": 3})
    write_status(path, states, updated=NOW, registry="/r.yaml")
    assert load_states(path) == states
    doc = read_status(path)
    assert list(doc["feeds"]) == ["a", "b"] and doc["registry"] == "/r.yaml"
    assert [p.name for p in path.parent.iterdir()] == ["status.json"]


def test_missing_and_broken_files(tmp_path):
    assert read_status(tmp_path / "none.json") == {"feeds": {}}
    assert load_states(tmp_path / "none.json") == {}
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert load_states(broken) == {}
