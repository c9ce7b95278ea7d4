"""The feed registry: what `faultline feeds check` accepts, and every problem it reports."""

from __future__ import annotations

from pathlib import Path

from faultline.feeds.registry import parse_registry

REPO = Path(__file__).resolve().parents[3]

GOOD = """
defaults:
  interval: 600
  regions: [world]
feeds:
  - id: wire-one
    url: https://wire.example/rss.xml
    outlet: Wire One
    language: en-GB
    interval: 120
  - {id: paper-ar, url: "https://paper.example/ar/feed", outlet: Paper, language: ar, regions: [middle-east, iraq]}
  - {id: "off", url: "https://off.example/rss", outlet: "Off", enabled: false}
"""


def test_a_valid_registry_with_defaults():
    reg = parse_registry(GOOD)
    assert reg.ok and reg.problems == []
    wire, paper, off = reg.feeds
    assert (wire.interval, wire.language, wire.regions) == (120, "en", ("world",))
    assert (paper.interval, paper.regions) == (600, ("middle-east", "iraq"))
    assert off.enabled is False
    assert [f.id for f in reg.enabled()] == ["wire-one", "paper-ar"]
    assert [f.id for f in reg.select(["off"])] == ["off"]


def _problems(text: str) -> list[str]:
    return [str(p) for p in parse_registry(text).problems]


def test_duplicate_ids_and_urls_are_errors():
    text = """
feeds:
  - {id: a, url: "https://x.example/rss", outlet: A}
  - {id: a, url: "https://y.example/rss", outlet: A}
  - {id: b, url: "http://X.example/rss?utm_source=z", outlet: B}
"""
    reg = parse_registry(text)
    assert [f.id for f in reg.feeds] == ["a"]
    msgs = [str(p) for p in reg.errors]
    assert any("feeds[1] (a)" in m and "duplicate id 'a'" in m and "feeds[0]" in m for m in msgs)
    assert any("feeds[2] (b)" in m and "duplicate url" in m and "already polled as a" in m for m in msgs)


def test_bad_entries_are_listed_with_their_place():
    text = """
feeds:
  - {id: Bad Id, url: "https://a.example/rss", outlet: A}
  - {id: no-url, outlet: A}
  - {id: ftp, url: "ftp://a.example/rss", outlet: A}
  - {id: lang, url: "https://b.example/rss", outlet: A, language: "english please"}
  - {id: slow, url: "https://c.example/rss", outlet: A, interval: 0}
  - {id: flag, url: "https://d.example/rss", outlet: A, enabled: "yes"}
  - {id: boolint, url: "https://e.example/rss", outlet: A, interval: true}
  - {id: regions, url: "https://f.example/rss", outlet: A, regions: [Middle East]}
  - just a string
"""
    reg = parse_registry(text)
    assert reg.feeds == []
    errors = "\n".join(str(p) for p in reg.errors)
    for expected in ("feeds[0] (Bad Id): id 'Bad Id'", "feeds[1] (no-url): url None", "feeds[2] (ftp): url 'ftp://",
                     "feeds[3] (lang): language", "feeds[4] (slow): interval 0", "feeds[5] (flag): enabled",
                     "feeds[6] (boolint): interval True", "feeds[7] (regions): regions", "feeds[8]: each feed"):
        assert expected in errors


def test_warnings_do_not_reject_an_entry():
    reg = parse_registry("""
colour: blue
feeds:
  - {id: a, url: "https://a.example/rss", interval: 10, colour: red}
  - {id: b, url: "https://user:pw@b.example/rss", outlet: B}
""")
    assert reg.ok and [f.id for f in reg.feeds] == ["a", "b"]
    warnings = "\n".join(str(p) for p in reg.warnings)
    assert "unknown top-level key 'colour'" in warnings
    assert "feeds[0] (a): unknown key 'colour'" in warnings
    assert "no outlet" in warnings and "more often than once a minute" in warnings
    assert "credentials" in warnings


def test_yaml_booleans_get_a_hint():
    msgs = "\n".join(_problems('feeds:\n  - {id: off, url: "https://a.example/rss", outlet: No}'))
    assert "id False" in msgs and "outlet False" in msgs and "quote the value" in msgs


def test_not_a_registry():
    assert "not valid YAML" in _problems("feeds: [")[0]
    assert "expected a mapping with a 'feeds:' list" in _problems("- a\n- b\n")[0]
    assert "expected a mapping" in _problems("feeds: {a: 1}")[0]
    assert "unknown key 'intervall'" in "\n".join(_problems("defaults: {intervall: 5}\nfeeds: []"))


def test_the_shipped_registry_is_valid_and_covers_the_pipeline_languages():
    reg = parse_registry((REPO / "deploy" / "feeds" / "default.yaml").read_text(), "default.yaml")
    assert reg.errors == [] and reg.warnings == []
    assert len(reg.feeds) >= 50
    assert {"en", "ar", "fr", "fa"} <= {f.language for f in reg.feeds}
    assert all(f.outlet and f.regions for f in reg.feeds)
    assert any("middle-east" in f.regions for f in reg.feeds)


def test_diff_of_a_reloaded_registry():
    from faultline.feeds.registry import FeedSpec, diff_feeds

    old = [FeedSpec("a", "https://a.example/rss"), FeedSpec("b", "https://b.example/rss"),
           FeedSpec("c", "https://c.example/rss", interval=600)]
    new = [FeedSpec("c", "https://c.example/rss", interval=300), FeedSpec("a", "https://a.example/rss"),
           FeedSpec("d", "https://d.example/rss")]
    changes = diff_feeds(old, new)
    assert (changes.added, changes.removed, changes.changed) == (("d",), ("b",), ("c",))
    assert changes.describe() == "1 added, 1 removed, 1 changed"
    assert not diff_feeds(new, list(new))
