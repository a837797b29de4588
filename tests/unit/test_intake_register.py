"""Paper-register entries as intake checks them: what the desk could have received on its date."""

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from services.intake.domain.catalogue import Catalogue
from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.errors import InvalidInput
from services.intake.domain.register import (
    RecordRegister,
    RegisterEntryInput,
    check_entry,
    check_page,
)
from shared.calendar import DEFAULT_CALENDAR
from shared.events.values import Timeliness

pytestmark = pytest.mark.unit
NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
# Tuesday 5 June 2018 09:30 in Viet Nam; poor-household recognition at a commune (7 working days).
ENTRY: dict[str, Any] = {
    "register_entry": "2018/0001",
    "procedure_code": "1.011607",
    "agency_code": "TCH.THANHLAM",
    "received_at": "2018-06-05T09:30:00+07:00",
    "due_at": "2018-06-14T17:00:00+07:00",
    "outcome": "approved",
    "resolved_at": "2018-06-13T09:00:00+07:00",
    "returned_at": "2018-06-13T14:00:00+07:00",
}
HOUSING = ENTRY | {
    "procedure_code": "LOCAL.NCC.003",
    "agency_code": "TCH",
    "due_at": "2018-06-26T17:00:00+07:00",
    "payment": {"amount_vnd": 40_000_000, "decision_number": "215/QĐ-UBND"},
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def checked(catalogue: Catalogue, entry: dict[str, Any]) -> Any:
    return check_entry(
        3, RegisterEntryInput.model_validate(entry), catalogue, DEFAULT_CALENDAR, NOW
    )


def test_an_entry_the_desk_could_have_received_gives_its_event(catalogue: Catalogue) -> None:
    entry = checked(catalogue, ENTRY)
    event = entry.event("TCH.THANHLAM-180605-0001", "quantri.a", NOW)
    assert entry.key == "TCH.THANHLAM:2018/0001"
    assert (event.agency_name, event.field) == ("Ủy ban nhân dân xã Thanh Lâm", "Giảm nghèo")
    assert event.timeliness is Timeliness.EARLY
    assert event.payment is None


def test_housing_support_without_a_legal_time_keeps_the_registers_appointment(
    catalogue: Catalogue,
) -> None:
    event = checked(catalogue, HOUSING).event("TCH-180605-0001", "quantri.a", NOW)
    assert event.payment is not None
    assert (event.payment.programme_code, event.payment.amount_vnd) == (
        "HO_TRO_NHA_O_NCC",
        40_000_000,
    )


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        # 30/4/2018: Reunification Day.
        ({"received_at": "2018-04-30T09:30:00+07:00"}, "received_at", "ngày nghỉ"),
        ({"received_at": "2018-06-09T09:30:00+07:00"}, "received_at", "ngày nghỉ"),  # Saturday
        ({"received_at": "2027-01-05T09:30:00+07:00"}, "received_at", "chưa đến"),
        ({"procedure_code": "9.999999"}, "procedure_code", "Không có thủ tục"),
        # In force from 2021 only.
        ({"procedure_code": "1.014027"}, "procedure_code", "không có hiệu lực"),
        ({"agency_code": "SNV"}, "agency_code", "không hoạt động"),  # from 1/3/2025
        ({"agency_code": "TCH"}, "agency_code", "cấp xã, không phải cấp huyện"),
        ({"due_at": "2018-06-04T17:00:00+07:00"}, "due_at", "trước ngày nhận"),
        # 7 working days from 5/6 end on 14/6.
        ({"due_at": "2018-06-15T17:00:00+07:00"}, "due_at", "thời hạn luật định (14/06/2018)"),
        ({"resolved_at": "2018-06-05T08:00:00+07:00"}, "resolved_at", "từ ngày nhận"),
        ({"returned_at": "2018-06-12T08:00:00+07:00"}, "returned_at", "từ ngày giải quyết"),
        (
            {"payment": {"amount_vnd": 1, "decision_number": "1/QĐ"}},
            "payment",
            "không có khoản chi trả",
        ),
    ],
)
def test_an_entry_the_desk_could_not_have_received_is_refused_naming_its_field(
    catalogue: Catalogue, change: dict[str, Any], field: str, reason: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        checked(catalogue, ENTRY | change)
    assert refused.value.field == f"entries.3.{field}"
    assert reason in refused.value.reason


def test_only_an_approved_case_records_a_payment(catalogue: Catalogue) -> None:
    with pytest.raises(InvalidInput, match="chấp thuận") as refused:
        checked(catalogue, HOUSING | {"outcome": "rejected"})
    assert refused.value.field == "entries.3.payment"


def test_a_page_names_each_entry_once(catalogue: Catalogue) -> None:
    twice = RecordRegister.model_validate({"entries": [ENTRY, ENTRY]})
    with pytest.raises(InvalidInput, match="có hai lần") as refused:
        check_page(twice, catalogue, DEFAULT_CALENDAR, NOW)
    assert refused.value.field == "entries.1.register_entry"
    other_desk = ENTRY | {"agency_code": "TCH.MAIGIANG"}
    page = RecordRegister.model_validate({"entries": [ENTRY, other_desk]})
    assert len(check_page(page, catalogue, DEFAULT_CALENDAR, NOW)) == 2


def test_times_without_a_zone_are_refused() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        RegisterEntryInput.model_validate(ENTRY | {"received_at": "2018-06-05T09:30:00"})
