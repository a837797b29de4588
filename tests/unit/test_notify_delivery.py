"""Delivery-log identity and the retry schedule."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from services.notify.domain.delivery import RetryPolicy, delivery_id
from shared.events.values import NotificationChannel

pytestmark = pytest.mark.unit

NOW = datetime(2025, 7, 14, 2, 0, tzinfo=UTC)


def test_one_id_per_case_event_and_channel_in_every_replica() -> None:
    event = uuid4()
    sms = delivery_id("SNV.NA-250714-0007", event, NotificationChannel.SMS)
    assert sms == delivery_id("SNV.NA-250714-0007", event, NotificationChannel.SMS)
    assert sms != delivery_id("SNV.NA-250714-0007", event, NotificationChannel.EMAIL)
    assert sms != delivery_id("SNV.NA-250714-0007", uuid4(), NotificationChannel.SMS)
    assert sms != delivery_id("SNV.NA-250714-0008", event, NotificationChannel.SMS)


def test_retries_back_off_exponentially_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=10, initial_s=1.0, max_s=8.0)
    waits = [policy.next_after_failure(n, NOW, rand=lambda: 1.0) - NOW for n in range(1, 6)]
    assert waits == [timedelta(seconds=s) for s in (1, 2, 4, 8, 8)]


def test_jitter_waits_between_half_and_all_of_the_step() -> None:
    policy = RetryPolicy(max_attempts=10, initial_s=1.0, max_s=8.0)
    assert policy.next_after_failure(3, NOW, rand=lambda: 0.0) - NOW == timedelta(seconds=2)
    assert policy.next_after_failure(3, NOW, rand=lambda: 0.5) - NOW == timedelta(seconds=3)


def test_after_the_last_attempt_there_is_no_next_one() -> None:
    policy = RetryPolicy(max_attempts=3, initial_s=1.0, max_s=8.0)
    assert policy.next_after_failure(2, NOW) is not None
    assert policy.next_after_failure(3, NOW) is None
