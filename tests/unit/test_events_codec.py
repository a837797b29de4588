"""Decoding Kafka message values: every catalogue event round-trips, bad messages say why."""

import contextlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.events.catalogue import CATALOGUE
from shared.events.codec import (
    MAX_NESTING,
    MAX_REASON_CHARS,
    MAX_VALUE_BYTES,
    DecodeError,
    decode,
    encode,
    new_event,
)
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


def test_a_fractional_amount_is_rejected_and_a_whole_one_is_that_integer() -> None:
    doc = wire("fee-requested")
    doc["data"]["amount_vnd"] = 50000.5
    assert "data.amount_vnd: Input should be a valid integer" in rejection(doc)

    # 50000.0 is an integer in JSON Schema, which the published contracts are written in.
    doc["data"]["amount_vnd"] = 50000.0
    decoded = decode(json.dumps(doc).encode(), topic="fee-requested")
    assert decoded.data.model_dump()["amount_vnd"] == 50000


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


# Poison messages: each must come out as a DecodeError with its reason, never as anything else,
# since any other exception stops the consumer on that message for good.


def poisoned(raw: Any) -> str:
    with pytest.raises(DecodeError) as caught:
        decode(raw, topic="case-submitted")
    return caught.value.reason


def example_bytes(topic: str = "case-submitted") -> bytes:
    return encode(example_event(spec_of(topic)))


def test_invalid_utf8_is_named_with_its_position() -> None:
    raw = example_bytes().replace(b'"data"', b'"d\xffta"')

    assert poisoned(raw).startswith("invalid UTF-8 at byte ")


def test_a_byte_order_mark_is_not_json() -> None:
    assert "malformed JSON" in poisoned(b"\xef\xbb\xbf" + example_bytes())


def test_utf16_is_not_taken_for_json() -> None:
    assert poisoned(example_bytes().decode().encode("utf-16")).startswith("invalid UTF-8")


def test_two_hundred_thousand_brackets_are_rejected_not_raised() -> None:
    assert poisoned(b"[" * 200_000) == f"malformed JSON: nested deeper than {MAX_NESTING}"


def test_nesting_the_parser_survives_is_still_refused() -> None:
    doc = wire("case-submitted")
    doc["data"]["applicant"]["full_name"] = json.loads("[" * 200 + "]" * 200)

    assert "nested deeper than" in poisoned(json.dumps(doc).encode())


def test_nesting_at_the_limit_reaches_validation() -> None:
    doc = json.loads("[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1))

    assert poisoned(json.dumps({"specversion": "1.0", "type": doc}).encode()).startswith(
        "unknown event type"
    )


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"case-submitted"', b"42", b"null", b"true"])
def test_a_value_that_is_not_an_object_is_rejected(raw: bytes) -> None:
    assert poisoned(raw) == "not a JSON object"


@pytest.mark.parametrize("raw", [None, b"", bytearray(), memoryview(b"")])
def test_no_value_is_an_empty_message(raw: Any) -> None:
    assert poisoned(raw) == "empty message"


@pytest.mark.parametrize("raw", ["{}", 42, ["not", "bytes"]])
def test_a_value_that_is_not_bytes_is_rejected(raw: Any) -> None:
    assert poisoned(raw).endswith("not bytes")


def test_bytes_in_other_containers_decode() -> None:
    raw = example_bytes()

    assert decode(bytearray(raw)) == decode(memoryview(raw)) == decode(raw)


def test_an_oversized_value_is_rejected_before_parsing() -> None:
    raw = example_bytes() + b" " * MAX_VALUE_BYTES

    assert poisoned(raw) == f"value of {len(raw)} bytes exceeds {MAX_VALUE_BYTES}"


def test_an_integer_of_thousands_of_digits_is_malformed() -> None:
    raw = example_bytes().replace(b'"fee_vnd":', b'"fee_vnd":' + b"9" * 5000 + b',"x":')

    assert poisoned(raw).startswith("malformed JSON: Exceeds the limit")


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_json_numbers_are_malformed(constant: bytes) -> None:
    raw = example_bytes().replace(b'"fee_vnd":', b'"fee_vnd":' + constant + b',"x":')

    assert poisoned(raw) == f"malformed JSON: {constant.decode()} is not JSON"


def test_a_repeated_key_is_malformed() -> None:
    raw = example_bytes().replace(b'"data":', b'"subject":"X-250101-0001","data":')

    assert poisoned(raw) == "malformed JSON: repeated key 'subject'"


@pytest.mark.parametrize("type_", [None, 7, ["vn.onestop.case-submitted.v1"], {"a": 1}])
def test_a_type_that_is_not_a_string_is_unknown(type_: Any) -> None:
    assert poisoned(json.dumps(wire("case-submitted") | {"type": type_}).encode()).startswith(
        "unknown event type"
    )


def test_wrong_schema_names_the_field() -> None:
    doc = wire("case-submitted")
    doc["data"] = ["not", "an", "object"]

    assert poisoned(json.dumps(doc).encode()).startswith("invalid vn.onestop.case-submitted.v1")


def test_a_huge_reason_is_cut() -> None:
    raw = json.dumps(wire("case-submitted") | {"type": "x" * 100_000}).encode()

    reason = poisoned(raw)

    assert len(reason) == MAX_REASON_CHARS and reason.endswith("…")


def test_any_other_failure_becomes_a_decode_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(doc: object) -> None:
        raise RecursionError("deep inside a validator")

    monkeypatch.setattr(spec_of("case-submitted").envelope_model, "model_validate", broken)

    assert (
        poisoned(example_bytes()) == "unreadable message: RecursionError: deep inside a validator"
    )


def test_cancellation_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def cancelled(doc: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(spec_of("case-submitted").envelope_model, "model_validate", cancelled)

    with pytest.raises(KeyboardInterrupt):
        decode(example_bytes())


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise_anything_but_decode_error(raw: bytes) -> None:
    with contextlib.suppress(DecodeError):
        decode(raw)


@given(st.integers(min_value=0), st.binary(min_size=1, max_size=8))
def test_a_spoiled_event_never_raises_anything_but_decode_error(at: int, junk: bytes) -> None:
    raw = example_bytes("payment-approved")
    at %= len(raw)
    with contextlib.suppress(DecodeError):
        decode(raw[:at] + junk + raw[at + len(junk) :])
