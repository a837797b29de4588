"""The input of each one-stop form (Circular 01/2018/TT-VPCP and 03/2025/TT-VPCP), as plain models.

A form never carries its number: `document_date()` picks the numbering regime (numbering.yaml).
Fields follow what the circulars' forms list; `Form` is the union the renderers accept.
"""

from abc import ABC, abstractmethod
from datetime import date
from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from shared.calendar.working_calendar import local_date
from shared.events.values import Count, Text, TimeUnit, WorkingDays
from shared.forms.numbering import FormKind
from shared.forms.values import (
    ApplicantDetails,
    BookRow,
    CaseCode,
    DocumentLine,
    HandoverRow,
    IssuingAgency,
)

Reasons = Annotated[tuple[Text, ...], Field(min_length=1)]


class FormBase(BaseModel, ABC):
    model_config = ConfigDict(extra="forbid", frozen=True)

    form_kind: FormKind
    agency: IssuingAgency
    document_number: Text | None = Field(default=None, description="The 'Số: …' of the document.")
    case_code: CaseCode | None = None

    @abstractmethod
    def document_date(self) -> date:
        """The date the document bears: it chooses the numbering and prints in the date line."""


class CaseForm(FormBase):
    """A form about one dossier: who asked for what."""

    applicant: ApplicantDetails
    procedure_name: Text = Field(description="Nội dung yêu cầu giải quyết: the procedure's name.")


class ReceiptForm(CaseForm):
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""

    form_kind: Literal[FormKind.RECEIPT] = FormKind.RECEIPT
    case_code: CaseCode
    procedure_code: Text | None = None
    documents: Annotated[tuple[DocumentLine, ...], Field(min_length=1)]
    dossier_count: Count = 1
    processing_time: WorkingDays
    processing_time_unit: TimeUnit
    received_at: AwareDatetime
    appointment_at: AwareDatetime
    place_of_return: Text
    book_entry: Text | None = Field(
        default=None, description="Where the dossier is entered in the tracking book (quyển, số)."
    )
    receiver_name: Text | None = None

    @model_validator(mode="after")
    def _appointment_after_receipt(self) -> Self:
        if self.appointment_at < self.received_at:
            raise ValueError("appointment_at is before received_at")
        return self

    def document_date(self) -> date:
        return local_date(self.received_at)


class SupplementRequestForm(CaseForm):
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: what is missing, why, and whom to ask."""

    form_kind: Literal[FormKind.SUPPLEMENT_REQUEST] = FormKind.SUPPLEMENT_REQUEST
    items: Reasons = Field(description="Each document or content to supply or complete.")
    reason: Text | None = None
    officer_name: Text = Field(description="The officer who guides the applicant and signs.")
    officer_phone: Text | None = None
    issued_on: date

    def document_date(self) -> date:
        return self.issued_on


class RefusalForm(CaseForm):
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ, with each reason."""

    form_kind: Literal[FormKind.REFUSAL] = FormKind.REFUSAL
    reasons: Reasons
    officer_name: Text | None = None
    issued_on: date

    def document_date(self) -> date:
        return self.issued_on


class Signed(CaseForm):
    """A form the head of the agency signs (apology, stop notice)."""

    signer_title: Text = "THỦ TRƯỞNG CƠ QUAN"
    signer_name: Text | None = None
    issued_on: date

    def document_date(self) -> date:
        return self.issued_on


class ApologyForm(Signed):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả (2018); Văn bản xin lỗi, đề nghị gia hạn (2025)."""

    form_kind: Literal[FormKind.APOLOGY] = FormKind.APOLOGY
    case_code: CaseCode
    received_on: date
    original_appointment_at: AwareDatetime
    reason: Text
    new_appointment_at: AwareDatetime

    @model_validator(mode="after")
    def _new_after_original(self) -> Self:
        if self.new_appointment_at <= self.original_appointment_at:
            raise ValueError("new_appointment_at is not after original_appointment_at")
        return self


class StopNoticeForm(Signed):
    """Thông báo dừng giải quyết hồ sơ: why processing stopped, what goes back to the applicant."""

    form_kind: Literal[FormKind.STOP_NOTICE] = FormKind.STOP_NOTICE
    case_code: CaseCode
    received_at: AwareDatetime
    stopped_at: AwareDatetime
    requested_on: date | None = Field(
        default=None, description="When the applicant asked to stop (withdrawal), if they did."
    )
    reasons: Reasons
    returned_documents: tuple[DocumentLine, ...] = ()
    fee_note: Text | None = Field(default=None, description="What happens to fees already paid.")


class ControlSlipForm(CaseForm):
    """Phiếu kiểm soát quá trình giải quyết hồ sơ: every hand-over, in order."""

    form_kind: Literal[FormKind.CONTROL_SLIP] = FormKind.CONTROL_SLIP
    case_code: CaseCode
    receipt_number: Text | None = None
    received_at: AwareDatetime
    appointment_at: AwareDatetime
    lead_agency: Text
    cooperating_agencies: tuple[Text, ...] = ()
    rows: tuple[HandoverRow, ...] = ()

    @model_validator(mode="after")
    def _rows_in_order(self) -> Self:
        times = [row.at for row in self.rows]
        if times != sorted(times):
            raise ValueError("hand-over rows are not in chronological order")
        return self

    def document_date(self) -> date:
        # The slip is opened at receipt and travels with the dossier.
        return local_date(self.received_at)


class TrackingBookForm(FormBase):
    """Sổ theo dõi hồ sơ of one agency for a period (dates inclusive)."""

    form_kind: Literal[FormKind.TRACKING_BOOK] = FormKind.TRACKING_BOOK
    period_start: date
    period_end: date
    book_number: Text | None = None
    rows: tuple[BookRow, ...] = ()

    @model_validator(mode="after")
    def _rows_in_period(self) -> Self:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        for row in self.rows:
            if not self.period_start <= local_date(row.received_at) <= self.period_end:
                raise ValueError(f"{row.case_code} was not received in the period")
        return self

    def document_date(self) -> date:
        return self.period_start


Form = Annotated[
    ReceiptForm
    | SupplementRequestForm
    | RefusalForm
    | ApologyForm
    | StopNoticeForm
    | ControlSlipForm
    | TrackingBookForm,
    Field(discriminator="form_kind"),
]
FORM_ADAPTER: TypeAdapter[Form] = TypeAdapter(Form)
