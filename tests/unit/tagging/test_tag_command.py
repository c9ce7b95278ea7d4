"""`faultline tag`: JSON Lines in, one TagResult per line out; bad lines reported, the rest still tagged."""

from __future__ import annotations

import io
import json
import sys

from faultline.cli.main import main
from faultline.schema import TagResult


def _run(monkeypatch, capsys, argv: list[str], stdin: str | None = None) -> tuple[int, list[str], list[str]]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["tag", *argv])
    out, err = capsys.readouterr()
    return (
        code,
        [line for line in out.splitlines() if line],
        [line for line in err.splitlines() if line.startswith("{")],
    )


def test_jsonl_lines_are_tagged_in_order(monkeypatch, capsys, tmp_path):
    lines = [
        {
            "id": "a",
            "text": "US forces attacked Kataib Hezbollah near Baghdad.",
            "published": "2025-02-21T10:00:00Z",
        },
        {"id": "b", "text": "Iraq summoned the American envoy.", "language": "en"},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    code, out, err = _run(monkeypatch, capsys, [str(path)])
    assert code == 0 and not err
    results = [TagResult.model_validate_json(line) for line in out]
    assert [r.id for r in results] == ["a", "b"]
    assert {"type", "mode", "source", "target", "negated", "evidence", "rule", "weight"} <= set(
        json.loads(out[0])["events"][0]
    )
    assert results[0].versions.catalog and results[0].versions.rules


def test_offsets_point_into_the_text_field(monkeypatch, capsys):
    text = "\u201cUS forces\u201d attacked Kataib Hezbollah."
    code, out, _ = _run(
        monkeypatch, capsys, ["-"], json.dumps({"id": "q", "title": "T", "text": text}) + "\n"
    )
    result = TagResult.model_validate_json(out[0])
    assert all(text[m.start : m.end] == m.text for a in result.actors for m in a.mentions)


def test_malformed_lines_are_reported_and_the_rest_tagged(monkeypatch, capsys):
    stdin = (
        "\n".join(
            [
                json.dumps({"id": "ok1", "text": "Hamas fired rockets at Israel."}),
                "{not json",
                json.dumps({"id": "no-text"}),
                json.dumps(["a", "list"]),
                json.dumps({"id": "bad-date", "text": "x", "published": "yesterday"}),
                json.dumps({"id": "ok2", "text": "Iran condemned the strike."}),
            ]
        )
        + "\n"
    )
    code, out, err = _run(monkeypatch, capsys, ["-"], stdin)
    assert code != 0
    assert [json.loads(line)["id"] for line in out] == ["ok1", "ok2"]
    assert [json.loads(line)["line"] for line in err] == [2, 3, 4, 5]


def test_plain_text_file_is_one_article(monkeypatch, capsys, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Hamas fired rockets at Israel.\n\nIsrael retaliated.", encoding="utf-8")
    code, out, _ = _run(monkeypatch, capsys, [str(path)])
    assert code == 0 and len(out) == 1
    assert json.loads(out[0])["id"] == "story"


def test_missing_file_is_a_usage_error(monkeypatch, capsys, tmp_path):
    code, _, _ = _run(monkeypatch, capsys, [str(tmp_path / "absent.jsonl")])
    assert code != 0
