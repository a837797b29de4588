"""Changing a stored case: the desk's later steps and the workflow's events.

Each change reads the case, applies a pure domain method and stores the result with its events
in one conditional write; a concurrent change makes the write stale, and the change is retried
on a fresh copy.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.intake.domain.case import Case
from services.intake.domain.commands import RateService, ReceiveSupplement
from services.intake.domain.errors import NotFound
from services.intake.domain.tracking import TRACKERS
from services.intake.service_layer.ports import CaseRepository, StaleCase
from shared.clock import Clock
from shared.events.codec import new_event
from shared.events.envelope import Envelope, EventData
from shared.mongo import Turns

_ATTEMPTS = 10
UNKNOWN_CASE = "Không tìm thấy hồ sơ"

Change = Callable[[Case], list[EventData]]


@dataclass(frozen=True)
class CaseDesk:
    cases: CaseRepository
    clock: Clock
    # Called once new events are stored, so the relay publishes them without waiting to poll.
    stored: Callable[[], None] = lambda: None
    turns: Turns = field(default_factory=Turns)

    async def receive_supplement(self, code: str, cmd: ReceiveSupplement, officer: str) -> Case:
        now = self.clock.now()
        return await self._change(
            code, lambda case: [case.receive_supplement(cmd.documents, now, officer)]
        )

    async def return_result(self, code: str, officer: str) -> Case:
        now = self.clock.now()
        return await self._change(code, lambda case: [case.return_result(now, officer)])

    async def rate(self, code: str, citizen_id: str, cmd: RateService) -> Case:
        case = await self.cases.find_for_applicant(code, citizen_id)
        if case is None:
            raise NotFound("path.code", UNKNOWN_CASE)
        now = self.clock.now()
        return await self._change(code, lambda c: [c.rate(cmd.indicators, now)])

    async def track(self, event: Envelope) -> None:
        """Apply a workflow event to the case it is about, once."""
        tracker = TRACKERS.get(type(event.data))
        if tracker is None:
            return
        async with self.turns.of(event.subject):
            await self._track(event, tracker)

    async def _track(self, event: Envelope, tracker: Callable[[Case, Any], None]) -> None:
        for _ in range(_ATTEMPTS):
            case = await self.cases.get(event.subject)
            if case is None:
                raise LookupError(f"no case {event.subject} for event {event.id}")
            tracker(case, event.data)
            try:
                await self.cases.save(case, [], applied_event=str(event.id))
            except StaleCase:
                continue
            return
        raise StaleCase(event.subject)

    async def _change(self, code: str, change: Change) -> Case:
        async with self.turns.of(code):
            return await self._change_in_turn(code, change)

    async def _change_in_turn(self, code: str, change: Change) -> Case:
        for _ in range(_ATTEMPTS):
            case = await self.cases.get(code)
            if case is None:
                raise NotFound("path.code", UNKNOWN_CASE)
            events = [new_event(data, time=self.clock.now()) for data in change(case)]
            try:
                await self.cases.save(case, events, applied_event=None)
            except StaleCase:
                continue
            self.stored()
            return case.model_copy(update={"version": case.version + 1})
        raise StaleCase(code)
