"""What we know of each event type: topic, version, data model, producer, personal data."""

import builtins
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from shared.events.envelope import Envelope, EventData

TYPE_PREFIX = "vn.onestop"


@dataclass(frozen=True)
class EventSpec:
    topic: str
    version: int
    data_model: type[EventData]
    producer: str
    summary: str
    # Dotted paths of the data fields that carry personal data (named in the AsyncAPI document).
    personal_data: tuple[str, ...] = ()

    @property
    def type(self) -> str:
        return f"{TYPE_PREFIX}.{self.topic}.v{self.version}"

    @property
    def dataschema(self) -> str:
        return f"urn:onestop:schema:{self.topic}:v{self.version}"

    @property
    def source(self) -> str:
        return f"/onestop/{self.producer}"

    @cached_property
    def envelope_model(self) -> "builtins.type[Envelope[Any]]":
        # ``builtins.type``: inside this class body ``type`` is the property above.
        model: builtins.type[Envelope[Any]] = Envelope[self.data_model]  # type: ignore[name-defined]
        return model


class Catalogue:
    """Lookup of event specs by type, by topic and by data model."""

    def __init__(self, specs: Iterable[EventSpec]) -> None:
        self._specs = tuple(specs)
        self._by_type = {s.type: s for s in self._specs}
        self._by_model = {s.data_model: s for s in self._specs}
        self._by_topic: dict[str, list[EventSpec]] = {}
        for spec in self._specs:
            self._by_topic.setdefault(spec.topic, []).append(spec)
        if len(self._by_type) != len(self._specs) or len(self._by_model) != len(self._specs):
            raise ValueError("each event type and data model must appear once in the catalogue")

    def __iter__(self) -> Iterator[EventSpec]:
        return iter(self._specs)

    def by_type(self, event_type: str) -> EventSpec | None:
        return self._by_type.get(event_type)

    def for_model(self, model: type[EventData]) -> EventSpec:
        return self._by_model[model]

    def for_topic(self, topic: str) -> list[EventSpec]:
        return list(self._by_topic.get(topic, ()))

    @property
    def topics(self) -> list[str]:
        return list(self._by_topic)
