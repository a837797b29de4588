"""Random action sequences never reach an illegal state, lose the clock, or half-apply a refusal."""

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from services.workflow.domain import commands as c
from services.workflow.domain.actions import perform
from services.workflow.domain.errors import WorkflowError
from services.workflow.domain.instance import Instance
from services.workflow.domain.records import OPEN_STATUSES, Status
from services.workflow.domain.waits import supplement_arrived
from shared.events.decisions import CaseResolved, Outcome
from shared.events.values import CopyKind, DocumentItem
from shared.events.workflow import ProcessingResumed
from tests.unit.test_workflow_support import (
    CALENDAR,
    CLERK,
    LEADER,
    MANAGER,
    RULES,
    SPECIALIST,
    at,
    opened,
    supplement,
)

pytestmark = pytest.mark.unit

DOCUMENT = DocumentItem(name="Giấy báo tử", copy_kind=CopyKind.COPY, count=1)
COMMANDS = st.sampled_from(
    [
        c.Claim(),
        c.CompleteStep(),
        c.CompleteStep(),
        c.HandOver(),
        "assign-to-owner",
        c.CompleteStep(),
        c.RequestSupplement(reasons=["Thiếu giấy tờ"], missing_documents=[DOCUMENT]),
        c.RequestFee(amount_vnd=50_000, reason="Phí"),
        c.RecordFeePayment(receipt_number="BL-1"),
        c.Apologise(reason="Chậm", new_due_at=at(20, month=8)),
        c.StopProcessing(reason="Rút hồ sơ"),
        c.Decide(outcome=Outcome.APPROVED, decision_number="1/QĐ"),
        c.Decide(outcome=Outcome.REJECTED, decision_number="2/TB"),
        c.HandOver(),
        "supplement-received",
    ]
)
STEPS = st.lists(
    st.tuples(
        COMMANDS,
        # Mostly the officer whose role owns the current step, so that cases also get resolved.
        st.sampled_from(["owner", "owner", "owner", SPECIALIST, LEADER, CLERK, MANAGER]),
        st.integers(min_value=0, max_value=60),  # hours the clock moves before the action
    ),
    min_size=12,
    max_size=60,
)


def check_invariants(instance: Instance) -> None:
    waiting = instance.status in {Status.SUPPLEMENT_REQUESTED, Status.FEE_REQUESTED}
    assert waiting == (instance.open_pause is not None)
    assert instance.paused_working_days == sum(p.working_days for p in instance.pauses)
    # The clock is never lost: the due date is the legal one moved by exactly the paused days.
    assert instance.due_at == CALENDAR.shift(instance.original_due_at, instance.paused_working_days)
    assert instance.due_soon_at == CALENDAR.shift(instance.due_at, -1)
    assert instance.appointment_at >= instance.due_at
    resolved = instance.status is Status.RESOLVED
    assert len(instance.handoffs) == instance.current + resolved
    assert resolved == (instance.resolved_at is not None)
    assert not resolved or instance.decision is not None
    if instance.status is Status.RECEIVED:
        assert instance.assignee is None and not instance.handoffs


def check_resumption(before: Instance, after: Instance, events: list) -> None:
    """Going back to work after a wait (not stopping during it) is one ``processing-resumed``,
    telling the due date it moved to."""
    resumed = [e for e in events if isinstance(e, ProcessingResumed)]
    back_to_work = before.open_pause is not None and after.status is Status.IN_PROGRESS
    assert len(resumed) == back_to_work
    for e in resumed:
        assert (e.previous_due_at, e.due_at) == (before.due_at, after.due_at)
        assert e.due_at == CALENDAR.shift(e.previous_due_at, e.paused_working_days)
        assert e.paused_working_days == after.pauses[-1].working_days


OWNERS = {role: officer for officer in (SPECIALIST, LEADER, CLERK) for role in officer.roles}


def apply(instance: Instance, command: object, officer: object, now: datetime) -> tuple:
    if officer == "owner":
        officer = OWNERS[instance.step.role]
    if command == "assign-to-owner":
        command = c.Assign(assignee=OWNERS[instance.step.role].id)
    if command == "supplement-received":
        return supplement_arrived(instance, supplement(now), RULES)
    return perform(instance, command, officer, now, RULES)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(STEPS)
def test_random_action_sequences_keep_the_case_consistent(steps: list) -> None:
    instance, now, resolutions = opened(), at(14, 3), 0
    for command, officer, hours in steps:
        now += timedelta(hours=hours)
        before = instance.model_dump()
        try:
            after, events = apply(instance, command, officer, now)
        except WorkflowError:
            assert instance.model_dump() == before  # a refusal changes nothing
            continue
        if instance.status not in OPEN_STATUSES:
            pytest.fail(f"{command!r} changed a closed case in status {instance.status}")
        assert len(after.history) == len(instance.history) + 1
        resolutions += sum(isinstance(event, CaseResolved) for event in events)
        check_resumption(instance, after, events)
        instance = after
        check_invariants(instance)
    assert resolutions == (instance.status is Status.RESOLVED)
    event(f"final status {instance.status.value}")
