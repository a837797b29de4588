"""Builders shared by the workflow's unit tests (no tests here)."""

from datetime import UTC, datetime

from services.workflow.adapters.calendar import DeadlineCalendar
from services.workflow.adapters.definitions import load_processes, load_programmes
from services.workflow.domain.actions import perform
from services.workflow.domain.commands import Command
from services.workflow.domain.instance import Instance, Rules
from shared.events.envelope import EventData
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseSubmitted, SupplementReceived
from shared.events.values import CopyKind, DocumentItem
from shared.officers import Officer, OfficerRole

# No public holiday falls in July or August 2025, so these weeks are plain Monday to Friday.
CALENDAR = DeadlineCalendar()
RULES = Rules(CALENDAR, load_programmes())
AGENCY = EXAMPLES[CaseSubmitted].agency_code  # type: ignore[attr-defined]


def officer(account: str, role: OfficerRole, agency: str = AGENCY) -> Officer:
    return Officer(id=account, name=account, roles=frozenset({role}), agency=agency)


SPECIALIST = officer("cv.minh", OfficerRole.SPECIALIST)
OTHER_SPECIALIST = officer("cv.thu", OfficerRole.SPECIALIST)
LEADER = officer("ld.hung", OfficerRole.LEADER)
CLERK = officer("tn.lan", OfficerRole.RECEPTION_CLERK)
MANAGER = officer("ql.son", OfficerRole.MANAGER)
# Received Monday 14/7/2025 09:00 local; 10 working days.
RECEIVED = datetime(2025, 7, 14, 2, 0, tzinfo=UTC)
DUE = datetime(2025, 7, 28, 10, 0, tzinfo=UTC)


def submitted(**changes: object) -> CaseSubmitted:
    base = EXAMPLES[CaseSubmitted]
    assert isinstance(base, CaseSubmitted)
    return base.model_copy(update={"received_at": RECEIVED, "due_at": DUE, **changes})


def opened(**changes: object) -> Instance:
    event = submitted(**changes)
    return Instance.open(event, load_processes().for_procedure(event.procedure_code), CALENDAR)


def at(day: int, hour: int = 3, month: int = 7) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=UTC)


def supplement(received_at: datetime) -> SupplementReceived:
    """Intake's ``supplement-received`` for the example case, received by the desk's clerk."""
    document = DocumentItem(name="Giấy báo tử liệt sĩ", copy_kind=CopyKind.CERTIFIED_COPY, count=1)
    return SupplementReceived(
        case_code=EXAMPLES[CaseSubmitted].case_code,
        documents=[document],
        received_at=received_at,
        received_by=CLERK.id,
    )


def act(
    instance: Instance, command: Command, officer: Officer, now: datetime
) -> tuple[Instance, list[EventData]]:
    return perform(instance, command, officer, now, RULES)
