"""Events the intake service publishes: reception, supplements, results returned, ratings."""

from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, Field, Strict, model_validator

from shared.events.decisions import Outcome
from shared.events.envelope import EventData
from shared.events.values import (
    WHOLE,
    AgencyCode,
    Applicant,
    ApplicantContact,
    CitizenId,
    Code,
    DocumentItem,
    PhoneNumber,
    ResultDelivery,
    StaffId,
    SubmissionChannel,
    Text,
    Timeliness,
    TimeUnit,
    UtcDatetime,
    ValueModel,
    Vnd,
    WorkingDays,
)

Points = Annotated[int, Strict(), Field(ge=0, le=2), WHOLE]
# The indicators a case's own record answers (see services/intake/domain/satisfaction.py).
ComputedIndicator = Literal[
    "total_time", "unit_time", "agencies_contacted", "one_stop", "publicly_posted"
]


class PhoneChannel(StrEnum):
    """How the applicant chose to be told on the phone number given: SMS, or Zalo (the number's
    Zalo account, through Zalo Notification Service templates)."""

    SMS = "sms"
    ZALO = "zalo"


def _distinct(channels: list[PhoneChannel]) -> list[PhoneChannel]:
    if len(set(channels)) != len(channels):
        raise ValueError("each channel at most once")
    return channels


PhoneChannels = Annotated[
    list[PhoneChannel],
    AfterValidator(_distinct),
    Field(min_length=1, max_length=2, json_schema_extra={"uniqueItems": True}),
]


class Representative(ValueModel):
    """A person the applicant authorised (người được ủy quyền) to submit the dossier; the
    authorisation document (giấy ủy quyền) is among the documents received."""

    full_name: Text = Field(description="The representative's full name.")
    citizen_id: CitizenId = Field(description="The representative's personal ID number.")
    phone: PhoneNumber | None = Field(
        default=None,
        description="The representative's own mobile number, E.164, when given; messages about "
        "the case go to the applicant's contact number, not to this one.",
    )


class CaseSubmitted(EventData):
    """A dossier was received (national portal status 2) and given its case code and due date."""

    procedure_code: Code = Field(description="National code of the procedure, e.g. 1.001776.")
    procedure_name: Text = Field(description="Name of the procedure, in Vietnamese.")
    procedure_short_name: Text | None = Field(
        default=None,
        description="Short name of the procedure for SMS and other short messages, in Vietnamese; "
        "absent in events before it was added and for procedures the catalogue gives none.",
    )
    field: Text = Field(description="Field of the procedure (lĩnh vực), in Vietnamese.")
    agency_code: AgencyCode = Field(description="Code of the agency that received the dossier.")
    agency_name: Text = Field(description="Name of that agency, in Vietnamese.")
    channel: SubmissionChannel = Field(description="How the dossier arrived.")
    received_by: StaffId | None = Field(
        default=None,
        description="Account of the desk officer who received the dossier; none for online "
        "submissions (the portal's) and in events before it was added.",
    )
    applicant: Applicant = Field(description="Whose dossier it is: a person or an organisation.")
    representative: Representative | None = Field(
        default=None,
        description="The authorised person who submitted it for the applicant; none when the "
        "applicant submitted it (or an organisation's legal representative did), and in events "
        "before it was added.",
    )
    documents: list[DocumentItem] = Field(
        min_length=1, description="Documents received, as listed on the receipt (form 01)."
    )
    received_at: UtcDatetime = Field(description="When the desk received the dossier.")
    processing_days: WorkingDays = Field(
        description="Legal processing time, in the unit of processing_time_unit."
    )
    processing_time_unit: TimeUnit = Field(
        default=TimeUnit.WORKING_DAYS,
        description='Unit of processing_days: working days ("ngày làm việc") or calendar days '
        '("ngày"); absent in events before it was added, which all meant working days.',
    )
    due_at: UtcDatetime = Field(description="Appointment for the result (ngày hẹn trả).")
    fee_vnd: Vnd = Field(description="Fee due for the procedure, in whole VND.")
    is_benefit: bool = Field(description="Whether approval of this procedure decides a payment.")
    payment_programme: Code | None = Field(
        default=None, description="Code of the payment programme a benefit procedure feeds."
    )
    result_delivery: ResultDelivery = Field(
        default=ResultDelivery.DESK,
        description="How the applicant chose at receipt to get the result: at the desk, by post "
        "or electronically; absent in events before it was added, which all meant the desk.",
    )
    phone_channels: PhoneChannels = Field(
        default_factory=lambda: [PhoneChannel.SMS],
        description="How the applicant chose at receipt to be told on the phone number: SMS, "
        "Zalo, or both; with Zalo alone, a message Zalo cannot deliver goes by SMS. Absent in "
        "events before it was added, which all meant SMS.",
    )


class CaseRefused(EventData):
    """The desk refused to receive an online dossier (form 03; national portal status 3)."""

    reasons: list[Text] = Field(
        min_length=1, max_length=20, description="Each reason for the refusal, in Vietnamese."
    )
    refused_at: UtcDatetime = Field(description="When the desk refused the dossier.")
    refused_by: StaffId = Field(description="Account of the clerk who refused it.")
    agency_code: AgencyCode = Field(description="Code of the agency whose desk refused it.")
    procedure_code: Code = Field(description="National code of the procedure asked for.")
    applicant: ApplicantContact = Field(description="Whom to notify.")


class SupplementReceived(EventData):
    """The applicant brought the missing documents; the processing clock runs again."""

    documents: list[DocumentItem] = Field(min_length=1, description="Documents received.")
    received_at: UtcDatetime = Field(description="When the desk received them.")
    received_by: StaffId = Field(description="Account of the clerk who received them.")


class ResultReturned(EventData):
    """The result was handed to the applicant (national portal status 10)."""

    returned_at: UtcDatetime = Field(description="When the result was handed over.")
    returned_by: StaffId = Field(description="Account of the clerk who handed it over.")


class Satisfaction(StrEnum):
    """The applicant's overall judgement of the service."""

    NOT_SATISFIED = "not_satisfied"
    SATISFIED = "satisfied"
    VERY_SATISFIED = "very_satisfied"


class RatingIndicators(ValueModel):
    """The nine satisfaction indicators, 0 to 2 points each, as Circular 01/2018/TT-VPCP art. 13
    scores them. Those named in case-rated's ``computed`` come from the case's own record (times,
    hand-overs, supplement requests, where it was received); the citizen rates the others."""

    total_time: Points = Field(description="Total time compared with the legal time.")
    unit_time: Points = Field(description="Time taken at each unit.")
    contacts: Points = Field(description="Number of contacts the applicant needed.")
    agencies_contacted: Points = Field(description="Number of agencies the applicant contacted.")
    one_stop: Points = Field(description="Done entirely at the one-stop desk.")
    publicly_posted: Points = Field(description="Procedure publicly posted.")
    staff_attitude: Points = Field(description="Attitude of the staff.")
    feedback_handling: Points = Field(description="Handling of feedback and complaints.")
    online_quality: Points = Field(description="Quality of the online service.")


class CaseRated(EventData):
    """The applicant rated the service for this case."""

    indicators: RatingIndicators = Field(description="Points given to each indicator.")
    total_points: Annotated[int, Strict(), Field(ge=0, le=18), WHOLE] = Field(
        description="Sum of the nine indicators' points."
    )
    overall: Satisfaction = Field(
        description="Overall satisfaction, from total_points. The per-indicator points follow "
        "Circular 01/2018/TT-VPCP art. 13; no official threshold for the overall level of one "
        "case was found, so the thresholds (9 and 14 of 18) are the project's own."
    )
    agency_code: AgencyCode = Field(description="Code of the agency rated.")
    rated_at: UtcDatetime = Field(description="When the rating was given.")
    computed: list[ComputedIndicator] = Field(
        default_factory=list,
        description="Indicators computed from the case rather than rated by the citizen; "
        "empty in ratings given before they were computed (all nine typed by the citizen).",
    )

    @model_validator(mode="after")
    def total_is_the_sum(self) -> Self:
        if self.total_points != sum(self.indicators.model_dump().values()):
            raise ValueError("total_points must equal the sum of the nine indicators")
        return self


class RecordedPayment(ValueModel):
    """A payment the paper register records as decided for the case."""

    programme_code: Code = Field(description="Code of the payment programme.")
    amount_vnd: Annotated[int, Strict(), Field(gt=0), WHOLE] = Field(
        description="Amount decided, in whole VND."
    )
    decision_number: Text = Field(description="Number of the payment decision.")


class CaseRecorded(EventData):
    """A dossier handled before the system, entered from the desk's paper register (sổ theo dõi
    hồ sơ): its whole history at once. Nothing is processed or notified for it; it counts in the
    reports of its own dates. No personal data: the register keeps the applicant's."""

    register_entry: Annotated[str, Field(min_length=1, max_length=40)] = Field(
        description="The entry's reference in the paper register, e.g. 2018/0001."
    )
    procedure_code: Code = Field(description="Code of the procedure, in force when received.")
    procedure_name: Text = Field(description="Name of the procedure, in Vietnamese.")
    field: Text = Field(description="Field of the procedure (lĩnh vực), in Vietnamese.")
    agency_code: AgencyCode = Field(description="Code of the agency that received the dossier.")
    agency_name: Text = Field(description="Name of that agency, in Vietnamese.")
    received_at: UtcDatetime = Field(description="When the desk received the dossier.")
    due_at: UtcDatetime = Field(description="The appointment written on the receipt.")
    outcome: Outcome = Field(description="Approved or rejected.")
    resolved_at: UtcDatetime = Field(description="When the decision was signed.")
    timeliness: Timeliness = Field(description="Resolution compared with the due date.")
    returned_at: UtcDatetime | None = Field(
        default=None, description="When the result was handed over, if the register says."
    )
    payment: RecordedPayment | None = Field(
        default=None, description="The payment decided, for an approved benefit case."
    )
    recorded_by: StaffId = Field(description="Account of the administrator who entered it.")
    recorded_at: UtcDatetime = Field(description="When the entry was recorded in the system.")

    @model_validator(mode="after")
    def history_in_order(self) -> Self:
        if not self.received_at <= self.resolved_at <= self.recorded_at:
            raise ValueError("received_at <= resolved_at <= recorded_at must hold")
        if self.due_at < self.received_at:
            raise ValueError("due_at must not be before received_at")
        if self.returned_at is not None and not (
            self.resolved_at <= self.returned_at <= self.recorded_at
        ):
            raise ValueError("returned_at must be between resolved_at and recorded_at")
        if self.payment is not None and self.outcome is not Outcome.APPROVED:
            raise ValueError("only an approved case decides a payment")
        return self
