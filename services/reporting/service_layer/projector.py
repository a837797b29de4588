"""Applying events to one generation of the read models, inside the caller's unit of work.

Per batch: one read of the cases it touches, then, per event, the case's new facts
(``domain/rules.py``) and the change they make to its aggregate buckets (the contribution after
minus the one before, ``domain/contributions.py``). The changed cases are stored with a version
check and the summed changes go to the buckets as ``$inc``: the unit of work makes all of it one
transaction and retries it whole if another writer changed a case or bucket meanwhile, so a
change is counted exactly once without any per-event record in the case.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from services.reporting.domain.case import CaseProjection, ProjectionError
from services.reporting.domain.contributions import Contribution, contribution, difference, merge
from services.reporting.domain.rules import apply_event
from services.reporting.service_layer.ports import Dimension, ReadModelBook, StoredCase
from shared.events.envelope import Envelope
from shared.events.intake import CaseRecorded, CaseSubmitted


@dataclass
class Outcome:
    applied: int = 0
    duplicates: int = 0
    rejected: list[tuple[Envelope[Any], ProjectionError]] = field(default_factory=list)

    def add(self, other: "Outcome") -> None:
        self.applied += other.applied
        self.duplicates += other.duplicates
        self.rejected += other.rejected


async def project(book: ReadModelBook, events: list[Envelope[Any]]) -> Outcome:
    """Apply ``events`` (any cases, in the order given); contradicting ones are returned in
    ``rejected`` and change nothing."""
    ids = [str(e.id) for e in events]
    fresh = set(await book.unseen(ids))
    todo = [e for e in events if str(e.id) in fresh]
    outcome = Outcome(duplicates=len(events) - len(todo))
    book.mark_seen([str(e.id) for e in todo])
    await book.name(dimensions(todo))
    stored = await book.cases(sorted({e.subject for e in todo}))
    cases = {code: stored.get(code) or StoredCase(CaseProjection(code)) for code in by_case(todo)}
    total: Contribution = {}
    changed: set[str] = set()
    for event in todo:
        case = cases[event.subject]
        try:
            after = apply_event(case.projection, event)
        except ProjectionError as exc:
            outcome.rejected.append((event, exc))
            continue
        merge(total, difference(contribution(case.projection), contribution(after)))
        case.projection = after
        changed.add(event.subject)
        outcome.applied += 1
    for code in sorted(changed):
        book.save_case(cases[code])
    book.add({key: counters for key, counters in total.items() if any(counters.values())})
    return outcome


def by_case(events: list[Envelope[Any]]) -> dict[str, list[Envelope[Any]]]:
    grouped: dict[str, list[Envelope[Any]]] = defaultdict(list)
    for event in events:
        grouped[event.subject].append(event)
    return dict(grouped)


def dimensions(events: list[Envelope[Any]]) -> list[Dimension]:
    """Names of the agencies, fields and procedures seen, for report labels and filter checks."""
    found: dict[tuple[str, str], Dimension] = {}
    for event in events:
        data = event.data
        if isinstance(data, CaseSubmitted | CaseRecorded):
            for dim in (
                Dimension("agency", data.agency_code, data.agency_name),
                Dimension("field", data.field, data.field),
                Dimension("procedure", data.procedure_code, data.procedure_name),
            ):
                found[(dim.kind, dim.code)] = dim
    return list(found.values())
