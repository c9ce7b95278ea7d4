import pytest
from indexing_samples import alert, article, event

from faultline.errors import SchemaError
from faultline.indexing.sources import decode, kinds_by_topic, topics_by_kind
from faultline.names import Names
from faultline.schema import Alert, Event, TaggedArticle


def test_each_indexed_topic_feeds_one_kind():
    names = Names("t1")
    assert kinds_by_topic(names) == {"t1.articles.tagged": "articles", "t1.events": "events", "t1.alerts": "alerts"}
    assert set(topics_by_kind(names)) == {"articles", "events", "alerts"}


def test_records_decode_as_their_topics_type():
    assert isinstance(decode("articles", article().to_json()), TaggedArticle)
    assert isinstance(decode("events", event().to_json()), Event)
    assert isinstance(decode("alerts", alert().to_json()), Alert)


@pytest.mark.parametrize("kind,payload", [
    ("events", b"not json"), ("events", alert().to_json()), ("alerts", b"{}"), ("articles", None),
])
def test_what_is_not_a_record_of_the_topic_is_a_schema_error(kind, payload):
    with pytest.raises(SchemaError):
        decode(kind, payload)
