"""The applicant withdraws the dossier (status 7): asked at the desk, recorded by its clerk.

Distinct from a stop (status 8), which the agency's leader decides: here the applicant decides,
and the desk only records the written request. Processing ends; a running wait ends with it.
"""

from datetime import datetime

from services.workflow.domain import commands as c
from services.workflow.domain.instance import Instance, Rules
from services.workflow.domain.records import OPEN_STATUSES, Status
from services.workflow.domain.steps import require_role
from shared.events.decisions import CaseWithdrawn
from shared.events.envelope import EventData
from shared.officers import Officer, OfficerRole


def withdraw(
    i: Instance, cmd: c.RecordWithdrawal, who: Officer, now: datetime, rules: Rules
) -> list[EventData]:
    require_role(who, {OfficerRole.RECEPTION_CLERK}, "ghi nhận công dân rút hồ sơ")
    i.require(OPEN_STATUSES, "ghi nhận rút hồ sơ")
    if (current := i.open_pause) is not None:
        i.pauses[-1] = current.model_copy(update={"until": now})
    # The instance keeps one end-of-processing time; the status tells a withdrawal from a stop.
    i.status, i.stopped_at = Status.WITHDRAWN, now
    return [
        CaseWithdrawn(
            case_code=i.case_code,
            reason=cmd.reason,
            requested_on=cmd.requested_on,
            withdrawn_at=now,
            recorded_by=who.id,
            applicant=i.contact,
        )
    ]
