"""What the projector needs from one generation of the read models, within one unit of work.

Mongo in production (``adapters/mongo_store.py``, on a ``Transaction``), a dict in unit tests.
"""

from dataclasses import dataclass
from typing import Protocol

from services.reporting.domain.case import CaseProjection
from services.reporting.domain.contributions import Contribution


@dataclass
class StoredCase:
    """A case's projection and the version it was read at (0: not stored yet)."""

    projection: CaseProjection
    version: int = 0


@dataclass(frozen=True)
class Dimension:
    kind: str  # "agency" | "field" | "procedure"
    code: str
    name: str


class ReadModelBook(Protocol):
    async def unseen(self, event_ids: list[str]) -> list[str]:
        """Those of ``event_ids`` this generation has not applied. All of them for a generation
        only the live consumer wrote (its processed marks already skip redeliveries); a
        generation being rebuilt also gets events from the replay, so it keeps marks of its own,
        and still reads them once live (the consumer may reach events the replay applied)."""
        ...

    def mark_seen(self, event_ids: list[str]) -> None: ...

    async def cases(self, case_codes: list[str]) -> dict[str, StoredCase]:
        """The stored cases among ``case_codes``, in one read."""
        ...

    def save_case(self, case: StoredCase) -> None:
        """Store the projection if the case is still at ``case.version`` (else the unit retries)."""
        ...

    def add(self, delta: Contribution) -> None:
        """Add each bucket's counters to its aggregate (created at zero if new)."""
        ...

    async def name(self, dimensions: list[Dimension]) -> None:
        """Record the latest name of each agency, field and procedure."""
        ...
