"""`faultline feeds check` and `faultline feeds status`: messages and exit codes an operator can act on."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from faultline.cli.main import main
from faultline.feeds.state import FeedState
from faultline.settings import Settings
from producers.status import status_path, write_status


def test_check_passes_the_shipped_registry(capsys):
    assert main(["feeds", "check"]) == 0
    assert "0 errors" in capsys.readouterr().out


def test_check_reports_duplicates_and_bad_entries(tmp_path, capsys):
    reg = tmp_path / "reg.yaml"
    reg.write_text('feeds:\n  - {id: a, url: "https://a.example/rss", outlet: A}\n'
                   '  - {id: a, url: "https://b.example/rss", outlet: B}\n'
                   '  - {id: c, url: "gopher://c.example/", outlet: C}\n')
    assert main(["feeds", "check", str(reg)]) == 3
    out = capsys.readouterr().out
    assert "duplicate id 'a'" in out and "gopher" in out and "FAILED: 1 valid feeds" in out
    assert main(["feeds", "check", str(reg), "--json"]) == 3
    doc = json.loads(capsys.readouterr().out)
    assert doc["feeds"] == 1 and len(doc["problems"]) == 2


def test_check_strict_fails_on_warnings(tmp_path, capsys):
    reg = tmp_path / "reg.yaml"
    reg.write_text('feeds:\n  - {id: a, url: "https://a.example/rss"}\n')
    assert main(["feeds", "check", str(reg)]) == 0
    assert main(["feeds", "check", str(reg), "--strict"]) == 3


def test_check_of_a_missing_file(tmp_path, capsys):
    assert main(["feeds", "check", str(tmp_path / "nope.yaml")]) == 3
    assert "cannot read the feed registry" in capsys.readouterr().err


def test_status_prints_each_feed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FAULTLINE_HOME", str(tmp_path))
    monkeypatch.setenv("FAULTLINE_NAMESPACE", "statusns")
    assert main(["feeds", "status"]) == 1
    assert "no producer status yet" in capsys.readouterr().out
    now = datetime.now(UTC)
    states = {
        "good": FeedState("good", last_outcome="ok", last_success=now - timedelta(minutes=5), items_seen=25,
                          published_total=40, next_due=now + timedelta(minutes=10)),
        "bad": FeedState("bad", last_outcome="failed", consecutive_failures=3, last_error="HTTP 404",
                         last_error_at=now - timedelta(hours=2)),
        "odd": FeedState("odd", last_outcome="ok", bozo="CharacterEncodingOverride: declared utf-8"),
        "moved": FeedState("moved", last_outcome="ok", moved_to="https://new.example/rss"),
    }
    write_status(status_path(Settings(home=tmp_path, namespace="statusns")), states, updated=now, registry="r")
    assert main(["feeds", "status"]) == 0
    out = capsys.readouterr().out
    good = next(line for line in out.splitlines() if line.startswith("good"))
    bad = next(line for line in out.splitlines() if line.startswith("bad"))
    assert "5m ago" in good and "25" in good and "40" in good and "in 10m" in good
    assert "failed x3" in bad and "2h ago: HTTP 404" in bad and "never" in bad
    assert "readable but ill-formed: CharacterEncodingOverride" in out
    assert "moved permanently to https://new.example/rss" in out
    assert "4 feeds, 1 failing" in out
    assert main(["feeds", "status", "--failing", "--json"]) == 0
    assert list(json.loads(capsys.readouterr().out)["feeds"]) == ["bad"]
