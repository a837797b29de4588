"""The registry of a service's event handlers: topics follow from it, unknown types are counted."""

from typing import Any

import pytest

from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.envelope import Envelope
from shared.events.examples import EXAMPLES
from shared.kafka import Subscriptions
from shared.kafka.subscriptions import EVENTS_UNHANDLED

pytestmark = pytest.mark.unit


def example(topic: str) -> Envelope[Any]:
    return new_event(EXAMPLES[CATALOGUE.for_topic(topic)[0].data_model])


async def test_topics_are_those_of_the_handlers_and_each_event_goes_to_its_own() -> None:
    seen: list[tuple[str, str]] = []

    def handler(name: str) -> Any:
        async def handle(tx: Any, event: Envelope[Any]) -> None:
            seen.append((name, event.type))

        return handle

    subscriptions = Subscriptions(
        {"case-submitted": handler("submitted"), "case-rated": handler("rated")}
    )
    assert subscriptions.topics == ("case-rated", "case-submitted")
    rated, submitted = example("case-rated"), example("case-submitted")
    await subscriptions.apply(None, [rated])  # type: ignore[arg-type]
    await subscriptions.apply(None, [submitted])  # type: ignore[arg-type]
    assert seen == [("rated", rated.type), ("submitted", submitted.type)]


async def test_a_batch_handler_takes_its_events_of_a_batch_at_once_in_order() -> None:
    seen: list[list[str]] = []

    async def handle(tx: Any, events: list[Envelope[Any]]) -> None:
        seen.append([str(event.id) for event in events])

    subscriptions = Subscriptions({}, batches={"case-submitted": handle})
    assert subscriptions.topics == ("case-submitted",)
    batch = [example("case-submitted") for _ in range(3)]
    await subscriptions.apply(None, batch)  # type: ignore[arg-type]
    assert seen == [[str(event.id) for event in batch]]
    await subscriptions.apply(None, [])  # type: ignore[arg-type]
    assert len(seen) == 1


def test_a_topic_takes_one_kind_of_handler() -> None:
    async def one(tx: Any, event: Envelope[Any]) -> None: ...

    async def many(tx: Any, events: list[Envelope[Any]]) -> None: ...

    with pytest.raises(ValueError, match="two handlers"):
        Subscriptions({"case-rated": one}, batches={"case-rated": many})


async def test_an_event_without_a_handler_is_counted_and_skipped() -> None:
    subscriptions = Subscriptions({})
    event = example("case-resolved")
    before = EVENTS_UNHANDLED.labels(type=event.type)._value.get()
    await subscriptions.apply(None, [event])  # type: ignore[arg-type]
    assert EVENTS_UNHANDLED.labels(type=event.type)._value.get() == before + 1


def test_a_handler_for_a_topic_outside_the_catalogue_is_refused() -> None:
    async def handle(tx: Any, event: Envelope[Any]) -> None: ...

    with pytest.raises(ValueError, match="case-submited"):
        Subscriptions({"case-submited": handle})
