"""Feeds, the pure part: everything the producers decide, without network, broker or clock.

- ``registry``  the feed registry file: model and validation
- ``urls``      URL canonicalisation and article ids
- ``text``      HTML to clean text
- ``dates``     dates to UTC, future/stale flags
- ``language``  language codes and detection
- ``parse``     feedparser over fetched bytes, feed hints, entity-expansion guard
- ``normalise`` feed entries (and replay records) to ``schema.Article``
- ``policy``    polling intervals, hints, backoff, jitter
- ``state``     per-feed state and its transitions after each poll
- ``seen``      the seen-index (acknowledged ids, in-flight claims) and its Kafka records
- ``netguard``  which addresses a feed URL may reach (SSRF)
- ``config``    the producer's knobs, in one dataclass
"""
