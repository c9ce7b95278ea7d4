"""Feed producers: poll RSS/Atom feeds and publish each new article to the raw topic, exactly once by id.

Thin adapters around ``faultline.feeds``: ``fetch`` (aiohttp, limits, SSRF guard), ``kafka_io``
(kafka-python), ``seenstore`` (seen-state topic), ``status`` (status file), ``poller`` (the loop),
``fulltext`` (optional trafilatura), ``replay`` (JSON Lines backfills), ``app`` (wiring).
Run with ``faultline produce`` or ``python -m producers``.
"""
