"""The per-case projection: what reporting knows of one case, built from its events in any order.

Events of one case arrive on several topics, so their relative order is not guaranteed (a replay
reads the topics side by side). The projection is therefore a set of facts, each kept with the
time it happened, and the case's contribution to the aggregates is a pure function of those facts
(see ``contributions.py``). Only facts that contradict each other break the projection.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


class ProjectionError(ValueError):
    """An event contradicts what the projection already knows: it can never be applied."""


@dataclass(frozen=True)
class Reception:
    agency: str
    agency_name: str
    field: str
    procedure: str
    procedure_name: str
    channel: str  # SubmissionChannel value
    received_at: datetime


@dataclass(frozen=True)
class Closure:
    """How processing ended: resolved (with its timeliness), stopped, or withdrawn."""

    kind: str  # "resolved" | "stopped" | "withdrawn" (each a flow counter of that name)
    at: datetime
    event_id: str
    timeliness: str | None = None  # Timeliness value, for resolved cases


@dataclass(frozen=True)
class Payment:
    event_id: str
    programme: str
    agency: str
    amount_vnd: int
    approved_at: datetime


@dataclass(frozen=True)
class Rating:
    event_id: str
    agency: str
    rated_at: datetime
    indicators: dict[str, int]
    total_points: int
    overall: str


@dataclass(frozen=True)
class Due:
    """The current appointment and the time of the fact that set it (the latest fact wins)."""

    at: datetime
    set_at: datetime


@dataclass
class CaseProjection:
    case_code: str
    submitted_event: str | None = None
    reception: Reception | None = None
    due: Due | None = None
    closure: Closure | None = None
    result_returned_at: datetime | None = None
    payments: list[Payment] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    status: int = 1

    def to_document(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> "CaseProjection":
        def optional(kind: type, value: dict[str, Any] | None) -> Any:
            return kind(**value) if value else None

        return cls(
            case_code=doc["case_code"],
            submitted_event=doc.get("submitted_event"),
            reception=optional(Reception, doc.get("reception")),
            due=optional(Due, doc.get("due")),
            closure=optional(Closure, doc.get("closure")),
            result_returned_at=doc.get("result_returned_at"),
            payments=[Payment(**p) for p in doc.get("payments", [])],
            ratings=[Rating(**r) for r in doc.get("ratings", [])],
            status=doc.get("status", 1),
        )
