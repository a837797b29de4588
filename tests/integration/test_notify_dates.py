"""A date no calendar arithmetic handles (year 9999) never blocks notify's consumer (issue 12):
the event is either messaged (dates in any year render) or parked on its dead-letter topic with
the reason, and the next event of the same case goes out."""

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from devstack.sinks.running import RunningSinks, running_sinks
from services.notify.bootstrap import NotifyContainer, bootstrap
from services.notify.domain.delivery import DeliveryStatus
from services.notify.settings import NotifySettings
from shared.events.codec import DecodeError, decode, encode, new_event
from shared.events.envelope import Envelope
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.kafka import EventProducer, dlq_topic
from shared.kafka.reader import read_topic
from shared.settings import ServiceSettings
from tests.integration.notify_support import notify_settings_on
from tests.polling import eventually

pytestmark = pytest.mark.integration

CASE = "SNV.NA-250714-0401"


@pytest.fixture(scope="module")
async def sinks(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningSinks]:
    async with running_sinks(tmp_path_factory.mktemp("sinks")) as sinks:
        yield sinks


@pytest.fixture(scope="module")
def notify_settings(settings: ServiceSettings, sinks: RunningSinks) -> NotifySettings:
    return notify_settings_on(
        settings, sinks, notify_poll_interval_s=0.05, outbox_poll_interval_s=0.05
    )


def submitted() -> Envelope[Any]:
    return new_event(EXAMPLES[CaseSubmitted].model_copy(update={"case_code": CASE}))


def in_year_9999(event: Envelope[Any]) -> bytes:
    raw = json.loads(encode(event))
    raw["data"]["due_at"] = "9999-12-31T23:00:00Z"
    return json.dumps(raw).encode()


async def statuses(service: NotifyContainer, event: Envelope[Any]) -> set[DeliveryStatus] | None:
    found = [d for d in await service.deliveries.for_case(CASE) if d.trigger_event_id == event.id]
    done = len(found) == 2 and all(d.status is DeliveryStatus.SENT for d in found)
    return {d.status for d in found} if done else None


async def test_an_event_dated_9999_is_messaged_or_dead_lettered_and_the_next_one_goes(
    notify_settings: NotifySettings, sinks: RunningSinks
) -> None:
    far, after = submitted(), submitted()
    value = in_year_9999(far)
    async with bootstrap(notify_settings) as service, EventProducer(notify_settings) as producer:
        await producer.publish_raw("case-submitted", value, key=CASE.encode())
        await producer.publish(after)
        # Same case, same partition: the later event is handled only once the first one is.
        await eventually(lambda: statuses(service, after), what="the next event's messages")
        try:
            decode(value, topic="case-submitted")
        except DecodeError as exc:
            # The event contract refuses the year: parked with the reason, nothing planned.
            dead = await read_topic(notify_settings, dlq_topic("case-submitted"))
            [parked] = [r for r in dead if r.value == value]
            assert dict(parked.headers)["dlq_reason"].decode() == exc.reason
            assert await statuses(service, far) is None
        else:
            # Accepted: both messages went, with the date as Viet Nam's calendar reads it.
            assert await statuses(service, far) == {DeliveryStatus.SENT}
            texts = [body["text"] for body in await sinks.sms()]
            assert any("hẹn trả 01/01/10000" in text for text in texts)
