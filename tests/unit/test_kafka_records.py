import pytest

from shared.events.catalogue import CATALOGUE
from shared.events.codec import decode
from shared.events.examples import example_event
from shared.kafka.records import record_for

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("spec", list(CATALOGUE), ids=lambda s: s.topic)
def test_every_event_goes_to_its_topic_keyed_by_case_code(spec) -> None:
    event = example_event(spec)
    record = record_for(event)
    assert record.topic == spec.topic
    assert record.key == event.data.case_code
    assert decode(record.value, topic=spec.topic) == event


def test_cloudevents_headers_repeat_id_type_and_source() -> None:
    event = example_event(CATALOGUE.for_topic("case-submitted")[0])
    headers = dict(record_for(event).headers)
    assert headers["ce_id"] == str(event.id).encode()
    assert headers["ce_type"] == b"vn.onestop.case-submitted.v1"
    assert headers["ce_source"] == b"/onestop/intake"
    assert headers["content-type"].startswith(b"application/cloudevents+json")
