"""Working the steps of a flow: who may take a step, and handing the case on (form 06 rows),
from one agency to the next where the procedure is interlinked (liên thông)."""

from datetime import datetime

from services.workflow.domain import commands as c
from services.workflow.domain.errors import Forbidden, IllegalAction
from services.workflow.domain.instance import Instance, Rules
from services.workflow.domain.processes import Step, StepAction
from services.workflow.domain.records import Handoff, Status
from shared.calendar import classify_timeliness
from shared.events.envelope import EventData
from shared.events.workflow import CaseTransferred, StepCompleted, StepRef
from shared.officers import ROLE_NAMES, Officer, OfficerRole, role_names

ACTIVE = frozenset({Status.RECEIVED, Status.IN_PROGRESS})


def take_step(instance: Instance, officer: Officer, action: StepAction, verb: str) -> None:
    """The officer may work the current step: its kind, its role, and nobody else holds it."""
    instance.require(ACTIVE, verb)
    step = instance.step
    if step.action is not action:
        raise IllegalAction(f"không thể {verb} ở bước «{step.name}»")
    role = OfficerRole(step.role)  # the officer role of the very same value
    if role not in officer.roles:
        raise Forbidden(
            f"bước «{step.name}» do {ROLE_NAMES[role]} thực hiện, "
            f"không phải {role_names(officer.roles)}"
        )
    if instance.assignee not in (None, officer.id):
        raise Forbidden(f"bước «{step.name}» đã giao cho {instance.assignee}")
    instance.assignee = officer.id
    instance.status = Status.IN_PROGRESS


def hold_step(instance: Instance, officer: Officer, verb: str) -> None:
    """Only the officer holding the step in progress may pause it."""
    instance.require({Status.IN_PROGRESS}, verb)
    if instance.assignee != officer.id:
        raise Forbidden(f"chỉ người đang xử lý bước «{instance.step.name}» mới được {verb}")


def require_role(officer: Officer, roles: set[OfficerRole], verb: str) -> None:
    if officer.acting_role(roles) is None:
        raise Forbidden(
            f"chỉ {role_names(roles)} mới được {verb}; bạn là {role_names(officer.roles)}"
        )


def require_agency(instance: Instance, officer: Officer) -> None:
    """Officers act only on cases at their own agency's step; administrators on all.

    Once an interlinked case moves on, the agency that handed it over no longer acts on it.
    """
    if OfficerRole.ADMIN in officer.roles or officer.agency == instance.agency.code:
        return
    raise Forbidden(
        f"hồ sơ {instance.case_code} đang ở bước «{instance.step.name}» do "
        f"{instance.agency.name} xử lý, không thuộc cơ quan của bạn",
        field="path.code",
    )


def require_reader(instance: Instance, officer: Officer) -> None:
    """Officers read the cases their agency received or has had at one of its steps.

    The receiving desk keeps reading an interlinked case while other agencies process it: it
    answers the applicant and returns the result. An agency whose step is still to come reads the
    case once it arrives there.
    """
    if OfficerRole.ADMIN in officer.roles or instance.reached(officer.agency):
        return
    raise Forbidden(f"hồ sơ {instance.case_code} không thuộc cơ quan của bạn", field="path.code")


def forward(
    instance: Instance, officer: Officer, now: datetime, note: str | None = None
) -> StepCompleted:
    """Close the current step as one hand-off of form 06 and move to the next step, unassigned."""
    step, due = instance.step, instance.step_due[instance.current]
    last = instance.current + 1 >= len(instance.steps)
    following = None if last else instance.steps[instance.current + 1]
    handoff = Handoff(
        step_id=step.id,
        step_name=step.name,
        role=step.role,
        assignee=officer.id,
        started_at=instance.step_started_at,
        completed_at=now,
        due_at=due,
        timeliness=classify_timeliness(now, due),
        next_step_id=following.id if following else None,
        agency=instance.agency,
        next_agency=None if last else instance.agency_of(instance.current + 1),
        note=note,
    )
    instance.handoffs.append(handoff)
    if following is not None:
        instance.current += 1
        instance.assignee = None
        instance.step_started_at = now
    return StepCompleted(
        case_code=instance.case_code,
        step=step.ref(),
        assignee=officer.id,
        started_at=handoff.started_at,
        completed_at=now,
        due_at=due,
        timeliness=handoff.timeliness,
        next_step=following.ref() if following else None,
    )


def hand_on(
    instance: Instance, officer: Officer, now: datetime, note: str | None = None
) -> list[EventData]:
    """``forward``, and where the next step belongs to another agency the hand-over between the
    agencies as an event of its own (``case-transferred``)."""
    completed = forward(instance, officer, now, note)
    handoff = instance.handoffs[-1]
    giver, receiver = handoff.agency, handoff.next_agency
    if giver is None or receiver is None or giver.code == receiver.code:
        return [completed]
    return [completed, transferred(instance.case_code, handoff, instance.step, officer)]


def transferred(
    case_code: str, handoff: Handoff, following: Step, officer: Officer
) -> CaseTransferred:
    giver, receiver = handoff.agency, handoff.next_agency
    assert giver is not None and receiver is not None  # set by ``forward``
    return CaseTransferred(
        case_code=case_code,
        from_agency_code=giver.code,
        from_agency_name=giver.name,
        to_agency_code=receiver.code,
        to_agency_name=receiver.name,
        step=StepRef(step_id=handoff.step_id, step_name=handoff.step_name, role=handoff.role),
        next_step=following.ref(),
        given_by=officer.id,
        transferred_at=handoff.completed_at,
        due_at=handoff.due_at,
        timeliness=handoff.timeliness,
        notes=handoff.note,
    )


def claim(
    i: Instance, cmd: c.Command, who: Officer, now: datetime, rules: Rules
) -> list[EventData]:
    if i.status in ACTIVE and i.assignee == who.id:
        raise IllegalAction(f"bạn đã nhận bước «{i.step.name}»")
    take_step(i, who, i.step.action, "nhận xử lý")
    return []


def assign(
    i: Instance, cmd: c.Assign, who: Officer, now: datetime, rules: Rules
) -> list[EventData]:
    require_role(who, {OfficerRole.LEADER, OfficerRole.MANAGER}, "phân công xử lý")
    i.require(ACTIVE, "phân công xử lý")
    i.assignee = cmd.assignee
    i.status = Status.IN_PROGRESS
    return []


def complete(
    i: Instance, cmd: c.CompleteStep, who: Officer, now: datetime, rules: Rules
) -> list[EventData]:
    take_step(i, who, StepAction.REVIEW, "hoàn thành bước thẩm định")
    return hand_on(i, who, now, cmd.note)
