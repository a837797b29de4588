"""The workflow's use cases over in-memory fakes of its ports (store and unit of work).

What the real store adds (transactions, version checks under concurrency) is checked in
tests/integration/test_workflow_service.py.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar, cast

import pytest

from services.workflow.adapters.definitions import load_processes
from services.workflow.adapters.repository import QueueFilter, Stored
from services.workflow.domain import commands as c
from services.workflow.domain.errors import Busy, IllegalAction
from services.workflow.domain.instance import Instance
from services.workflow.service_layer.handlers import Workflow
from shared.clock import ManualClock
from shared.events.codec import new_event
from shared.events.envelope import Envelope
from shared.events.workflow import DeadlineWarning, FeeRequested
from shared.kafka.retry import PermanentFailure
from shared.mongo import Conflict, Transaction
from shared.officers import Officer, OfficerRole
from tests.unit.test_workflow_support import RULES, SPECIALIST, at, opened, submitted, supplement

T = TypeVar("T")
CODE = submitted().case_code


class FakeTx:
    """One attempt: its instant, its staged instances and the events it published."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.staged: dict[str, tuple[int, Instance]] = {}  # code -> (version read, new state)
        self.published: list[Envelope[Any]] = []
        self.audited: list[tuple[str, str, str | None]] = []  # officer, action, case code

    def publish(self, *events: Envelope[Any]) -> None:
        self.published.extend(events)


class FakeTrail:
    """``ActionLog`` of one attempt: entries commit with it."""

    def __init__(self, tx: FakeTx) -> None:
        self.tx = tx

    async def record(self, officer: Officer, role: OfficerRole, action: str, **change: Any) -> None:
        assert role in officer.roles
        self.tx.audited.append((officer.id, action, change.get("case_code")))


class FakeStore:
    """Committed instances and events; ``run`` commits an attempt all or nothing, like
    ``UnitOfWork``, and ``conflicts`` makes that many attempts lose to another writer."""

    def __init__(self, clock: ManualClock, conflicts: int = 0) -> None:
        self.clock = clock
        self.conflicts = conflicts
        self.instances: dict[str, Stored] = {}
        self.published: list[Envelope[Any]] = []
        self.audited: list[tuple[str, str, str | None]] = []

    async def run(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        for _ in range(8):
            tx = FakeTx(self.clock.now())
            result = await work(cast(Transaction, tx))
            if self.conflicts:
                self.conflicts -= 1
                continue
            for code, (version, instance) in tx.staged.items():
                current = self.instances.get(code)
                if current is None or version == current.version:  # else: open of an existing
                    self.instances[code] = Stored(instance, version + 1)
            self.published.extend(tx.published)
            self.audited.extend(tx.audited)
            return result
        raise Conflict("instances: a document changed since it was read")


class FakeInstances:
    """``InstanceStore`` over the fake store, as one attempt sees it."""

    def __init__(self, store: FakeStore, tx: FakeTx) -> None:
        self.store, self.tx = store, tx

    async def get(self, case_code: str) -> Stored | None:
        return self.store.instances.get(case_code)

    def open(self, instance: Instance) -> None:
        self.tx.staged.setdefault(instance.case_code, (0, instance))

    def save(self, stored: Stored, instance: Instance) -> None:
        self.tx.staged[instance.case_code] = (stored.version, instance)

    async def needing_warning(self, limit: int) -> list[Stored]:
        due = [
            s
            for s in self.store.instances.values()
            if s.instance.model_copy(deep=True).deadline_warning(self.tx.now)
        ]
        return due[:limit]

    async def queue(self, filter_: QueueFilter, limit: int) -> list[Instance]:
        return [s.instance for s in self.store.instances.values()][:limit]


def workflow(store: FakeStore) -> Workflow:
    views = FakeInstances(store, FakeTx(store.clock.now()))
    return Workflow(
        store,
        views,
        load_processes(),
        RULES,
        store.clock,
        instances=lambda tx: FakeInstances(store, cast(FakeTx, tx)),
        trail=lambda tx: FakeTrail(cast(FakeTx, tx)),
    )


@pytest.fixture
def store() -> FakeStore:
    found = FakeStore(ManualClock(at(15)))
    found.instances[CODE] = Stored(opened(), 1)
    return found


async def test_an_action_stores_the_new_state_and_publishes_its_events(store: FakeStore) -> None:
    flow = workflow(store)
    await flow.act(CODE, c.Claim(), SPECIALIST)
    fee = c.RequestFee(amount_vnd=50_000, reason="Phí sao y giấy tờ")
    await flow.act(CODE, fee, SPECIALIST)
    stored = store.instances[CODE]
    assert (stored.version, stored.instance.status) == (3, 6)
    assert [type(e.data) for e in store.published] == [FeeRequested]
    assert store.audited == [("cv.minh", "claim", CODE), ("cv.minh", "request_fee", CODE)]


async def test_a_refusal_stores_nothing(store: FakeStore) -> None:
    before = store.instances[CODE]
    with pytest.raises(IllegalAction):
        await workflow(store).act(CODE, c.HandOver(), SPECIALIST)
    assert store.instances[CODE] is before and store.published == store.audited == []


async def test_losing_every_attempt_is_a_busy_refusal_naming_the_case() -> None:
    store = FakeStore(ManualClock(at(15)), conflicts=8)
    store.instances[CODE] = before = Stored(opened(), 1)
    with pytest.raises(Busy) as refused:
        await workflow(store).act(CODE, c.Claim(), SPECIALIST)
    assert refused.value.field == "path.code" and CODE in refused.value.reason
    assert store.instances[CODE] is before


async def test_a_case_submitted_again_keeps_the_instance_it_opened(store: FakeStore) -> None:
    flow = workflow(store)
    await flow.act(CODE, c.Claim(), SPECIALIST)
    await store.run(lambda tx: flow.case_submitted(tx, new_event(submitted())))
    assert store.instances[CODE].instance.assignee == SPECIALIST.id


async def test_the_watch_warns_once_per_threshold(store: FakeStore) -> None:
    flow = workflow(store)
    store.clock.set(at(25, 12))  # Friday afternoon: due Monday
    assert [await flow.watch_deadlines(), await flow.watch_deadlines()] == [1, 0]
    [warning] = store.published
    assert isinstance(warning.data, DeadlineWarning) and warning.data.threshold == "due_soon"


async def test_a_supplement_for_a_case_not_in_processing_is_a_permanent_failure() -> None:
    store = FakeStore(ManualClock(at(21)))
    event = new_event(supplement(at(21)))
    with pytest.raises(PermanentFailure):
        await store.run(lambda tx: workflow(store).supplement_received(tx, event))
