"""Decoding Kafka message values: every catalogue event round-trips, bad messages say why."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.events.catalogue import CATALOGUE
from shared.events.codec import DecodeError, decode, encode, new_event
from shared.events.examples import EXAMPLES, example_event
from shared.events.registry import EventSpec
from shared.events.workflow import FeeRequested

pytestmark = pytest.mark.unit

SPECS = list(CATALOGUE)


def spec_of(topic: str) -> EventSpec:
    (spec,) = CATALOGUE.for_topic(topic)
    return spec


def wire(topic: str) -> dict[str, Any]:
    """The JSON object an example event of ``topic`` puts on the wire, ready to be spoiled."""
    return json.loads(encode(example_event(spec_of(topic))))


def rejection(doc: Any, topic: str | None = None) -> str:
    with pytest.raises(DecodeError) as caught:
        decode(json.dumps(doc).encode(), topic=topic)
    return caught.value.reason


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.topic)
def test_every_event_type_survives_encode_and_decode(spec: EventSpec) -> None:
    event = new_event(EXAMPLES[spec.data_model])

    decoded = decode(encode(event), topic=spec.topic)

    assert decoded == event
    assert decoded.type == spec.type and decoded.subject == event.data.case_code


def test_new_event_fills_the_envelope_from_the_catalogue() -> None:
    data = EXAMPLES[FeeRequested]

    event = new_event(data)

    assert event.type == "vn.onestop.fee-requested.v1"
    assert event.source == "/onestop/workflow"
    assert event.dataschema == "urn:onestop:schema:fee-requested:v1"
    assert event.subject == data.case_code
    assert event.time.utcoffset() is not None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty message"),
        (None, "empty message"),
        (b"{not json", "malformed JSON"),
        (b"\xff\xfe", "malformed JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'"case-submitted"', "not a JSON object"),
    ],
)
def test_unparseable_values_are_rejected(raw: bytes | None, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode(raw)


def test_wrong_specversion_is_rejected() -> None:
    doc = wire("case-submitted") | {"specversion": "0.3"}

    assert "specversion" in rejection(doc)


def test_unknown_type_is_rejected() -> None:
    doc = wire("case-submitted") | {"type": "vn.onestop.case-submitted.v9"}

    assert "unknown event type 'vn.onestop.case-submitted.v9'" in rejection(doc)


def test_event_on_another_types_topic_is_rejected() -> None:
    reason = rejection(wire("case-submitted"), topic="case-resolved")

    assert "does not belong on topic 'case-resolved'" in reason


@pytest.mark.parametrize("attribute", ["id", "time", "subject", "data"])
def test_missing_envelope_attribute_is_named(attribute: str) -> None:
    doc = wire("case-resolved")
    del doc[attribute]

    assert attribute in rejection(doc)


def test_missing_data_field_is_named() -> None:
    doc = wire("payment-approved")
    del doc["data"]["decision_number"]

    assert "data.decision_number: Field required" in rejection(doc, topic="payment-approved")


def test_unknown_data_field_is_named() -> None:
    doc = wire("case-resolved")
    doc["data"]["comment"] = "extra"

    assert "data.comment: Extra inputs are not permitted" in rejection(doc)


@pytest.mark.parametrize(
    ("topic", "path", "value"),
    [
        ("payment-approved", ("amount_vnd",), 1.5),
        ("payment-approved", ("amount_vnd",), "1500000"),
        ("payment-approved", ("amount_vnd",), 0),
        ("case-submitted", ("fee_vnd",), -1),
        ("case-submitted", ("applicant", "phone"), "0912345678"),
        ("case-submitted", ("applicant", "citizen_id"), "04018500123"),
        ("case-submitted", ("applicant", "email"), "not-an-address"),
        ("case-submitted", ("channel",), "fax"),
        ("case-submitted", ("received_at",), "2025-07-14T09:00:00"),
        ("case-resolved", ("timeliness",), "soon"),
        ("step-completed", ("step", "role"), "janitor"),
    ],
)
def test_bad_field_value_is_rejected_naming_the_field(
    topic: str, path: tuple[str, ...], value: Any
) -> None:
    doc = wire(topic)
    target = doc["data"]
    for name in path[:-1]:
        target = target[name]
    target[path[-1]] = value

    assert f"data.{'.'.join(path)}:" in rejection(doc, topic=topic)


def test_float_amount_is_rejected_even_when_whole() -> None:
    doc = wire("fee-requested")
    doc["data"]["amount_vnd"] = 50000.0

    assert "data.amount_vnd: Input should be a valid integer" in rejection(doc)


def test_subject_must_be_the_case_code() -> None:
    doc = wire("case-resolved") | {"subject": "SNV.NA-250714-0008"}

    assert rejection(doc) == "subject must equal data.case_code"


def test_bad_case_code_is_rejected() -> None:
    doc = wire("case-resolved") | {"subject": "case 7"}

    assert "subject: String should match pattern" in rejection(doc)


def test_times_are_put_on_the_wire_in_utc() -> None:
    doc = wire("step-completed")
    doc["data"]["completed_at"] = "2025-07-22T16:00:00+07:00"

    event = decode(json.dumps(doc).encode())

    assert event.data.completed_at == datetime(2025, 7, 22, 9, tzinfo=UTC)
    assert json.loads(encode(event))["data"]["completed_at"] == "2025-07-22T09:00:00Z"
