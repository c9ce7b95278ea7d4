"""What ``faultline up`` shows: a snapshot of the pipeline rendered as text (pure; the numbers come in)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from faultline.schema import SEVERITY_BANDS, Alert


class AlertTally:
    """Alerts seen so far, each id once at its latest revision."""

    def __init__(self) -> None:
        self.latest: dict[str, Alert] = {}

    def add(self, alerts: list[Alert]) -> list[Alert]:
        """Record alerts; return those that are new or revised."""
        changed = []
        for a in alerts:
            prev = self.latest.get(a.alert_id)
            if prev is None or a.revision > prev.revision:
                self.latest[a.alert_id] = a
                changed.append(a)
        return changed

    def by_severity(self) -> Counter:
        return Counter(a.severity for a in self.latest.values())

    def recent(self, n: int = 8) -> list[Alert]:
        return sorted(self.latest.values(), key=lambda a: (a.updated, a.alert_id))[-n:]


@dataclass
class StageLag:
    stage: str  # "worker" or "indexer"
    lag: int | None  # messages not yet processed; None when the group has not committed yet
    topics: tuple[str, ...] = ()


@dataclass
class Snapshot:
    elapsed: float  # seconds since start
    children: dict[str, str]  # name -> status ("running", "restarting", ...)
    feeds_ok: int | None = None
    feeds_failing: int | None = None
    raw_total: int = 0  # messages on the raw topic since start
    raw_rate: float = 0.0  # articles/s over the last interval
    lags: list[StageLag] = field(default_factory=list)
    indexed: dict[str, int] = field(default_factory=dict)  # alias kind -> documents
    alerts_by_severity: Counter = field(default_factory=Counter)
    recent_alerts: list[Alert] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # supervisor happenings


def render(s: Snapshot, width: int = 100) -> list[str]:
    """The live view, one line per fact; the most recent alerts last."""
    lines = [f"faultline up · {int(s.elapsed // 60):02d}:{int(s.elapsed % 60):02d}  " +
             "  ".join(f"{name}: {status}" for name, status in s.children.items())]
    feeds = ("feeds: -" if s.feeds_ok is None
             else f"feeds: {s.feeds_ok} ok, {s.feeds_failing or 0} failing")
    lines.append(f"{feeds} · articles: {s.raw_total} ({s.raw_rate:.1f}/s)")
    lags = " · ".join(f"{lag.stage} lag {lag.lag if lag.lag is not None else '-'}" for lag in s.lags)
    indexed = " · ".join(f"{k} {v}" for k, v in s.indexed.items())
    lines.append(f"{lags} · indexed: {indexed or '-'}")
    lines.append("alerts: " + "  ".join(f"{band} {s.alerts_by_severity.get(band, 0)}"
                                         for band in reversed(SEVERITY_BANDS)))
    for alert in s.recent_alerts[-8:]:
        lines.append(_clip(f"  [{alert.severity:>8}] {alert.title}", width))
    for event in s.events[-3:]:
        lines.append(_clip(f"  ! {event}", width))
    return lines


@dataclass
class Summary:
    feeds: dict[str, int]  # ok / not_modified / failed
    articles_published: int
    articles_indexed: int
    events_indexed: int
    events_by_type: dict[str, int]
    alerts_by_severity: dict[str, int]
    top_dyads: list[tuple[str, int]]
    alerts_on_topic: int
    es_url: str
    articles_alias: str
    alerts_topic: str

    def to_dict(self) -> dict:
        return {
            "feeds": self.feeds, "articles_published": self.articles_published,
            "articles_indexed": self.articles_indexed, "events_indexed": self.events_indexed,
            "events_by_type": self.events_by_type, "alerts_by_severity": self.alerts_by_severity,
            "alerts_on_topic": self.alerts_on_topic,
            "top_dyads": [{"dyad": d, "events": n} for d, n in self.top_dyads],
            "search": {"es_url": self.es_url, "articles_alias": self.articles_alias,
                       "alerts_topic": self.alerts_topic},
        }


def render_summary(s: Summary) -> list[str]:
    feeds = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in s.feeds.items())
    lines = [
        f"feeds:    {feeds}",
        f"articles: {s.articles_published} published, {s.articles_indexed} indexed",
        f"events:   {s.events_indexed} indexed" + (
            " (" + ", ".join(f"{t} {n}" for t, n in sorted(s.events_by_type.items(), key=lambda kv: -kv[1])) + ")"
            if s.events_by_type else ""),
        "alerts:   " + ", ".join(f"{band} {s.alerts_by_severity.get(band, 0)}" for band in reversed(SEVERITY_BANDS))
        + f" ({s.alerts_on_topic} on {s.alerts_topic})",
    ]
    if s.top_dyads:
        lines.append("top dyads:")
        lines += [f"  {dyad:50} {n}" for dyad, n in s.top_dyads]
    lines.append(f"search:   faultline search QUERY   (or {s.es_url}/{s.articles_alias}/_search; Kibana via docker compose)")
    lines.append(f"alerts:   faultline alerts tail --from-beginning   (topic {s.alerts_topic})")
    return lines


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
