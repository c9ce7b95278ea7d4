"""The producer's knobs in one place. Defaults suit a public deployment; the CLI exposes each one."""

from __future__ import annotations

from dataclasses import dataclass, field

from faultline import __version__
from faultline.feeds.normalise import NormaliseOptions
from faultline.feeds.policy import PollPolicy

USER_AGENT = f"Faultline/{__version__} (RSS/Atom reader; polls politely, honours ttl and Retry-After)"
COMPRESSION_TYPES = ("gzip", "snappy", "lz4", "zstd", "none")


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 10.0  # seconds to open a connection (DNS included)
    read_timeout: float = 30.0  # seconds without a byte from the server
    total_timeout: float = 60.0  # seconds for a whole fetch, redirects included (slow-drip servers)
    max_bytes: int = 10 * 1024 * 1024  # largest body, after decompression
    max_redirects: int = 5
    max_connections: int = 64  # open connections in total
    max_per_host: int = 2  # open connections to one host
    allow_private: bool = False  # allow loopback/private/link-local addresses (tests, intranet feeds)
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        if min(self.connect_timeout, self.read_timeout, self.total_timeout) <= 0:
            raise ValueError("timeouts must be positive")
        if self.max_bytes < 1024 or self.max_connections < 1 or self.max_per_host < 1 or self.max_redirects < 0:
            raise ValueError("limits must be positive")


@dataclass(frozen=True)
class FulltextOptions:
    enabled: bool = False  # fetch each new article's page and extract its main text (the `fulltext` extra)
    concurrency: int = 4
    max_bytes: int = 3 * 1024 * 1024


@dataclass(frozen=True)
class PublishOptions:
    compression: str = "gzip"
    linger_ms: int = 20
    delivery_timeout_ms: int = 120_000  # how long the client retries one record before giving up

    def __post_init__(self) -> None:
        if self.compression not in COMPRESSION_TYPES:
            raise ValueError(f"compression must be one of {COMPRESSION_TYPES}")
        if self.delivery_timeout_ms < 1000 + self.linger_ms:
            raise ValueError("the delivery timeout must be at least one second")


@dataclass(frozen=True)
class ProducerConfig:
    fetch: FetchLimits = field(default_factory=FetchLimits)
    policy: PollPolicy = field(default_factory=PollPolicy)
    normalise: NormaliseOptions = field(default_factory=NormaliseOptions)
    fulltext: FulltextOptions = field(default_factory=FulltextOptions)
    publish: PublishOptions = field(default_factory=PublishOptions)
    status_every: float = 15.0  # seconds between status-file writes while running
    # At start-up, the raw topic's last ``recover_window`` seconds are read for articles acknowledged just
    # before an exit whose seen-marks never made it (0: do not look).
    recover_window: float = 3600.0
    # Article marks older than this many seconds are deleted from the seen-state (0: kept for ever).
    seen_retention: float = 30 * 86400.0

    def __post_init__(self) -> None:
        if self.seen_retention < 0 or self.recover_window < 0:
            raise ValueError("seen_retention and recover_window must not be negative")
