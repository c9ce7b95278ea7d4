"""Field mappings of the three document kinds, and the version of each.

Only what every Elasticsearch 8 has: the ``standard`` analyzer (no analysis-common), no runtime scripts,
no ingest pipelines. Text fields carry a ``.keyword`` sub-field; everything Kibana aggregates on is a
plain ``keyword``/number/date/``geo_point`` (objects, never ``nested``), so a multi-valued field such as
``actors.name.keyword`` aggregates directly. ``dynamic: strict``: a field the document builders do not
declare here is a rejection (and a dead letter), never a silent mapping change.

Bump a kind's version whenever its mapping changes in a way existing indices cannot take; ``faultline
init`` then creates the new indices, moves the write alias and copies the documents over.
"""

from __future__ import annotations

from typing import Any

Mapping = dict[str, Any]

# The mapping version of each kind; it is in the template, the component names and the index names.
VERSIONS: dict[str, int] = {"articles": 1, "events": 1, "alerts": 1}

# Longest keyword value kept in the index (characters); Lucene refuses terms over 32766 bytes.
KEYWORD_MAX = 1024
URL_MAX = 4096


def keyword(ignore_above: int = KEYWORD_MAX) -> Mapping:
    return {"type": "keyword", "ignore_above": ignore_above}


def text(keyword_sub: bool = True) -> Mapping:
    """Full text with the standard analyzer; ``.keyword`` for exact match, sorting and aggregation."""
    field: Mapping = {"type": "text", "analyzer": "standard"}
    if keyword_sub:
        field["fields"] = {"keyword": keyword()}
    return field


DATE: Mapping = {"type": "date"}
BOOL: Mapping = {"type": "boolean"}
INT: Mapping = {"type": "integer"}
BYTE: Mapping = {"type": "byte"}
FLOAT: Mapping = {"type": "float"}
GEO: Mapping = {"type": "geo_point"}
# Kept in _source for display, not indexed: mention offsets and other detail nobody filters on.
STORED_ONLY: Mapping = {"type": "object", "enabled": False}


def obj(**properties: Mapping) -> Mapping:
    return {"properties": properties}


def _versions() -> Mapping:
    return obj(catalog=keyword(), rules=keyword())


def _actor_ref() -> Mapping:
    return obj(id=keyword(), name=text(), kind=keyword(), country=keyword(), member_of=keyword())


def _place_ref() -> Mapping:
    return obj(id=keyword(), name=text(), kind=keyword(), country=keyword(), lat=FLOAT, lon=FLOAT)


def _common() -> dict[str, Mapping]:
    return {"schema_version": INT, "versions": _versions()}


def articles() -> Mapping:
    props: dict[str, Mapping] = {
        **_common(),
        "article_id": keyword(),
        "url": keyword(URL_MAX),
        "guid": keyword(URL_MAX),
        "title": text(),
        "summary": text(keyword_sub=False),
        "content": text(keyword_sub=False),
        "published": DATE,
        "published_from": keyword(),
        "fetched_at": DATE,
        "tagged_at": DATE,
        "language": keyword(),
        "outlet": keyword(),
        "feed_id": keyword(),
        "authors": keyword(),
        "categories": keyword(),
        "flags": keyword(),
        "breaking_eligible": BOOL,
        "story_id": keyword(),
        "actors": obj(
            id=keyword(), name=text(), kind=keyword(), country=keyword(), member_of=keyword(),
            resolved=BOOL, rule=keyword(), mentions=STORED_ONLY,
        ),
        "places": obj(id=keyword(), name=text(), kind=keyword(), country=keyword(), lat=FLOAT, lon=FLOAT,
                      mentions=STORED_ONLY),
        "locations": GEO,
        "countries": keyword(),
        "events": STORED_ONLY,
        "event_types": keyword(),
        "event_modes": keyword(),
        "event_count": INT,
        "dyads": keyword(),
        "severity": obj(score=FLOAT, band=keyword(), rank=BYTE, explanation=text(keyword_sub=False)),
    }
    return {"dynamic": "strict", "properties": props}


def events() -> Mapping:
    props: dict[str, Mapping] = {
        **_common(),
        "event_id": keyword(),
        "article_id": keyword(),
        "story_id": keyword(),
        "type": keyword(),
        "mode": keyword(),
        "source": _actor_ref(),
        "target": _actor_ref(),
        "dyad": keyword(),
        "dyad_label": keyword(),
        "place": _place_ref(),
        "location": GEO,
        "countries": keyword(),
        "negated": BOOL,
        "hypothetical": BOOL,
        "historical": BOOL,
        "attributed_to": keyword(),
        "factual": BOOL,
        "dead": INT,
        "injured": INT,
        "weight": FLOAT,
        "sentence": text(keyword_sub=False),
        "evidence": obj(start=INT, end=INT, text=text(keyword_sub=False)),
        "rule": keyword(),
        "published": DATE,
        "url": keyword(URL_MAX),
        "outlet": keyword(),
        "feed_id": keyword(),
        "breaking_eligible": BOOL,
    }
    return {"dynamic": "strict", "properties": props}


def alerts() -> Mapping:
    props: dict[str, Mapping] = {
        **_common(),
        "alert_id": keyword(),
        "revision": INT,
        "created": DATE,
        "updated": DATE,
        "severity": obj(band=keyword(), rank=BYTE),
        "title": text(),
        "rule": keyword(),
        "rule_kind": keyword(),
        "subscriptions": keyword(),
        "actors": _actor_ref(),
        "dyad": keyword(),
        "event_types": keyword(),
        "places": _place_ref(),
        "locations": GEO,
        "countries": keyword(),
        "story_id": keyword(),
        "sources": INT,
        "dead": INT,
        "injured": INT,
        "evidence": obj(article_id=keyword(), url=keyword(URL_MAX), outlet=keyword(),
                        sentence=text(keyword_sub=False)),
    }
    return {"dynamic": "strict", "properties": props}


MAPPINGS = {"articles": articles, "events": events, "alerts": alerts}

# The field Kibana data views and `faultline search --since` use as each kind's time.
TIME_FIELDS: dict[str, str] = {"articles": "published", "events": "published", "alerts": "updated"}
