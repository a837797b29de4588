"""Use cases: officer actions, consumed events and the deadline watch, each one stored write."""

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.workflow.adapters.repository import ConcurrentChange, InstanceRepository, Stored
from services.workflow.domain.actions import perform
from services.workflow.domain.commands import Command
from services.workflow.domain.errors import IllegalAction, UnknownCase
from services.workflow.domain.instance import Instance, Rules
from services.workflow.domain.processes import ProcessCatalogue
from services.workflow.domain.waits import supplement_arrived
from shared.clock import Clock
from shared.events.codec import new_event
from shared.events.envelope import Envelope, EventData
from shared.events.intake import CaseSubmitted, SupplementReceived
from shared.idempotency import Outcome
from shared.officers import Officer

log = logging.getLogger(__name__)

# Two writers rarely touch one case at once; a few re-reads settle it.
MAX_ATTEMPTS = 5
WATCH_BATCH = 500


@dataclass
class Workflow:
    """The workflow's use cases over its repository; ``stored`` wakes the outbox relay."""

    repository: InstanceRepository
    processes: ProcessCatalogue
    rules: Rules
    clock: Clock
    stored: Callable[[], None] = lambda: None

    @staticmethod
    def envelopes(events: Sequence[EventData], now: datetime) -> list[Envelope]:
        return [new_event(event, time=now) for event in events]

    async def load(self, case_code: str) -> Stored:
        stored = await self.repository.get(case_code)
        if stored is None:
            raise UnknownCase(f"không có hồ sơ {case_code} đang xử lý", field="path.code")
        return stored

    async def act(self, case_code: str, command: Command, officer: Officer) -> Instance:
        """Apply an officer's action; a refusal raises a ``WorkflowError`` and stores nothing."""
        for _ in range(MAX_ATTEMPTS):
            stored = await self.load(case_code)
            now = self.clock.now()
            instance, events = perform(stored.instance, command, officer, now, self.rules)
            try:
                await self.repository.save(
                    instance, stored.version, self.envelopes(events, now), now
                )
            except ConcurrentChange:
                continue
            self.stored()
            return instance
        raise IllegalAction("hồ sơ đang được người khác cập nhật, vui lòng thử lại")

    async def case_submitted(self, event: Envelope[CaseSubmitted]) -> None:
        """Open the instance exactly once, however often the event is delivered."""
        data = event.data
        process = self.processes.for_procedure(data.procedure_code)
        instance = Instance.open(data, process, self.rules.calendar)
        outcome = await self.repository.create(instance, str(event.id), self.clock.now())
        if outcome is Outcome.DUPLICATE:
            log.info("case already in processing, redelivery ignored")

    async def supplement_received(self, event: Envelope[SupplementReceived]) -> None:
        """Restart the clock and tell the new due date; a case not waiting keeps its state."""
        event_id = str(event.id)
        for _ in range(MAX_ATTEMPTS):
            if await self.repository.has_applied(event.subject, event_id):
                return
            stored = await self.load(event.subject)
            try:
                instance, events = supplement_arrived(stored.instance, event.data, self.rules)
            except IllegalAction as refused:
                log.warning("supplement received but ignored: %s", refused.reason)
                return
            now = self.clock.now()
            try:
                await self.repository.save(
                    instance, stored.version, self.envelopes(events, now), now, event_id=event_id
                )
            except ConcurrentChange:
                continue
            self.stored()
            return
        raise ConcurrentChange(event.subject)

    async def watch_deadlines(self) -> int:
        """Raise each due warning once; safe in several replicas at once. Returns how many."""
        now, raised = self.clock.now(), 0
        for instance in await self.repository.needing_warning(now, WATCH_BATCH):
            warning = instance.deadline_warning(now)
            if warning is None:
                continue
            envelope = new_event(warning, time=now)
            if await self.repository.record_warning(instance, warning.threshold, envelope, now):
                raised += 1
        if raised:
            self.stored()
        return raised

    def event_handlers(self) -> dict[str, Callable[[Envelope], Awaitable[None]]]:
        """What each consumed topic does, by catalogue topic name."""
        return {
            "case-submitted": self.case_submitted,
            "supplement-received": self.supplement_received,
        }
