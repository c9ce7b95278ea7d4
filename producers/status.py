"""The per-feed status file that `faultline feeds status` prints: ``$FAULTLINE_HOME/producer/<namespace>/status.json``.

It is a report for the operator (last success, last error, items seen, next poll), rewritten atomically
while the producer runs. Nothing the producer needs for correctness lives here: validators and the
seen-state are in Kafka.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path

from faultline.feeds.state import FeedState
from faultline.settings import Settings

log = logging.getLogger(__name__)


def status_path(settings: Settings) -> Path:
    return settings.home / "producer" / settings.namespace / "status.json"


def read_status(path: Path) -> dict:
    """The status document; an empty one when the file does not exist yet."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"feeds": {}}


def load_states(path: Path) -> dict[str, FeedState]:
    try:
        doc = read_status(path)
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable status file %s: %s", path, exc)
        return {}
    return {fid: FeedState.from_dict(d) for fid, d in (doc.get("feeds") or {}).items() if isinstance(d, dict)}


def write_status(path: Path, states: dict[str, FeedState], *, updated: datetime, registry: str,
                 summary: dict | None = None) -> None:
    doc = {"updated": updated.isoformat(), "registry": registry, "summary": summary,
           "feeds": {fid: st.to_dict() for fid, st in sorted(states.items())}}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".status-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
