"""What the projector needs from a store of read models (Mongo in production, a fake in tests)."""

from dataclasses import dataclass, field
from typing import Protocol

from services.reporting.domain.case import CaseProjection
from services.reporting.domain.contributions import Contribution


@dataclass
class StoredCase:
    """The latest version of a case's projection and the aggregate change that version made."""

    projection: CaseProjection
    version: int = 0
    applied: set[str] = field(default_factory=set)
    delta: Contribution = field(default_factory=dict)
    # True when the change is recorded in a rebuild's summary rows, not in rows of its own.
    summarised: bool = False


@dataclass(frozen=True)
class CaseWrite:
    """Version ``version`` of a case: its projection, the events it adds (``event_ids``), all
    the events applied so far (``applied``) and the aggregate change it makes."""

    version: int
    projection: CaseProjection
    event_ids: list[str]
    applied: list[str]
    delta: Contribution
    summarised: bool = False

    @property
    def case_code(self) -> str:
        return self.projection.case_code


@dataclass(frozen=True)
class Dimension:
    kind: str  # "agency" | "field" | "procedure"
    code: str
    name: str


class ReadModelStore(Protocol):
    async def load_cases(self, case_codes: list[str]) -> dict[str, StoredCase]:
        """The latest version of each case that has one."""
        ...

    async def save_cases(self, writes: list[CaseWrite]) -> set[str]:
        """Store each new version unless another writer stored it first; return those codes."""
        ...

    async def save_deltas(self, writes: list[CaseWrite]) -> None:
        """Record each version's aggregate change, at most once per version (idempotent)."""
        ...

    async def save_summary(self, summary: Contribution) -> None:
        """Record summed changes as one row per bucket (a rebuild's compacted output)."""
        ...

    async def save_dimensions(self, dimensions: list[Dimension]) -> None: ...
