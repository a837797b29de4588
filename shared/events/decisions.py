"""Events the workflow service publishes on decisions: delays, stops, outcomes, payments."""

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import ConfigDict, Field, model_validator
from pydantic.config import JsonDict

from shared.events.envelope import EventData
from shared.events.values import (
    AgencyCode,
    ApplicantContact,
    Beneficiary,
    Code,
    PositiveVnd,
    ResultDelivery,
    StaffId,
    Text,
    Timeliness,
    UtcDatetime,
    ValueModel,
    WorkingDays,
)

DAY: JsonDict = {"type": "string", "format": "date"}
NULL: JsonDict = {"type": "null"}


class AppointmentRescheduled(EventData):
    """The agency apologises for a late case and sets a new appointment (form 04)."""

    reason: Text = Field(description="Why the case cannot be resolved by its due date.")
    previous_due_at: UtcDatetime = Field(description="The appointment that will be missed.")
    new_due_at: UtcDatetime = Field(description="The new appointment for the result.")
    issued_at: UtcDatetime = Field(description="When the apology letter was issued.")
    signed_by: StaffId = Field(description="Account of the leader who signed it.")
    applicant: ApplicantContact = Field(description="Whom to notify.")

    @model_validator(mode="after")
    def new_date_is_later(self) -> Self:
        if self.new_due_at <= self.previous_due_at:
            raise ValueError("new_due_at must be later than previous_due_at")
        return self


class ProcessingStopped(EventData):
    """Processing of the case stopped (form 05; national portal status 8)."""

    reason: Text = Field(description="Why processing stopped.")
    stopped_at: UtcDatetime = Field(description="When processing stopped.")
    stopped_by: StaffId = Field(description="Account of the staff member who stopped it.")
    applicant: ApplicantContact = Field(description="Whom to notify.")


class CaseWithdrawn(EventData):
    """The applicant withdrew the dossier at the desk (national portal status 7); processing ends.

    Distinct from ``processing-stopped`` (status 8), which the agency decides.
    """

    reason: Text | None = Field(default=None, description="The applicant's reason, if given.")
    requested_on: date = Field(
        description="The date of the applicant's written request.", json_schema_extra=DAY
    )
    withdrawn_at: UtcDatetime = Field(description="When the desk recorded the withdrawal.")
    recorded_by: StaffId = Field(description="Account of the clerk who recorded it.")
    applicant: ApplicantContact = Field(description="Whom to notify.")


class Outcome(StrEnum):
    """The leader's decision on the dossier."""

    APPROVED = "approved"
    REJECTED = "rejected"


class CaseResolved(EventData):
    """The case was decided (national portal status 9); the result awaits the applicant."""

    outcome: Outcome = Field(description="Approved or rejected.")
    decision_number: Text = Field(description="Number of the decision or reply document.")
    resolved_at: UtcDatetime = Field(description="When the decision was signed.")
    due_at: UtcDatetime = Field(description="The due date the case was measured against.")
    working_days_used: WorkingDays = Field(
        description="Working days counted, excluding time waiting for supplements or fees."
    )
    timeliness: Timeliness = Field(description="Resolution compared with the due date.")
    agency_code: AgencyCode = Field(description="Code of the agency that handled the case.")
    procedure_code: Code = Field(description="National code of the procedure.")
    applicant: ApplicantContact = Field(description="Whom to notify.")
    result_delivery: ResultDelivery = Field(
        default=ResultDelivery.DESK,
        description="How the result reaches the applicant, as chosen at receipt "
        "(case-submitted): at the desk, by post or electronically; absent in events before it "
        "was added, which all meant the desk.",
    )


class PaymentPeriod(ValueModel):
    """The period a payment covers: start and end dates, a label (e.g. one-off), or both."""

    # The validator's rule, for schema readers: both dates (label optional), or a label alone.
    model_config = ValueModel.model_config | ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"properties": {"start": DAY, "end": DAY}, "required": ["start", "end"]},
                {
                    "properties": {"start": NULL, "end": NULL, "label": {"type": "string"}},
                    "required": ["label"],
                },
            ]
        }
    )

    start: date | None = Field(default=None, description="First day covered.")
    end: date | None = Field(default=None, description="Last day covered.")
    label: Text | None = Field(default=None, description="Label of the period, in Vietnamese.")

    @model_validator(mode="after")
    def dates_or_label(self) -> Self:
        if (self.start is None) != (self.end is None):
            raise ValueError("start and end go together")
        if self.start is None and self.label is None:
            raise ValueError("a period needs start and end dates or a label")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class PaymentApproved(EventData):
    """An approved benefit case decides a payment, for the treasury and the statistics office."""

    decision_number: Text = Field(description="Number of the payment decision.")
    beneficiary: Beneficiary = Field(description="Who is paid.")
    programme_code: Code = Field(description="Code of the payment programme.")
    amount_vnd: PositiveVnd = Field(description="Amount decided, in whole VND.")
    period: PaymentPeriod = Field(description="Period the payment covers.")
    approved_at: UtcDatetime = Field(description="When the decision was signed.")
    agency_code: AgencyCode = Field(description="Code of the deciding agency.")
    procedure_code: Code = Field(description="National code of the procedure.")
    applicant: ApplicantContact = Field(description="Whom to notify.")
