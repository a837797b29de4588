"""The catalogue itself: mandatory topics, one type per topic, honest personal-data lists."""

import types
import typing
from typing import Any

import pytest
from pydantic import BaseModel

from shared.events.catalogue import CATALOGUE
from shared.events.examples import EXAMPLES
from shared.events.registry import EventSpec

pytestmark = pytest.mark.unit

SPECS = list(CATALOGUE)
# Field names that identify or reach a person, wherever they appear in an event.
PERSONAL_FIELDS = {"full_name", "citizen_id", "date_of_birth", "phone", "email", "address"}
STAFF_FIELDS = {
    "assignee",
    "received_by",
    "returned_by",
    "requested_by",
    "signed_by",
    "stopped_by",
    "resumed_by",
    "refused_by",
    "recorded_by",
}


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``X``, ``X | None`` or ``list[X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list):
        found = [m for arg in typing.get_args(annotation) if (m := nested_model(arg))]
        return found[0] if found else None
    return None


def leaf_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        inner = nested_model(info.annotation)
        paths |= leaf_paths(inner, f"{prefix}{name}.") if inner else {f"{prefix}{name}"}
    return paths


def test_the_topics_named_by_the_design_exist() -> None:
    assert {"case-submitted", "case-resolved", "payment-approved"} <= set(CATALOGUE.topics)


def test_each_topic_carries_exactly_one_event_type() -> None:
    assert all(len(CATALOGUE.for_topic(topic)) == 1 for topic in CATALOGUE.topics)
    assert len(CATALOGUE.topics) == len(SPECS) == 19


def test_producers_are_the_services_that_own_the_facts() -> None:
    producers = {spec.topic: spec.producer for spec in SPECS}
    assert producers["case-submitted"] == producers["case-rated"] == "intake"
    assert producers["case-resolved"] == producers["payment-approved"] == "workflow"
    assert producers["processing-resumed"] == "workflow"
    assert producers["notification-sent"] == producers["notification-failed"] == "notify"


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.topic)
def test_personal_data_paths_name_real_fields(spec: EventSpec) -> None:
    assert set(spec.personal_data) <= leaf_paths(spec.data_model)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.topic)
def test_every_personal_field_is_declared(spec: EventSpec) -> None:
    personal = {
        path
        for path in leaf_paths(spec.data_model)
        if path.rsplit(".", 1)[-1] in PERSONAL_FIELDS | STAFF_FIELDS | {"recipient"}
    }
    assert personal <= set(spec.personal_data)


@pytest.mark.parametrize(
    "topic",
    [
        "supplement-requested",
        "appointment-rescheduled",
        "processing-stopped",
        "case-resolved",
        "payment-approved",
    ],
)
def test_events_that_notify_a_citizen_carry_their_contact(topic: str) -> None:
    (spec,) = CATALOGUE.for_topic(topic)
    assert {"applicant.full_name", "applicant.phone", "applicant.email"} <= leaf_paths(
        spec.data_model
    )


def test_every_catalogue_entry_has_a_valid_example() -> None:
    assert set(EXAMPLES) == {spec.data_model for spec in SPECS}
    for model, example in EXAMPLES.items():
        assert type(example) is model
        assert model.model_validate(example.model_dump()) == example
