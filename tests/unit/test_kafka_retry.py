import pytest
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    NotLeaderForPartitionError,
)
from pymongo.errors import AutoReconnect, DuplicateKeyError, ServerSelectionTimeoutError

from shared.kafka.retry import backoff_delay, is_infrastructure_outage
from shared.mongo.conflict import Conflict

pytestmark = pytest.mark.unit


def test_backoff_doubles_from_initial_up_to_the_cap() -> None:
    full = [backoff_delay(n, initial_s=0.2, max_s=1.0, rand=lambda: 1.0) for n in range(1, 6)]
    assert full == pytest.approx([0.2, 0.4, 0.8, 1.0, 1.0])


def test_jitter_keeps_at_least_half_of_the_step() -> None:
    low = [backoff_delay(n, initial_s=0.2, max_s=1.0, rand=lambda: 0.0) for n in range(1, 5)]
    assert low == pytest.approx([0.1, 0.2, 0.4, 0.5])


def test_a_very_long_outage_stays_at_the_cap() -> None:
    assert backoff_delay(100_000, initial_s=0.2, max_s=5.0, rand=lambda: 1.0) == 5.0


@pytest.mark.parametrize(
    "exc",
    [
        AutoReconnect("connection reset"),
        ServerSelectionTimeoutError("no servers"),
        KafkaConnectionError("broker down"),
        KafkaTimeoutError(),
        NotLeaderForPartitionError(),
    ],
)
def test_store_and_broker_outages_are_infrastructure(exc: Exception) -> None:
    assert is_infrastructure_outage(exc)


@pytest.mark.parametrize(
    "exc",
    [ValueError("bad data"), DuplicateKeyError("dup"), MessageSizeTooLargeError(), KeyError("x")],
)
def test_event_or_code_errors_are_not_infrastructure(exc: Exception) -> None:
    assert not is_infrastructure_outage(exc)


def test_an_outage_wrapped_by_the_handler_is_still_recognised() -> None:
    try:
        try:
            raise AutoReconnect("primary stepped down")
        except AutoReconnect as cause:
            raise RuntimeError("could not save the case") from cause
    except RuntimeError as wrapped:
        assert is_infrastructure_outage(wrapped)


def test_contention_past_a_unit_of_works_retries_waits_like_an_outage() -> None:
    assert is_infrastructure_outage(Conflict("cases: a document changed since it was read"))
