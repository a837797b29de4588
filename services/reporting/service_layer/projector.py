"""Applying events to the read models exactly once, one event (live) or many (replay) at a time.

Without multi-document transactions, and with updates far dearer than batched inserts on the
local store (FerretDB 1.24 runs each update as its own SQLite transaction), every write here is
an insert whose ``_id`` makes it happen at most once:

1. a case's new projection is stored as version ``n + 1`` (``_id`` = case code and version), with
   the ids of the events it applied and the aggregate change it causes; when two writers race,
   the second insert collides, and that writer reloads and tries again (optimistic lock);
2. that change is recorded as aggregate rows whose ``_id`` names the case version and the
   bucket, so recording it again (after a crash, or by a concurrent writer) changes nothing.

Whoever loads a case from the store re-records the change of its latest version (2 is
idempotent), so a crash between 1 and 2 heals the next time the case is touched.

A projector remembers the latest version it wrote of each case, so it need not read it back; a
stale memory is harmless, as the insert of an already taken version collides (versions are never
deleted). A rebuild's projector also *summarises*: instead of rows per case version it adds the
changes up in memory and records one row per bucket at the end (``save_summary``), which is
what keeps reports fast; the case versions it writes say so, and are never healed.
"""

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from services.reporting.domain.case import CaseProjection, ProjectionError
from services.reporting.domain.contributions import Contribution, contribution, difference, merge
from services.reporting.domain.rules import apply_event
from services.reporting.service_layer.ports import (
    CaseWrite,
    Dimension,
    ReadModelStore,
    StoredCase,
)
from shared.events.envelope import Envelope
from shared.events.intake import CaseSubmitted

log = logging.getLogger(__name__)

MAX_ROUNDS = 50


class CaseContended(RuntimeError):
    """Other writers kept changing a case; the consumer retries the event later."""


@dataclass
class Outcome:
    applied: int = 0
    duplicates: int = 0
    rejected: list[tuple[Envelope, ProjectionError]] = field(default_factory=list)

    def add(self, other: "Outcome") -> None:
        self.applied += other.applied
        self.duplicates += other.duplicates
        self.rejected += other.rejected


class Projector:
    def __init__(
        self, store: ReadModelStore, *, summarise: bool = False, fresh_store: bool = False
    ) -> None:
        """``fresh_store``: the store started empty, so a case this projector has not written
        is assumed new until an insert collision says otherwise (no read per batch)."""
        self._store = store
        self._known: dict[str, StoredCase] = {}
        self._fresh = fresh_store
        self.summary: Contribution | None = {} if summarise else None

    async def apply(self, events: list[Envelope]) -> Outcome:
        """Apply ``events`` (any cases, any order); contradicting ones are returned, not applied."""
        outcome = Outcome()
        todo = group_by_case(events)
        await self._store.save_dimensions(dimensions(events))
        reload: set[str] = set()
        for round_ in range(MAX_ROUNDS):
            if not todo:
                return outcome
            todo = await self._round(todo, outcome, reload)
            reload = set(todo)
            if todo:
                await asyncio.sleep(min(0.01 * 2**round_, 0.5))
        raise CaseContended(f"cases still contended after {MAX_ROUNDS} rounds: {sorted(todo)[:5]}")

    async def _round(
        self, todo: dict[str, list[Envelope]], outcome: Outcome, reload: set[str]
    ) -> dict[str, list[Envelope]]:
        """One optimistic pass; returns the cases to try again."""
        stored = await self._latest(list(todo), reload)
        writes, tallies = [], {}
        for code, events in todo.items():
            write, tallies[code] = self._plan(
                stored.get(code) or StoredCase(CaseProjection(code)), events
            )
            if write is not None:
                writes.append(write)
        conflicts = await self._store.save_cases(writes)
        done = [w for w in writes if w.case_code not in conflicts]
        for write in done:
            self._known[write.case_code] = stored_case(write)
        for code in todo.keys() - conflicts:
            outcome.add(tallies[code])
        if self.summary is not None:
            for write in done:
                merge(self.summary, write.delta)
        else:
            await self._store.save_deltas(done)
        return {code: todo[code] for code in conflicts}

    async def _latest(self, codes: list[str], reload: set[str]) -> dict[str, StoredCase]:
        """The latest version of each case: remembered, or read (and healed) from the store."""
        wanted = [c for c in codes if c in reload or (c not in self._known and not self._fresh)]
        loaded = await self._store.load_cases(wanted) if wanted else {}
        await self._store.save_deltas(
            [latest_write(s) for s in loaded.values() if not s.summarised]
        )
        self._known.update(loaded)
        return {c: self._known[c] for c in codes if c in self._known}

    def _plan(self, stored: StoredCase, events: list[Envelope]) -> tuple[CaseWrite | None, Outcome]:
        """The case's next version after ``events`` (None if they change nothing), and what
        happens to each event if that version is stored."""
        tally = Outcome()
        projection, applied = stored.projection, []
        for event in events:
            event_id = str(event.id)
            if event_id in stored.applied or event_id in applied:
                tally.duplicates += 1
                continue
            try:
                projection = apply_event(projection, event)
            except ProjectionError as exc:
                tally.rejected.append((event, exc))
                continue
            applied.append(event_id)
        if not applied:
            return None, tally
        tally.applied = len(applied)
        delta = difference(contribution(stored.projection), contribution(projection))
        everything = sorted(stored.applied | set(applied))
        summarised = self.summary is not None
        write = CaseWrite(stored.version + 1, projection, applied, everything, delta, summarised)
        return write, tally


def stored_case(write: CaseWrite) -> StoredCase:
    return StoredCase(
        write.projection, write.version, set(write.applied), write.delta, write.summarised
    )


def latest_write(stored: StoredCase) -> CaseWrite:
    """The write that produced the stored version: re-recording its change heals a crash."""
    applied = sorted(stored.applied)
    return CaseWrite(stored.version, stored.projection, [], applied, stored.delta)


def group_by_case(events: list[Envelope]) -> dict[str, list[Envelope]]:
    by_case: dict[str, list[Envelope]] = defaultdict(list)
    for event in events:
        by_case[event.subject].append(event)
    return dict(by_case)


def dimensions(events: list[Envelope]) -> list[Dimension]:
    """Names of the agencies, fields and procedures seen, for report labels and filter checks."""
    found: dict[tuple[str, str], Dimension] = {}
    for event in events:
        data = event.data
        if isinstance(data, CaseSubmitted):
            for dim in (
                Dimension("agency", data.agency_code, data.agency_name),
                Dimension("field", data.field, data.field),
                Dimension("procedure", data.procedure_code, data.procedure_name),
            ):
                found[(dim.kind, dim.code)] = dim
    return list(found.values())
