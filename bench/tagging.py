"""Tagging throughput on the news corpus, side by side with a spaCy baseline, per core.

    .venv/bin/python bench/tagging.py [--limit 3000] [--repeat 3] [--pure] [--write]

Tags the articles of ``../shared/data/corpus`` (title and text, as ``Article.tagging_text`` joins them) with
``Tagger.load()`` in this one process, and runs the same texts through a spaCy ``blank("en")`` pipeline with an
EntityRuler holding the same catalogue and gazetteer names (phrase patterns on lower-cased tokens). Throughput
is articles per CPU-second of this process (so other work on the machine does not count against it) and the
same in MB/s of UTF-8 text; "at 5 KB" converts MB/s to 5,000-byte articles. Rows: each corpus file, and the
corpus articles of 4-6 KB, against which the issue's targets are checked. The engines take turns pass by pass;
the best of ``--repeat`` passes is reported. The tagger runs as it is installed: compiled with mypyc when a current
build is there (``make compile``), otherwise as pure Python; ``--pure`` forces the pure build, and the report says
which build ran. ``--write`` replaces the "Tagging" section of bench/RESULTS.md ("Tagging (pure Python)" with
``--pure``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from results import write_section as _write  # noqa: E402 - bench/ is on sys.path when run as a script

from faultline import compiled

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("FAULTLINE_SHARED", REPO.parent / "shared")) / "data" / "corpus"

FILES = ("aljazeera_2025_05.jsonl", "bbc_news_2004_2005.jsonl", "reuters21578.jsonl")
FIVE_KB = 5_000
FIVE_KB_ROW = "articles of 4-6 KB"
TARGET_ARTICLES = 2_000  # articles/s per core on ~5 KB articles (issue 4)
TARGET_RATIO = 5.0  # times the spaCy baseline


def load(limit: int) -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {}
    for name in FILES:
        texts = []
        with (CORPUS / name).open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                parts = [
                    p
                    for p in (str(record.get("title") or "").strip(), str(record.get("text") or "").strip())
                    if p
                ]
                texts.append("\n\n".join(parts))
                if len(texts) >= limit:
                    break
        sets[name.removesuffix(".jsonl")] = texts
    every = [t for texts in sets.values() for t in texts]
    sets[FIVE_KB_ROW] = [t for t in every if 4_000 <= len(t.encode("utf-8")) <= 6_000]
    return sets


def spacy_baseline() -> Callable[[list[str]], None]:
    import spacy

    from faultline.knowledge import load_catalog, load_gazetteer

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    patterns = [
        {"label": "ACTOR", "pattern": text, "id": actor_id}
        for text, actor_id, _ in load_catalog().surface_forms()
    ]
    patterns += [
        {"label": "PLACE", "pattern": text, "id": place_id}
        for text, place_id in load_gazetteer().surface_forms()
    ]
    ruler.add_patterns(patterns)

    def run(texts: list[str]) -> None:
        for doc in nlp.pipe(texts, batch_size=64):
            [(e.start_char, e.end_char, e.ent_id_) for e in doc.ents]

    return run


def faultline_tagger() -> Callable[[list[str]], None]:
    from faultline.tagging import Tagger

    tagger = Tagger.load()

    def run(texts: list[str]) -> None:
        for n, text in enumerate(texts):
            tagger.tag(text, doc_id=str(n))

    return run


def measure_all(
    engines: dict[str, Callable[[list[str]], None]], texts: list[str], repeat: int
) -> dict[str, float]:
    """Best CPU seconds of each engine, the engines taking turns pass by pass (so that load from other work
    on a shared machine falls on both alike)."""
    for run in engines.values():
        run(texts[:20])
    best = dict.fromkeys(engines, float("inf"))
    for _ in range(repeat):
        for engine, run in engines.items():
            start = time.process_time()
            run(texts)
            best[engine] = min(best[engine], time.process_time() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=3000, help="articles per corpus file (default 3000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pure", action="store_true", help="run the tagger from its .py sources (not compiled)")
    parser.add_argument("--write", action="store_true", help="write the results into bench/RESULTS.md")
    args = parser.parse_args(argv)
    if args.pure:
        compiled.prefer_sources()  # before anything imports the tagger

    sets = load(args.limit)
    engines = {"faultline": faultline_tagger(), "spaCy blank + EntityRuler": spacy_baseline()}
    rows = []
    for name, texts in sets.items():
        size = sum(len(t.encode("utf-8")) for t in texts)
        figures = measure_all(engines, texts, args.repeat)
        rows.append((name, len(texts), size / len(texts), figures, size))
        fl, sp = figures["faultline"], figures["spaCy blank + EntityRuler"]
        print(
            f"{name:24} n={len(texts):5d} avg={size / len(texts):6.0f} B  faultline {len(texts) / fl:7.0f} art/s "
            f"{size / fl / 1e6:5.2f} MB/s  spaCy {len(texts) / sp:7.0f} art/s {size / sp / 1e6:5.2f} MB/s  x{sp / fl:.1f}",
            file=sys.stderr,
        )
    build = compiled.status()
    print(f"tagger build: {build['mode']} ({build['reason']})", file=sys.stderr)
    table = render(rows, args.limit, build)
    print(table)
    if args.write:
        _write("tagging-pure" if args.pure else "tagging", table)
    return 0


def describe(build: dict) -> str:
    """One sentence on the build of the tagger that ran."""
    if build["mode"] == "compiled":
        modules = len(build["modules"])
        return f"The tagger ran compiled with mypyc ({modules} modules of `faultline.tagging` and `faultline.knowledge`)."
    return f"The tagger ran as pure Python ({build['reason']})."


def render(rows, limit: int, build: dict) -> str:
    cpu = platform.processor() or platform.machine()
    lines = [
        "## Tagging" if build["mode"] == "compiled" else "## Tagging (pure Python)",
        "",
        f"`bench/tagging.py` (run {date.today().isoformat()}, {cpu}, Python {platform.python_version()}): `Tagger.load()`",
        'against a spaCy `blank("en")` pipeline with an EntityRuler of the same catalogue and gazetteer names,',
        f"in one process, on the first {limit:,} articles of each corpus file and on the corpus articles of 4-6 KB.",
        "Articles per CPU-second of the process (best of the passes), MB/s of UTF-8 text, and MB/s as 5,000-byte",
        "articles per second. The faultline tagger does the whole job (actors, places, events with roles, modality,",
        "casualties, severity, a TagResult); the baseline only finds catalogue names. The engines take turns pass",
        "by pass; on a shared machine the figures still move by a third from run to run.",
        describe(build),
        "",
        f"| articles | n | avg bytes | faultline ({build['mode']}) art/s | faultline MB/s | at 5 KB art/s | spaCy art/s | spaCy MB/s | faultline / spaCy |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, n, avg, figures, size in rows:
        fl, sp = figures["faultline"], figures["spaCy blank + EntityRuler"]
        lines.append(
            f"| {name} | {n:,} | {avg:,.0f} | {n / fl:,.0f} | {size / fl / 1e6:.2f} | {size / fl / FIVE_KB:,.0f} | "
            f"{n / sp:,.0f} | {size / sp / 1e6:.2f} | {sp / fl:.1f}x |"
        )
    lines += ["", target_line(rows)]
    return "\n".join(lines)


def target_line(rows) -> str:
    """The issue's targets against the row of ~5 KB articles."""
    for name, _, _, figures, size in rows:
        if name == FIVE_KB_ROW:
            fl, sp = figures["faultline"], figures["spaCy blank + EntityRuler"]
            per_5kb, ratio = size / fl / FIVE_KB, sp / fl
            met = per_5kb >= TARGET_ARTICLES and ratio >= TARGET_RATIO
            return (
                f"Targets on ~5 KB articles: >= {TARGET_ARTICLES:,} articles/s per core and >= {TARGET_RATIO:.0f}x "
                f"the baseline;\nmeasured {per_5kb:,.0f} articles/s (as 5,000-byte articles) and {ratio:.1f}x: "
                f"{'met' if met else 'not met'}."
            )
    return ""


if __name__ == "__main__":
    sys.exit(main())
