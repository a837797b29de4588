"""Entries of a desk's paper register (sổ theo dõi hồ sơ), recorded once the system replaces it.

A dossier handled on paper before the system existed is entered with its whole history: when it
was received and due, how and when it was decided, when its result went back, and what it paid.
Nothing is processed or notified for it; it is published as one ``case-recorded`` event so that
reports cover the years before the system. Each entry is checked against the catalogue and the
calendar of its own dates, as the desk would have received it then.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from services.intake.domain.agencies import Agency
from services.intake.domain.catalogue import Catalogue
from services.intake.domain.commands import CodeInput, Command, StrippedText, known
from services.intake.domain.errors import InvalidInput
from services.intake.domain.procedures import Procedure
from services.intake.domain.reception import check_receiving_level, desk_at, procedure_at
from shared.calendar import WorkingCalendar, classify_timeliness, local_date
from shared.events.decisions import Outcome
from shared.events.intake import CaseRecorded, RecordedPayment
from shared.events.values import PositiveVnd, UtcDatetime

# One page of the register per request: a year of a district's desk is a few thousand entries.
MAX_ENTRIES = 500
EntryReference = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z][0-9A-Za-z./-]{0,39}$")
]


class PaymentInput(Command):
    amount_vnd: PositiveVnd = Field(description="Số tiền đã quyết định chi trả, đồng.")
    decision_number: StrippedText = Field(description="Số quyết định chi trả.")


class RegisterEntryInput(Command):
    register_entry: EntryReference = Field(
        description="Số thứ tự trong sổ theo dõi hồ sơ của cơ quan, ví dụ 2018/0001."
    )
    procedure_code: CodeInput = Field(
        json_schema_extra=known("procedure"), description="Mã thủ tục có hiệu lực vào ngày nhận."
    )
    agency_code: CodeInput = Field(
        json_schema_extra=known("agency"), description="Cơ quan tiếp nhận, hoạt động vào ngày nhận."
    )
    received_at: UtcDatetime = Field(description="Ngày giờ nhận hồ sơ, có múi giờ.")
    due_at: UtcDatetime = Field(description="Ngày hẹn trả kết quả ghi trên phiếu hẹn.")
    outcome: Outcome = Field(
        description="Kết quả giải quyết: approved (chấp thuận) hoặc rejected (từ chối)."
    )
    resolved_at: UtcDatetime = Field(description="Ngày giờ ký quyết định hoặc văn bản trả lời.")
    returned_at: UtcDatetime | None = Field(
        default=None, description="Ngày giờ trả kết quả cho người nộp, nếu sổ có ghi."
    )
    payment: PaymentInput | None = Field(
        default=None, description="Khoản chi trả đã quyết định (thủ tục có chi trả, chấp thuận)."
    )


class RecordRegister(Command):
    entries: list[RegisterEntryInput] = Field(min_length=1, max_length=MAX_ENTRIES)


@dataclass(frozen=True)
class CheckedEntry:
    """An entry the desk could have received then, with what its event states."""

    entry: RegisterEntryInput
    procedure: Procedure
    agency: Agency

    @property
    def key(self) -> str:
        """Unique among the register's entries: an agency's book numbers its own."""
        return f"{self.agency.code}:{self.entry.register_entry}"

    def event(self, case_code: str, recorded_by: str, recorded_at: datetime) -> CaseRecorded:
        entry = self.entry
        payment = entry.payment
        return CaseRecorded(
            case_code=case_code,
            register_entry=entry.register_entry,
            procedure_code=self.procedure.code,
            procedure_name=self.procedure.name,
            field=self.procedure.field.value,
            agency_code=self.agency.code,
            agency_name=self.agency.name,
            received_at=entry.received_at,
            due_at=entry.due_at,
            outcome=entry.outcome,
            resolved_at=entry.resolved_at,
            timeliness=classify_timeliness(entry.resolved_at, entry.due_at),
            returned_at=entry.returned_at,
            payment=None
            if payment is None
            else RecordedPayment(
                programme_code=str(self.procedure.payment_programme),
                amount_vnd=payment.amount_vnd,
                decision_number=payment.decision_number,
            ),
            recorded_by=recorded_by,
            recorded_at=recorded_at,
        )


def check_entry(
    index: int,
    entry: RegisterEntryInput,
    catalogue: Catalogue,
    calendar: WorkingCalendar,
    now: datetime,
) -> CheckedEntry:
    """The entry as the desk would have received it on its date; refuses one it could not have."""
    at = f"entries.{index}"
    day = local_date(entry.received_at)
    if entry.received_at > now:
        raise InvalidInput(f"{at}.received_at", "Ngày nhận chưa đến: sổ chỉ ghi hồ sơ đã nhận")
    if not calendar.is_working_day(day):
        reason = f"Ngày {day:%d/%m/%Y} là ngày nghỉ: bộ phận một cửa không nhận hồ sơ"
        raise InvalidInput(f"{at}.received_at", reason)
    procedure = procedure_at(catalogue.procedure, entry.procedure_code, day, f"{at}.procedure_code")
    agency = desk_at(catalogue, entry.agency_code, day, f"{at}.agency_code")
    check_receiving_level(f"{at}.agency_code", procedure, agency)
    _check_times(at, entry, procedure, calendar, now)
    _check_payment(at, entry, procedure)
    return CheckedEntry(entry, procedure, agency)


def _check_times(
    at: str,
    entry: RegisterEntryInput,
    procedure: Procedure,
    calendar: WorkingCalendar,
    now: datetime,
) -> None:
    """The history in order, and an appointment no later than the law allowed."""
    if entry.due_at < entry.received_at:
        raise InvalidInput(f"{at}.due_at", "Ngày hẹn trả trước ngày nhận hồ sơ")
    if procedure.processing_days is not None:
        legal = calendar.add_time(entry.received_at, procedure.processing_days, procedure.time_unit)
        if local_date(entry.due_at) > local_date(legal):
            reason = f"Ngày hẹn trả muộn hơn thời hạn luật định ({local_date(legal):%d/%m/%Y})"
            raise InvalidInput(f"{at}.due_at", reason)
    if not entry.received_at <= entry.resolved_at <= now:
        reason = "Ngày giải quyết phải từ ngày nhận hồ sơ đến hôm nay"
        raise InvalidInput(f"{at}.resolved_at", reason)
    returned = entry.returned_at
    if returned is not None and not entry.resolved_at <= returned <= now:
        reason = "Ngày trả kết quả phải từ ngày giải quyết đến hôm nay"
        raise InvalidInput(f"{at}.returned_at", reason)


def _check_payment(at: str, entry: RegisterEntryInput, procedure: Procedure) -> None:
    if entry.payment is None:
        return
    if procedure.payment_programme is None:
        raise InvalidInput(f"{at}.payment", "Thủ tục này không có khoản chi trả")
    if entry.outcome is not Outcome.APPROVED:
        raise InvalidInput(f"{at}.payment", "Chỉ hồ sơ được chấp thuận mới có khoản chi trả")


def check_page(
    cmd: RecordRegister, catalogue: Catalogue, calendar: WorkingCalendar, now: datetime
) -> list[CheckedEntry]:
    """Every entry checked, and each named once: an agency's register numbers its own."""
    checked: dict[str, CheckedEntry] = {}
    for index, entry in enumerate(cmd.entries):
        one = check_entry(index, entry, catalogue, calendar, now)
        if one.key in checked:
            reason = f"Mục {entry.register_entry} có hai lần trong trang"
            raise InvalidInput(f"entries.{index}.register_entry", reason)
        checked[one.key] = one
    return list(checked.values())
