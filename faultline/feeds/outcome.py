"""What one poll of one feed produced, and the summary of a run over many feeds."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Outcome = Literal["ok", "not_modified", "failed", "publish_failed"]


@dataclass
class PollResult:
    feed_id: str
    outcome: Outcome
    http_status: int | None = None
    error: str | None = None  # why the poll failed, for the operator
    entries: int = 0  # entries in the response
    published: int = 0  # new articles the broker acknowledged
    duplicates: int = 0  # entries already published (by any feed) or repeated in the response
    unidentified: int = 0  # entries with neither link nor GUID
    dead_lettered: int = 0  # entries that could not be normalised or published, sent to the DLQ
    publish_failures: int = 0  # articles the broker did not acknowledge; retried on the next poll
    bozo: str | None = None  # why feedparser found the document ill-formed, when it did
    moved_to: str | None = None  # final URL when every redirect was permanent
    etag: str | None = None
    last_modified: str | None = None
    hint_seconds: int | None = None  # the feed's and the server's caching hints
    retry_after: int | None = None
    elapsed: float = 0.0


@dataclass
class RunSummary:
    """Totals over the polls of one ``--once`` run (or one cycle)."""

    feeds: int = 0
    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    publish_failed: int = 0
    entries: int = 0
    published: int = 0
    duplicates: int = 0
    unidentified: int = 0
    dead_lettered: int = 0
    publish_failures: int = 0
    bozo: int = 0
    elapsed: float = 0.0
    failures: dict[str, str] = field(default_factory=dict)  # feed id -> error

    def add(self, r: PollResult) -> None:
        self.feeds += 1
        setattr(self, r.outcome, getattr(self, r.outcome) + 1)
        for key in ("entries", "published", "duplicates", "unidentified", "dead_lettered", "publish_failures"):
            setattr(self, key, getattr(self, key) + getattr(r, key))
        self.bozo += bool(r.bozo)
        if r.outcome in ("failed", "publish_failed"):
            self.failures[r.feed_id] = r.error or r.outcome

    def to_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        out = [
            f"polled {self.feeds} feeds in {self.elapsed:.1f}s: {self.ok} ok, {self.not_modified} not modified, "
            f"{self.failed} failed" + (f", {self.publish_failed} not published (broker)" if self.publish_failed else ""),
            f"entries seen {self.entries}, articles published {self.published}, duplicates skipped "
            f"{self.duplicates}, without link or guid {self.unidentified}, dead-lettered {self.dead_lettered}"
            + (f", not acknowledged {self.publish_failures}" if self.publish_failures else ""),
        ]
        if self.bozo:
            out.append(f"{self.bozo} feeds were ill-formed but readable (see `faultline feeds status`)")
        return out


def http_disposition(status: int) -> Literal["parse", "not_modified", "failed"]:
    """What to do with a final (post-redirect) HTTP status."""
    if status in (200, 203):
        return "parse"
    if status == 304:
        return "not_modified"
    return "failed"
