"""Use cases: officer actions, consumed events and the deadline watch, each one unit of work.

Every change is a pure read -> decide -> write function run by ``UnitOfWork.run``: it reads the
instance in the transaction, lets the domain decide, buffers the new state (version-checked) and
the events it causes. A concurrent change makes the whole function run again on fresh state; a
refusal raises out of it and nothing is stored.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from services.workflow.adapters.repository import Instances, QueueFilter, Stored
from services.workflow.domain.actions import acting_role, action_name, perform
from services.workflow.domain.commands import Command
from services.workflow.domain.errors import Busy, IllegalAction, UnknownCase
from services.workflow.domain.instance import Instance, Rules
from services.workflow.domain.processes import ProcessCatalogue
from services.workflow.domain.steps import require_reader
from services.workflow.domain.waits import supplement_arrived
from shared.audit import ActionLog, AuditTrail, changed_fields
from shared.clock import Clock
from shared.events.codec import new_event
from shared.events.envelope import Envelope, EventData
from shared.events.intake import CaseSubmitted, SupplementReceived
from shared.kafka import Subscriptions
from shared.kafka.retry import PermanentFailure
from shared.mongo import Conflict, Transaction
from shared.officers import Officer

log = logging.getLogger(__name__)

T = TypeVar("T")
# Warnings raised per unit of work: small enough that an officer's action on one of the cases,
# which makes the whole batch run again, costs little.
WATCH_BATCH = 200


class InstanceStore(Protocol):
    """The instances as one unit of work sees them (``adapters.repository.Instances``)."""

    async def get(self, case_code: str) -> Stored | None: ...

    def open(self, instance: Instance) -> None: ...

    def save(self, stored: Stored, instance: Instance) -> None: ...

    async def needing_warning(self, limit: int) -> list[Stored]: ...


class InstanceViews(Protocol):
    """Committed instances, read outside units of work (``adapters.repository.InstanceReader``)."""

    async def get(self, case_code: str) -> Stored | None: ...

    async def queue(self, filter_: QueueFilter, limit: int) -> list[Instance]: ...


class Units(Protocol):
    """Runs a unit of work until it commits (``shared.mongo.UnitOfWork``)."""

    async def run(self, work: Callable[[Transaction], Awaitable[T]]) -> T: ...


# What an officer's action can change, as the audit trail records it.
AUDITED_FIELDS = (
    "status",
    "current",
    "assignee",
    "due_at",
    "appointment_at",
    "decision",
    "stopped_at",
    "pauses",
)


def unknown(case_code: str) -> UnknownCase:
    return UnknownCase(f"không có hồ sơ {case_code} đang xử lý", field="path.code")


def envelopes(events: Sequence[EventData], now: datetime) -> list[Envelope[Any]]:
    return [new_event(event, time=now) for event in events]


@dataclass
class Workflow:
    """The workflow's use cases; ``instances`` opens the store on a unit's transaction."""

    uow: Units
    views: InstanceViews
    processes: ProcessCatalogue
    rules: Rules
    clock: Clock
    instances: Callable[[Transaction], InstanceStore] = field(default=Instances)
    trail: Callable[[Transaction], ActionLog] = field(default=AuditTrail)

    async def read(self, case_code: str, officer: Officer) -> Instance:
        """A case as an officer of an agency it has reached (or an administrator) may see it."""
        stored = await self.views.get(case_code)
        if stored is None:
            raise unknown(case_code)
        require_reader(stored.instance, officer)
        return stored.instance

    async def act(self, case_code: str, command: Command, officer: Officer) -> Instance:
        """Apply an officer's action; a refusal raises a ``WorkflowError`` and stores nothing."""

        async def work(tx: Transaction) -> Instance:
            instances = self.instances(tx)
            stored = await instances.get(case_code)
            if stored is None:
                raise unknown(case_code)
            instance, events = perform(stored.instance, command, officer, tx.now, self.rules)
            instances.save(stored, instance)
            tx.publish(*envelopes(events, tx.now))
            old, new = changed_fields(
                stored.instance.model_dump(mode="json"),
                instance.model_dump(mode="json"),
                AUDITED_FIELDS,
            )
            await self.trail(tx).record(
                officer,
                acting_role(stored.instance, officer),
                action_name(command),
                case_code=case_code,
                before=old,
                after=new,
            )
            return instance

        try:
            return await self.uow.run(work)
        except Conflict as lost:
            log.warning("action on %s kept losing to concurrent changes: %s", case_code, lost)
            raise Busy(
                f"hồ sơ {case_code} đang được cập nhật đồng thời bởi thao tác khác; "
                "vui lòng tải lại hồ sơ và thử lại",
                field="path.code",
            ) from lost

    async def case_submitted(self, tx: Transaction, event: Envelope[CaseSubmitted]) -> None:
        """Open the instance once, however often (and under whichever event id) it comes."""
        data = event.data
        process = self.processes.for_procedure(data.procedure_code)
        self.instances(tx).open(Instance.open(data, process, self.rules.calendar))

    async def supplement_received(
        self, tx: Transaction, event: Envelope[SupplementReceived]
    ) -> None:
        """Restart the clock and tell the new due date; a case not waiting keeps its state."""
        instances = self.instances(tx)
        stored = await instances.get(event.subject)
        if stored is None:
            # Only the workflow asks for supplements, so its instance must exist: retrying
            # cannot help, the event goes to the dead letters for a person to look at.
            raise PermanentFailure(f"supplement for {event.subject}, which is not in processing")
        try:
            instance, events = supplement_arrived(stored.instance, event.data, self.rules)
        except IllegalAction as refused:
            log.warning("supplement received but ignored: %s", refused.reason)
            return
        instances.save(stored, instance)
        tx.publish(*envelopes(events, tx.now))

    def subscriptions(self) -> Subscriptions:
        """What each consumed topic does; the consumer subscribes to exactly these topics."""
        return Subscriptions(
            {
                "case-submitted": self.case_submitted,
                "supplement-received": self.supplement_received,
            }
        )

    async def watch_deadlines(self) -> int:
        """Raise each due warning once, a batch per unit of work; returns how many.

        Safe in several replicas at once: each warning is a version-checked write of its case, so
        of two replicas that read the same case one commits and the other runs again, and then no
        longer finds the case needing that warning.
        """
        raised = 0
        while True:
            found, batch_raised = await self.uow.run(self._warn_batch)
            raised += batch_raised
            # A full batch may have left cases behind; one that raised nothing would repeat.
            if found < WATCH_BATCH or batch_raised == 0:
                return raised

    async def _warn_batch(self, tx: Transaction) -> tuple[int, int]:
        instances = self.instances(tx)
        found = await instances.needing_warning(WATCH_BATCH)
        raised = 0
        for stored in found:
            instance = stored.instance.model_copy(deep=True)
            warning = instance.deadline_warning(tx.now)
            if warning is None:
                continue
            instances.save(stored, instance)
            tx.publish(new_event(warning, time=tx.now))
            raised += 1
        return len(found), raised
