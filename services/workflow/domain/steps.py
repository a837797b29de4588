"""Working the steps of a flow: who may take a step, and handing the case on (form 06 rows)."""

from datetime import datetime

from services.workflow.domain import commands as c
from services.workflow.domain.errors import Forbidden, IllegalAction
from services.workflow.domain.instance import Instance, Rules
from services.workflow.domain.processes import StepAction
from services.workflow.domain.records import Handoff, Status
from shared.calendar import classify_timeliness
from shared.events.envelope import EventData
from shared.events.workflow import StepCompleted
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
    """Officers see and work only the cases at their own agency; administrators see all."""
    if OfficerRole.ADMIN in officer.roles or officer.agency == instance.facts.agency_code:
        return
    raise Forbidden(f"hồ sơ {instance.case_code} không thuộc cơ quan của bạn", field="path.code")


def forward(instance: Instance, officer: Officer, now: datetime) -> StepCompleted:
    """Close the current step as one hand-off of form 06 and move to the next step, unassigned."""
    step, due = instance.step, instance.step_due[instance.current]
    following = (
        instance.steps[instance.current + 1] if instance.current + 1 < len(instance.steps) else None
    )
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
    return [forward(i, who, now)]
