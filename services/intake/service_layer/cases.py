"""Changing a stored case: the desk's later steps and the workflow's events.

Each change is one unit of work: read the case, apply a pure domain method, store the result with
its events. A concurrent change to the same case makes the unit run again on a fresh copy; only
when that keeps happening through all its attempts does the caller get a 409.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.intake.domain.case import Case
from services.intake.domain.commands import RateService, ReceiveSupplement, RefuseDossier
from services.intake.domain.errors import Conflict, NotFound
from services.intake.domain.tracking import TRACKERS
from services.intake.service_layer.ports import CaseStore, CaseUnits
from shared.calendar import DEFAULT_CALENDAR, WorkingCalendar
from shared.clock import Clock
from shared.events.codec import new_event
from shared.events.envelope import Envelope, EventData
from shared.mongo import Conflict as StoreConflict
from shared.officers import Officer, OfficerRole

UNKNOWN_CASE = "Không tìm thấy hồ sơ"

Change = Callable[[Case], list[EventData]]
# Roles in which an officer works a case at the desk (the routes admit only these).
DESK_ROLES = frozenset({OfficerRole.RECEPTION_CLERK})


@dataclass(frozen=True)
class Act:
    """An officer's action on a case, as the audit trail records it."""

    officer: Officer
    action: str

    async def record(self, cases: CaseStore, code: str, before: int, after: int) -> None:
        role = self.officer.acting_role(DESK_ROLES)
        assert role is not None, "the desk's routes admit only the desk's roles"
        await cases.record(
            self.officer,
            role,
            self.action,
            case_code=code,
            before={"status": before},
            after={"status": after},
        )


@dataclass(frozen=True)
class CaseDesk:
    units: CaseUnits
    clock: Clock
    # Accepting an online dossier counts its processing time from the desk's acceptance.
    calendar: WorkingCalendar = DEFAULT_CALENDAR

    async def accept(self, code: str, officer: Officer) -> Case:
        """An online dossier checked and received by the desk: status 2, ``case-submitted``."""
        now = self.clock.now()

        def change(case: Case) -> list[EventData]:
            s = case.submitted
            due = self.calendar.add_time(now, s.processing_days, s.processing_time_unit)
            return [case.accept(now, officer.id, due)]

        return await self._change(code, change, now, Act(officer, "accept"))

    async def refuse(self, code: str, cmd: RefuseDossier, officer: Officer) -> Case:
        """An online dossier the desk does not receive: status 3, form 03, ``case-refused``."""
        now = self.clock.now()
        reasons = list(cmd.reasons)
        return await self._change(
            code, lambda case: [case.refuse(reasons, now, officer.id)], now, Act(officer, "refuse")
        )

    async def receive_supplement(self, code: str, cmd: ReceiveSupplement, officer: Officer) -> Case:
        now = self.clock.now()
        return await self._change(
            code,
            lambda case: [case.receive_supplement(cmd.documents, now, officer.id)],
            now,
            Act(officer, "receive_supplement"),
        )

    async def return_result(self, code: str, officer: Officer) -> Case:
        now = self.clock.now()
        return await self._change(
            code,
            lambda case: [case.return_result(now, officer.id)],
            now,
            Act(officer, "return_result"),
        )

    async def rate(self, code: str, identifier: str, cmd: RateService) -> Case:
        """Only the applicant rates: another ID number or tax code answers like an unknown code."""
        now = self.clock.now()
        return await self._change(
            code, lambda case: [case.rate(cmd.indicators, now)], now, applicant=identifier
        )

    async def track(self, cases: CaseStore, event: Envelope[Any]) -> None:
        """Apply a workflow event to the case it is about, inside the consumer's unit of work
        (which skips events already applied and records this one as applied)."""
        tracker = TRACKERS.get(type(event.data))
        if tracker is None:
            return
        case = await cases.get(event.subject)
        if case is None:
            raise NotFound("case_code", f"{UNKNOWN_CASE} {event.subject}")
        tracker(case, event.data)
        cases.save(case, [])

    async def _change(
        self,
        code: str,
        change: Change,
        now: datetime,
        act: "Act | None" = None,
        *,
        applicant: str | None = None,
    ) -> Case:
        """``act``: the officer's action, recorded in the audit trail with the change."""

        async def work(cases: CaseStore) -> Case:
            if applicant is None:
                case = await cases.get(code)
            else:
                case = await cases.for_applicant(code, applicant)
            if case is None:
                raise NotFound("path.code", UNKNOWN_CASE)
            before = int(case.status)
            cases.save(case, [new_event(data, time=now) for data in change(case)])
            if act is not None:
                await act.record(cases, code, before, int(case.status))
            return case.model_copy(update={"version": case.version + 1})

        try:
            return await self.units.run(work)
        except StoreConflict:
            reason = f"Hồ sơ {code} đang được thay đổi đồng thời, hãy thử lại"
            raise Conflict("path.code", reason) from None
