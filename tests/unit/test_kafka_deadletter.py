import pytest
from aiokafka.structs import ConsumerRecord

from shared.kafka.deadletter import (
    MAX_REASON_BYTES,
    Failure,
    dead_letter_headers,
    dlq_topic,
    truncate,
)

pytestmark = pytest.mark.unit


def consumed(headers: list[tuple[str, bytes]]) -> ConsumerRecord:
    return ConsumerRecord(
        topic="t1-case-submitted",
        partition=2,
        offset=41,
        timestamp=0,
        timestamp_type=0,
        key=b"SNV.NA-250714-0007",
        value=b"{not json",
        checksum=None,
        serialized_key_size=18,
        serialized_value_size=9,
        headers=headers,
    )


def test_dead_letter_topic_is_the_topic_with_a_dlq_suffix() -> None:
    assert dlq_topic("case-submitted") == "case-submitted.dlq"


def test_headers_say_why_where_from_and_who_gave_up() -> None:
    failure = Failure("handler exploded", attempts=5, exception_type="ValueError")
    headers = dict(dead_letter_headers(consumed([]), "t1-workflow", failure))
    assert headers == {
        "dlq_reason": b"handler exploded",
        "dlq_original_topic": b"t1-case-submitted",
        "dlq_original_partition": b"2",
        "dlq_original_offset": b"41",
        "dlq_consumer_group": b"t1-workflow",
        "dlq_attempts": b"5",
        "dlq_exception_type": b"ValueError",
    }


def test_original_headers_are_kept_and_stale_dlq_headers_replaced() -> None:
    original = [("ce_id", b"abc"), ("dlq_reason", b"an older failure")]
    headers = dead_letter_headers(consumed(original), "g", Failure("new", 1, "DecodeError"))
    assert ("ce_id", b"abc") in headers
    assert [v for k, v in headers if k == "dlq_reason"] == [b"new"]


def test_long_reasons_are_cut_without_breaking_utf8() -> None:
    reason = "Hồ sơ không hợp lệ " * 500
    cut = truncate(reason, MAX_REASON_BYTES)
    assert len(cut) <= MAX_REASON_BYTES
    assert reason.startswith(cut.decode())
