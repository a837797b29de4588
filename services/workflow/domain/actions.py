"""Officer actions on an instance: one registry, each action run on a copy of the case."""

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from services.workflow.domain import commands as c
from services.workflow.domain.instance import Instance, Rules
from services.workflow.domain.outcomes import apologise, decide, hand_over, stop
from services.workflow.domain.steps import assign, claim, complete, require_agency
from services.workflow.domain.waits import record_fee_payment, request_fee, request_supplement
from services.workflow.domain.withdrawal import withdraw
from shared.events.envelope import EventData
from shared.officers import Officer, OfficerRole

CommandT = TypeVar("CommandT", bound=c.Command)
# An action takes the one command class it is registered under in ``ACTIONS``.
Action = Callable[[Instance, CommandT, Officer, datetime, Rules], list[EventData]]


def perform(
    instance: Instance, command: c.Command, officer: Officer, now: datetime, rules: Rules
) -> tuple[Instance, list[EventData]]:
    """Run an action on a copy: the caller's instance is untouched whether it succeeds or not."""
    require_agency(instance, officer)
    updated = instance.model_copy(deep=True)
    events = ACTIONS[type(command)](updated, command, officer, now, rules)
    role = acting_role(instance, officer)
    updated.record(action_name(command), officer.id, role, now, **command.model_dump(mode="json"))
    return updated, events


def acting_role(instance: Instance, officer: Officer) -> OfficerRole:
    """The role the action was done in: the step's when the officer holds it (one role each in
    practice), else the officer's first."""
    step_role = OfficerRole(instance.step.role)
    return step_role if step_role in officer.roles else min(officer.roles)


def action_name(command: c.Command) -> str:
    """``RequestSupplement`` -> ``request_supplement``, as the audit trail names it."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(command).__name__).lower()


ACTIONS: dict[type[c.Command], Action[Any]] = {
    c.Claim: claim,
    c.Assign: assign,
    c.CompleteStep: complete,
    c.RequestSupplement: request_supplement,
    c.RequestFee: request_fee,
    c.RecordFeePayment: record_fee_payment,
    c.Apologise: apologise,
    c.StopProcessing: stop,
    c.Decide: decide,
    c.HandOver: hand_over,
    c.RecordWithdrawal: withdraw,
}
