"""Every event's envelope ``time`` is when its fact happened, not when it was published."""

from datetime import UTC, datetime

import pytest

from services.workflow.service_layer.handlers import envelopes
from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.decisions import PaymentApproved
from shared.events.examples import EXAMPLES
from shared.events.times import FACT_TIME_FIELDS, fact_time

pytestmark = pytest.mark.unit

PUBLISHED_LATER = datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize("spec", list(CATALOGUE), ids=lambda spec: spec.topic)
def test_each_event_type_names_the_time_of_its_fact(spec: object) -> None:
    model = CATALOGUE.for_topic(spec.topic)[0].data_model  # type: ignore[attr-defined]
    assert FACT_TIME_FIELDS[model.__name__] in model.model_fields


@pytest.mark.parametrize("spec", list(CATALOGUE), ids=lambda spec: spec.topic)
def test_the_envelope_carries_the_facts_time_whenever_it_is_published(spec: object) -> None:
    data = EXAMPLES[spec.data_model]  # type: ignore[attr-defined]
    event = new_event(data, time=PUBLISHED_LATER)
    assert event.time == getattr(data, FACT_TIME_FIELDS[type(data).__name__])
    assert event.time != PUBLISHED_LATER


def test_a_payment_published_at_the_hand_over_is_dated_at_the_decision() -> None:
    payment = EXAMPLES[PaymentApproved]
    assert isinstance(payment, PaymentApproved)
    [event] = envelopes([payment], PUBLISHED_LATER)
    assert event.time == payment.approved_at == fact_time(payment)
