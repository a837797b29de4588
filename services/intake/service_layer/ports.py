"""What the use cases need from storage, as ports the adapters (and the unit tests' fakes) fill.

Every change runs as one unit of work (``CaseUnits.run``): the work reads cases from a
``CaseStore``, decides, and buffers the new state with its events; all of it commits together or
not at all. A concurrent change to what the work read makes the whole work run again on fresh
data, so it must only read, decide and write through the store (no other side effects). When the
attempts run out the unit raises ``shared.mongo.Conflict``.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from services.intake.domain.case import Case
from shared.audit import ActionLog
from shared.events.envelope import Envelope

T = TypeVar("T")


@dataclass(frozen=True)
class ReceptionKey:
    """What makes a reception repeatable: the request's key and the hash of its body."""

    # Unique among cases: ``key:<Idempotency-Key>``, or ``case:<code>`` for a request without one.
    idempotency_key: str
    # A retry with the same key must carry the same request.
    fingerprint: str


@dataclass(frozen=True)
class StoredCase:
    case: Case
    fingerprint: str


class CaseStore(ActionLog, Protocol):
    """The cases as one unit of work sees them: reads at once, writes when the unit commits; the
    officer's action goes into the audit trail with them (``record``, from ``ActionLog``)."""

    async def get(self, code: str) -> Case | None: ...

    async def for_applicant(self, code: str, identifier: str) -> Case | None:
        """The case only if ``identifier`` is its applicant's ID number or tax code: one query
        for every outcome."""
        ...

    async def by_idempotency_key(self, key: str) -> StoredCase | None: ...

    def add(self, case: Case, key: ReceptionKey, events: list[Envelope[Any]]) -> None:
        """A new case with its events; a case already stored under its code or key makes the
        unit run again."""
        ...

    def save(self, case: Case, events: list[Envelope[Any]]) -> None:
        """``case`` as read in this unit (at ``case.version``) with its events; a change stored
        meanwhile makes the unit run again."""
        ...


class CaseUnits(Protocol):
    async def run(self, work: Callable[[CaseStore], Awaitable[T]]) -> T:
        """Run ``work`` as one unit of work, again while it conflicts with a concurrent one."""
        ...


class CaseSequences(Protocol):
    async def next_number(self, key: str) -> int:
        """The next number of the daily sequence ``key`` (1 for its first case); atomic, so
        concurrent draws never share a number."""
        ...


@dataclass(frozen=True)
class StoredEntry:
    """A register entry already recorded: its case code and the hash of what was sent for it."""

    case_code: str
    fingerprint: str


class RegisterBook(Protocol):
    """The register entries recorded, as one unit of work sees them, with the audit trail."""

    @property
    def audit(self) -> ActionLog: ...

    async def entries(self, keys: list[str]) -> dict[str, StoredEntry]:
        """Those of ``keys`` already recorded, in one read."""
        ...

    async def reserve(self, counts: dict[str, int]) -> dict[str, int]:
        """``counts[key]`` consecutive numbers of each daily sequence, as the first of each,
        taken when the unit commits (see ``CaseSequences``)."""
        ...

    def add(self, key: str, entry: StoredEntry, event: Envelope[Any]) -> None:
        """A new entry with its event; one recorded meanwhile under ``key`` makes the unit run
        again."""
        ...


class RegisterUnits(Protocol):
    async def run(self, work: Callable[[RegisterBook], Awaitable[T]]) -> T: ...
