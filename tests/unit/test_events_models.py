"""Rules the event data models enforce beyond field types: money, identities, cross-field checks."""

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from shared.events.decisions import AppointmentRescheduled, PaymentApproved, PaymentPeriod
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseRated, CaseSubmitted
from shared.events.notify import NotificationSent
from shared.events.values import ApplicantContact, NotificationChannel
from shared.events.workflow import FeeRequested, ProcessingResumed

pytestmark = pytest.mark.unit


def changed(model: type[BaseModel], **fields: Any) -> BaseModel:
    """The example of ``model`` with some fields replaced, validated again from scratch."""
    return model.model_validate(EXAMPLES[model].model_dump() | fields)


def errors_of(model: type[BaseModel], **fields: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        changed(model, **fields)
    return [".".join(str(p) for p in err["loc"]) for err in caught.value.errors()]


@pytest.mark.parametrize("amount", [1.5, 1_400_000.5, "1400000", -1, 0, -2.0, True])
def test_payment_amount_is_a_strictly_positive_integer(amount: Any) -> None:
    assert errors_of(PaymentApproved, amount_vnd=amount) == ["amount_vnd"]


def test_a_whole_number_written_with_a_decimal_point_is_that_integer() -> None:
    """JSON Schema's ``integer`` takes 1400000.0; the published schemas say ``integer``."""
    paid = changed(PaymentApproved, amount_vnd=1_400_000.0)
    assert (paid.amount_vnd, type(paid.amount_vnd)) == (1_400_000, int)


def test_a_free_procedure_has_a_zero_fee_but_never_a_negative_one() -> None:
    assert changed(CaseSubmitted, fee_vnd=0).fee_vnd == 0
    assert errors_of(CaseSubmitted, fee_vnd=-5_000) == ["fee_vnd"]


def test_fee_request_is_for_a_positive_amount() -> None:
    assert errors_of(FeeRequested, amount_vnd=0) == ["amount_vnd"]


@pytest.mark.parametrize("phone", ["0912345678", "+8491234567", "+849123456789", "+14155550100"])
def test_phone_numbers_are_vietnamese_e164(phone: str) -> None:
    with pytest.raises(ValidationError, match="phone"):
        ApplicantContact(full_name="Lê Văn An", phone=phone)


def test_email_is_optional_but_validated() -> None:
    assert ApplicantContact(full_name="Lê Văn An", phone="+84987654321").email is None
    with pytest.raises(ValidationError, match="email"):
        ApplicantContact(full_name="Lê Văn An", phone="+84987654321", email="an@")


@pytest.mark.parametrize("citizen_id", ["04018500123", "0401850012345", "04018500123A"])
def test_citizen_id_has_twelve_digits(citizen_id: str) -> None:
    applicant = EXAMPLES[CaseSubmitted].applicant.model_dump() | {"citizen_id": citizen_id}
    assert errors_of(CaseSubmitted, applicant=applicant) == ["applicant.citizen_id"]


def test_instants_are_normalised_to_utc() -> None:
    hanoi = timezone(timedelta(hours=7))
    event = changed(CaseSubmitted, received_at=datetime(2025, 7, 14, 9, tzinfo=hanoi))
    assert event.received_at == datetime(2025, 7, 14, 2, tzinfo=UTC)
    assert event.received_at.tzinfo is UTC


def test_naive_datetimes_are_rejected() -> None:
    assert errors_of(CaseSubmitted, due_at=datetime(2025, 7, 29, 17)) == ["due_at"]


def test_rating_points_are_zero_to_two_and_add_up() -> None:
    indicators = EXAMPLES[CaseRated].indicators.model_dump()
    assert errors_of(CaseRated, indicators=indicators | {"contacts": 3}) == ["indicators.contacts"]
    assert errors_of(CaseRated, total_points=18) == [""]


def test_a_new_appointment_is_later_than_the_old_one() -> None:
    previous = EXAMPLES[AppointmentRescheduled].previous_due_at
    with pytest.raises(ValidationError, match="new_due_at must be later"):
        changed(AppointmentRescheduled, new_due_at=previous)


def test_a_resumed_case_is_never_due_earlier() -> None:
    previous = EXAMPLES[ProcessingResumed].previous_due_at
    assert changed(ProcessingResumed, due_at=previous, paused_working_days=0)
    with pytest.raises(ValidationError, match="must not be earlier"):
        changed(ProcessingResumed, due_at=previous - timedelta(days=1))


@pytest.mark.parametrize(
    "period",
    [
        {"start": date(2025, 1, 1), "end": date(2025, 12, 31)},
        {"label": "Một lần"},
        {"start": date(2025, 1, 1), "end": date(2025, 1, 31), "label": "Tháng 1/2025"},
    ],
)
def test_a_period_is_dates_or_a_label(period: dict[str, Any]) -> None:
    assert PaymentPeriod(**period)


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({}, "start and end dates or a label"),
        ({"start": date(2025, 1, 1), "label": "Năm 2025"}, "start and end go together"),
        ({"start": date(2025, 2, 1), "end": date(2025, 1, 1)}, "end must not be before start"),
    ],
)
def test_an_incomplete_or_backward_period_is_rejected(period: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PaymentPeriod(**period)


def test_sms_outcomes_count_segments_and_emails_do_not() -> None:
    assert errors_of(NotificationSent, segments=None) == [""]
    assert errors_of(NotificationSent, channel=NotificationChannel.EMAIL) == [""]
    assert changed(NotificationSent, channel=NotificationChannel.EMAIL, segments=None)


def test_event_data_is_immutable() -> None:
    event = EXAMPLES[FeeRequested]
    with pytest.raises(ValidationError):
        event.amount_vnd = 1  # type: ignore[misc]
