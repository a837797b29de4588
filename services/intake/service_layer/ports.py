"""What the use cases need from storage, as ports the adapters (and the unit tests' fakes) fill."""

from dataclasses import dataclass
from typing import Protocol

from services.intake.domain.case import Case
from shared.events.envelope import Envelope


@dataclass(frozen=True)
class StoredCase:
    case: Case
    # Hash of the request that created it: a retry with the same key must carry the same request.
    fingerprint: str


class DuplicateIdempotencyKey(Exception):
    """Another request with the same ``Idempotency-Key`` stored its case first."""


class CodeTaken(Exception):
    """Another case holds this code: draw the next number.

    With MongoDB the counter's ``$inc`` is atomic and this never happens; FerretDB 1.24 runs
    ``$inc`` as read-then-write, so concurrent draws can return the same number, and the unique
    ``_id`` of the case (its code) is what finally decides.
    """


class StaleCase(Exception):
    """The case changed since it was read; read it again and retry."""


class CaseRepository(Protocol):
    async def insert(
        self, case: Case, idempotency_key: str, fingerprint: str, events: list[Envelope]
    ) -> None:
        """Store a new case with its events.

        ``DuplicateIdempotencyKey`` if the key is taken, ``CodeTaken`` if the code is.
        """
        ...

    async def by_idempotency_key(self, key: str) -> StoredCase | None: ...

    async def get(self, code: str) -> Case | None: ...

    async def find_for_applicant(self, code: str, citizen_id: str) -> Case | None:
        """The case only if ``citizen_id`` is its applicant's: one query for every outcome."""
        ...

    async def save(self, case: Case, events: list[Envelope], applied_event: str | None) -> bool:
        """Store ``case`` (read at ``case.version``) with its events, recording ``applied_event``.

        Returns False when ``applied_event`` was already applied; ``StaleCase`` when the case
        changed since it was read.
        """
        ...


class CaseSequences(Protocol):
    async def next_number(self, key: str) -> int:
        """The next number of the daily sequence ``key`` (1 for its first case)."""
        ...

    async def give_back(self, key: str, number: int) -> None:
        """Return ``number`` if it is still the last one drawn, so no gap is left."""
        ...
