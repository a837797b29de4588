"""The processing instance of one case: its state machine, clock, hand-offs and audit trail."""

from dataclasses import dataclass
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from services.workflow.domain.agencies import AgencyRef
from services.workflow.domain.deadlines import WorkingCalendar, step_due_times
from services.workflow.domain.errors import IllegalAction
from services.workflow.domain.payments import ProgrammeCatalogue
from services.workflow.domain.processes import Process, Step
from services.workflow.domain.records import (
    CLOCK_RUNNING,
    STATUS_NAMES,
    ActionRecord,
    CaseFacts,
    Decision,
    Handoff,
    Pause,
    Status,
)
from shared.calendar import local_date
from shared.events.intake import CaseSubmitted
from shared.events.values import ApplicantContact, StaffId
from shared.events.workflow import DeadlineThreshold, DeadlineWarning
from shared.officers import OfficerRole


@dataclass(frozen=True)
class Rules:
    """What actions consult besides the case itself."""

    calendar: WorkingCalendar
    programmes: ProgrammeCatalogue


class Instance(BaseModel):
    """Aggregate root; actions (in ``actions.py``) run on a copy, so a refusal changes nothing."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    case_code: str
    facts: CaseFacts
    steps: tuple[Step, ...]
    # The agency performing each step; empty in instances stored before steps had agencies, which
    # were all processed at the receiving agency.
    agencies: list[AgencyRef] = Field(default_factory=list)
    step_due: list[AwareDatetime]
    status: Status = Status.RECEIVED
    current: int = 0
    assignee: StaffId | None = None
    step_started_at: AwareDatetime
    original_due_at: AwareDatetime
    due_at: AwareDatetime
    due_soon_at: AwareDatetime
    appointment_at: AwareDatetime
    pauses: list[Pause] = Field(default_factory=list)
    paused_working_days: int = 0
    apology_issued_at: AwareDatetime | None = None
    decision: Decision | None = None
    resolved_at: AwareDatetime | None = None
    stopped_at: AwareDatetime | None = None
    handoffs: list[Handoff] = Field(default_factory=list)
    history: list[ActionRecord] = Field(default_factory=list)
    warnings: list[DeadlineThreshold] = Field(default_factory=list)

    @classmethod
    def open(cls, event: CaseSubmitted, process: Process, calendar: WorkingCalendar) -> "Instance":
        """A new instance at status 2, its steps scheduled over the legal processing time."""
        # Only what the workflow keeps: other services' fields on the event are none of its own.
        facts = CaseFacts.model_validate(event.model_dump(include=set(CaseFacts.model_fields)))
        due = event.due_at
        desk = AgencyRef(code=event.agency_code, name=event.agency_name)
        return cls(
            case_code=event.case_code,
            facts=facts,
            steps=process.steps,
            agencies=process.performers(desk, local_date(event.received_at)),
            step_due=step_due_times(
                calendar,
                event.received_at,
                due,
                (event.processing_days, event.processing_time_unit),
                process.cumulative_shares(),
            ),
            step_started_at=event.received_at,
            original_due_at=due,
            due_at=due,
            due_soon_at=calendar.shift(due, -1),
            appointment_at=due,
            history=[
                ActionRecord(action="received", officer_id=None, role=None, at=event.received_at)
            ],
        )

    @property
    def step(self) -> Step:
        return self.steps[self.current]

    def agency_of(self, index: int) -> AgencyRef:
        """The agency performing step ``index``."""
        if not self.agencies:
            return AgencyRef(code=self.facts.agency_code, name=self.facts.agency_name)
        return self.agencies[index]

    @property
    def agency(self) -> AgencyRef:
        """The agency whose queue the case is in: the one performing the current step."""
        return self.agency_of(self.current)

    def reached(self, agency_code: str) -> bool:
        """Whether the case has been at ``agency_code``: received there or passed on to it."""
        codes = {self.facts.agency_code, *(self.agency_of(i).code for i in range(self.current + 1))}
        return agency_code in codes

    @property
    def contact(self) -> ApplicantContact:
        return ApplicantContact.model_validate(
            self.facts.applicant.model_dump(include={"full_name", "phone", "email"})
        )

    @property
    def open_pause(self) -> Pause | None:
        return self.pauses[-1] if self.pauses and self.pauses[-1].until is None else None

    def require(self, allowed: frozenset[Status] | set[Status], action: str) -> None:
        if self.status not in allowed:
            raise IllegalAction(
                f"không thể {action} khi hồ sơ ở trạng thái {self.status.value} "
                f"({STATUS_NAMES[self.status]})"
            )

    def record(
        self,
        action: str,
        officer_id: str | None,
        role: OfficerRole | None,
        at: datetime,
        **details: object,
    ) -> None:
        self.history.append(
            ActionRecord(
                action=action,
                officer_id=officer_id,
                role=role,
                at=at,
                details={k: v for k, v in details.items() if v is not None},
            )
        )

    def move_due(self, calendar: WorkingCalendar, working_days: int) -> None:
        """Push the due date, the appointment and the pending steps' due times later."""
        if working_days <= 0:
            return
        self.due_at = calendar.shift(self.due_at, working_days)
        self.appointment_at = calendar.shift(self.appointment_at, working_days)
        self.due_soon_at = calendar.shift(self.due_at, -1)
        self.step_due[self.current :] = [
            calendar.shift(due, working_days) for due in self.step_due[self.current :]
        ]

    def deadline_warning(self, now: datetime) -> DeadlineWarning | None:
        """The warning the deadline watch raises now, once per threshold; records it as raised."""
        if self.status not in CLOCK_RUNNING:
            return None
        if now > self.due_at:
            threshold = DeadlineThreshold.OVERDUE
        elif now >= self.due_soon_at:
            threshold = DeadlineThreshold.DUE_SOON
        else:
            return None
        if threshold in self.warnings:
            return None
        self.warnings.append(threshold)
        return DeadlineWarning(
            case_code=self.case_code, threshold=threshold, due_at=self.due_at, detected_at=now
        )
