"""The per-message logic of the consumer runner, with fakes of the handler and the publisher."""

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError
from aiokafka.structs import ConsumerRecord
from pymongo.errors import AutoReconnect

from shared.events.catalogue import CATALOGUE
from shared.events.envelope import Envelope
from shared.events.examples import example_event
from shared.kafka.delivery import Delivery
from shared.kafka.records import Headers, record_for
from shared.observability.logging import JsonFormatter
from shared.settings import ServiceSettings

pytestmark = pytest.mark.unit

SETTINGS = ServiceSettings(
    consumer_max_attempts=3, consumer_backoff_initial_s=0.001, consumer_backoff_max_s=0.002
)
EVENT = example_event(CATALOGUE.for_topic("case-submitted")[0])
GOOD = record_for(EVENT).value


class FakePublisher:
    def __init__(self, outages: int = 0) -> None:
        self.sent: list[tuple[str, bytes | None, bytes | None, Headers]] = []
        self._outages = outages

    async def publish_raw(
        self, topic: str, value: bytes | None, *, key: bytes | None = None, headers: Headers | None
    ) -> None:
        if self._outages:
            self._outages -= 1
            raise KafkaConnectionError("broker unreachable")
        self.sent.append((topic, value, key, headers or []))


class FlakyHandler:
    """Raises the given exceptions in turn, then succeeds."""

    def __init__(self, *failures: Exception, forever: Exception | None = None) -> None:
        self.calls: list[Envelope] = []
        self._failures = list(failures)
        self._forever = forever

    async def __call__(self, event: Envelope) -> None:
        self.calls.append(event)
        if self._failures:
            raise self._failures.pop(0)
        if self._forever:
            raise self._forever


def message(value: bytes) -> ConsumerRecord:
    return ConsumerRecord(
        topic="t-case-submitted",
        partition=0,
        offset=7,
        timestamp=0,
        timestamp_type=0,
        key=EVENT.subject.encode(),
        value=value,
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=len(value),
        headers=[],
    )


def delivery(handler: FlakyHandler, publisher: FakePublisher, stopping=None) -> Delivery:
    return Delivery(
        SETTINGS, handler, publisher, group="t-workflow", stopping=stopping or asyncio.Event()
    )


async def deliver(handler: FlakyHandler, publisher: FakePublisher, value: bytes) -> bool:
    return await delivery(handler, publisher).deliver(message(value), "case-submitted")


async def test_a_good_message_reaches_the_handler_once() -> None:
    handler, publisher = FlakyHandler(), FakePublisher()
    assert await deliver(handler, publisher, GOOD)
    assert handler.calls == [EVENT]
    assert publisher.sent == []


async def test_a_handler_that_recovers_within_the_attempts_is_not_dead_lettered() -> None:
    handler, publisher = FlakyHandler(ValueError("1"), ValueError("2")), FakePublisher()
    assert await deliver(handler, publisher, GOOD)
    assert len(handler.calls) == 3
    assert publisher.sent == []


async def test_a_handler_that_always_fails_is_dead_lettered_after_max_attempts() -> None:
    handler, publisher = FlakyHandler(forever=ValueError("no such procedure")), FakePublisher()
    assert await deliver(handler, publisher, GOOD)
    assert len(handler.calls) == SETTINGS.consumer_max_attempts
    [(topic, value, key, headers)] = publisher.sent
    assert (topic, value, key) == ("case-submitted.dlq", GOOD, EVENT.subject.encode())
    fields = dict(headers)
    assert b"no such procedure" in fields["dlq_reason"]
    assert fields["dlq_attempts"] == b"3"
    assert fields["dlq_exception_type"] == b"ValueError"
    assert fields["dlq_consumer_group"] == b"t-workflow"


async def test_an_outage_longer_than_max_attempts_never_dead_letters() -> None:
    outages = [AutoReconnect("db restarting") for _ in range(SETTINGS.consumer_max_attempts * 3)]
    handler, publisher = FlakyHandler(*outages), FakePublisher()
    assert await deliver(handler, publisher, GOOD)
    assert len(handler.calls) == len(outages) + 1
    assert publisher.sent == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"{not json", b"malformed JSON"),
        (b"", b"empty message"),
        (json.dumps({**json.loads(GOOD), "type": "vn.onestop.nope.v1"}).encode(), b"unknown"),
    ],
)
async def test_an_undecodable_message_is_dead_lettered_at_once(value: bytes, reason: bytes) -> None:
    handler, publisher = FlakyHandler(), FakePublisher()
    assert await deliver(handler, publisher, value)
    assert handler.calls == []
    [(topic, sent_value, _, headers)] = publisher.sent
    assert (topic, sent_value) == ("case-submitted.dlq", value)
    assert dict(headers)["dlq_reason"].startswith(reason)
    assert dict(headers)["dlq_exception_type"] == b"DecodeError"


async def test_an_event_on_the_wrong_topic_is_dead_lettered() -> None:
    handler, publisher = FlakyHandler(), FakePublisher()
    wrong = record_for(example_event(CATALOGUE.for_topic("case-rated")[0])).value
    assert await deliver(handler, publisher, wrong)
    assert handler.calls == []
    assert b"does not belong on topic" in dict(publisher.sent[0][3])["dlq_reason"]


async def test_an_unreachable_dead_letter_topic_is_retried_until_it_takes_the_message() -> None:
    handler, publisher = FlakyHandler(), FakePublisher(outages=10)
    assert await deliver(handler, publisher, b"{not json")
    assert len(publisher.sent) == 1


async def test_stopping_during_a_retry_leaves_the_message_unfinished() -> None:
    stopping = asyncio.Event()
    stopping.set()
    handler, publisher = FlakyHandler(forever=AutoReconnect("down")), FakePublisher()
    runner = delivery(handler, publisher, stopping)
    assert not await runner.deliver(message(GOOD), "case-submitted")
    assert len(handler.calls) == 1
    assert publisher.sent == []


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("test"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


async def test_the_handler_logs_with_the_case_code_and_event_id(log_lines: io.StringIO) -> None:
    async def handler(event: Envelope) -> None:
        logging.getLogger("handler").warning("handling")

    await delivery(handler, FakePublisher()).deliver(message(GOOD), "case-submitted")  # type: ignore[arg-type]
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    [line] = [line for line in lines if line["message"] == "handling"]
    assert line["case_code"] == EVENT.subject
    assert line["event_id"] == str(EVENT.id)
    assert line["offset"] == "7"


class SizeLimitedPublisher(FakePublisher):
    """Refuses, as the broker does, a record larger than ``limit`` bytes (value and headers)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self._limit = limit

    async def publish_raw(
        self, topic: str, value: bytes | None, *, key: bytes | None = None, headers: Headers | None
    ) -> None:
        size = len(value or b"") + sum(len(k) + len(v) for k, v in headers or [])
        if size > self._limit:
            raise MessageSizeTooLargeError(f"{size} bytes")
        await super().publish_raw(topic, value, key=key, headers=headers)


async def test_a_message_with_oversized_headers_is_parked_without_them() -> None:
    record = message(b"{not json")
    record.headers.append(("huge", b"x" * 5000))
    publisher = SizeLimitedPublisher(limit=2000)
    assert await delivery(FlakyHandler(), publisher).deliver(record, "case-submitted")
    [(_, value, _, headers)] = publisher.sent
    assert value == b"{not json"
    assert "huge" not in dict(headers)
    assert dict(headers)["dlq_dropped"] == b"original headers"


async def test_a_message_too_large_to_park_whole_is_parked_as_its_reason() -> None:
    publisher = SizeLimitedPublisher(limit=1500)
    assert await deliver(FlakyHandler(), publisher, b"[" * 4000)
    [(_, value, _, headers)] = publisher.sent
    assert value is None
    assert dict(headers)["dlq_dropped"] == b"original headers and value"
    assert dict(headers)["dlq_original_offset"] == b"7"
