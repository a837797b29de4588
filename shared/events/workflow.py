"""Events the workflow service publishes during processing: steps, supplements, fees, deadlines."""

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from shared.events.envelope import EventData
from shared.events.values import (
    AgencyCode,
    ApplicantContact,
    Code,
    DocumentItem,
    PositiveVnd,
    StaffId,
    Text,
    Timeliness,
    UtcDatetime,
    ValueModel,
    WorkingDays,
)


class Role(StrEnum):
    """Who in the department performs a processing step."""

    RECEPTION_CLERK = "reception_clerk"
    SPECIALIST = "specialist"
    LEADER = "leader"
    CLERICAL_OFFICER = "clerical_officer"


class StepRef(ValueModel):
    """A step of the procedure's processing flow."""

    step_id: Code = Field(description="Identifier of the step within the procedure's flow.")
    step_name: Text = Field(description="Name of the step, in Vietnamese.")
    role: Role = Field(description="Role that performs the step.")


class StepCompleted(EventData):
    """One hand-off of the processing control slip (form 06), with its timeliness."""

    step: StepRef = Field(description="The step completed.")
    assignee: StaffId = Field(description="Account of the staff member who performed it.")
    started_at: UtcDatetime = Field(description="When the step was handed to the assignee.")
    completed_at: UtcDatetime = Field(description="When the assignee handed it on.")
    due_at: UtcDatetime = Field(description="When the step was due.")
    timeliness: Timeliness = Field(description="Completion compared with the step's due time.")
    next_step: StepRef | None = Field(
        default=None, description="The step the case moves to; absent after the last step."
    )


class CaseTransferred(EventData):
    """An interlinked (liên thông) case passed from one agency to the next, with its timeliness."""

    from_agency_code: AgencyCode = Field(description="Code of the agency that handed it over.")
    from_agency_name: Text = Field(description="Name of that agency, in Vietnamese.")
    to_agency_code: AgencyCode = Field(description="Code of the agency that takes it over.")
    to_agency_name: Text = Field(description="Name of that agency, in Vietnamese.")
    step: StepRef = Field(description="The step the giving agency completed.")
    next_step: StepRef = Field(description="The step the receiving agency performs next.")
    given_by: StaffId = Field(description="Account of the staff member who handed it over.")
    transferred_at: UtcDatetime = Field(description="When the case was handed over.")
    due_at: UtcDatetime = Field(description="When the giving agency's step was due.")
    timeliness: Timeliness = Field(description="The hand-over compared with that due time.")
    notes: Text | None = Field(default=None, description="Remarks of the giver, if any.")


class SupplementRequested(EventData):
    """The dossier needs more documents (form 02); the case waits for the applicant."""

    reasons: list[Text] = Field(min_length=1, description="Why a supplement is needed.")
    missing_documents: list[DocumentItem] = Field(
        min_length=1, description="Documents the applicant must bring."
    )
    requested_at: UtcDatetime = Field(description="When the supplement was requested.")
    requested_by: StaffId = Field(description="Account of the staff member who requested it.")
    clock_paused: bool = Field(
        description="Whether the processing clock stops until the supplement arrives."
    )
    remaining_working_days: WorkingDays = Field(
        description="Working days of processing time left when the clock runs again."
    )
    applicant: ApplicantContact = Field(description="Whom to notify.")


class FeeRequested(EventData):
    """The applicant must pay a fee before processing goes on; the clock waits meanwhile."""

    amount_vnd: PositiveVnd = Field(description="Amount to pay, in whole VND.")
    reason: Text = Field(description="What the fee is for.")
    requested_at: UtcDatetime = Field(description="When the fee was requested.")


class Wait(StrEnum):
    """What the case waited for while its processing clock stood still."""

    SUPPLEMENT = "supplement"
    FEE = "fee"


class ProcessingResumed(EventData):
    """The wait for a supplement or a fee ended: the clock runs again, the due date moved."""

    resumed_at: UtcDatetime = Field(description="When the clock started running again.")
    wait: Wait = Field(description="What the case waited for.")
    paused_working_days: WorkingDays = Field(
        description="Working days this wait lasted; the due date moved by as many."
    )
    previous_due_at: UtcDatetime = Field(description="The due date before the wait ended.")
    due_at: UtcDatetime = Field(description="The new due date, the wait excluded.")
    resumed_by: StaffId | None = Field(
        default=None, description="Account of the staff member who recorded the end of the wait."
    )

    @model_validator(mode="after")
    def due_date_never_earlier(self) -> Self:
        if self.due_at < self.previous_due_at:
            raise ValueError("due_at must not be earlier than previous_due_at")
        return self


class DeadlineThreshold(StrEnum):
    """How close a case is to its due date."""

    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


class DeadlineWarning(EventData):
    """A case still in progress is about to miss, or has missed, its due date."""

    threshold: DeadlineThreshold = Field(description="Which threshold the case crossed.")
    due_at: UtcDatetime = Field(description="The case's current due date.")
    detected_at: UtcDatetime = Field(description="When the deadline watch noticed it.")
