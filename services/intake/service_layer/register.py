"""Recording a page of a desk's paper register: every entry checked, then all stored at once.

A page is all or nothing: one entry the desk could not have received refuses the page, naming
it, and nothing is stored. Entries are keyed by agency and register reference, so sending a page
again records nothing twice (an entry already recorded with other content is refused). Case
numbers come, as at the desk, from the agency's sequence of the day received, taken for the new
entries in the same unit of work: the page is one commit.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass

from services.intake.domain.case_code import case_code, sequence_key
from services.intake.domain.catalogue import Catalogue
from services.intake.domain.errors import Conflict, InvalidInput
from services.intake.domain.register import CheckedEntry, RecordRegister, check_page
from services.intake.service_layer.ports import (
    RegisterBook,
    RegisterUnits,
    StoredEntry,
)
from shared.calendar import WorkingCalendar
from shared.clock import Clock
from shared.events.codec import new_event
from shared.mongo import Conflict as StoreConflict
from shared.officers import Officer, OfficerRole


@dataclass(frozen=True)
class RecordedEntry:
    register_entry: str
    agency_code: str
    case_code: str
    # False when an earlier request had already recorded it.
    created: bool


@dataclass(frozen=True)
class RegisterImport:
    catalogue: Catalogue
    units: RegisterUnits
    calendar: WorkingCalendar
    clock: Clock

    async def record(self, cmd: RecordRegister, officer: Officer) -> list[RecordedEntry]:
        now = self.clock.now()
        page = Page(check_page(cmd, self.catalogue, self.calendar, now))

        async def store(book: RegisterBook) -> tuple[dict[str, str], set[str]]:
            found = await page.earlier(book)
            new = [entry for entry in page.checked if entry.key not in found]
            codes = found | await _numbered(book, new)
            for entry in new:
                stored = StoredEntry(codes[entry.key], page.prints[entry.key])
                event = entry.event(stored.case_code, officer.id, now)
                book.add(entry.key, stored, new_event(event, time=now))
            if new:
                # One entry per page: the case codes are in the register and in its events.
                after = {"entries": len(new), "agencies": sorted({e.agency.code for e in new})}
                await book.audit.record(officer, OfficerRole.ADMIN, "record_register", after=after)
            return codes, set(found)

        try:
            codes, found = await self.units.run(store)
        except StoreConflict:
            reason = "Chưa lưu được trang sổ vì thay đổi đồng thời; hãy gửi lại"
            raise Conflict("entries", reason) from None
        return [
            RecordedEntry(e.entry.register_entry, e.agency.code, codes[e.key], e.key not in found)
            for e in page.checked
        ]


async def _numbered(book: RegisterBook, entries: list[CheckedEntry]) -> dict[str, str]:
    """Case codes for ``entries`` from their agencies' sequences of the days received, as at the
    desk, taken in the unit that stores them."""
    keys = [sequence_key(e.agency.code, e.entry.received_at) for e in entries]
    next_of = await book.reserve(dict(Counter(keys)))
    codes = {}
    for entry, key in zip(entries, keys, strict=True):
        codes[entry.key] = case_code(entry.agency.code, entry.entry.received_at, next_of[key])
        next_of[key] += 1
    return codes


class Page:
    """The checked entries of one request, each with the hash of what was sent for it."""

    def __init__(self, checked: list[CheckedEntry]) -> None:
        self.checked = checked
        self.prints = {c.key: _fingerprint(c) for c in checked}

    async def earlier(self, book: RegisterBook) -> dict[str, str]:
        """The case codes of the entries already recorded; refuses one recorded with other
        content."""
        stored = await book.entries([c.key for c in self.checked])
        for index, entry in enumerate(self.checked):
            earlier = stored.get(entry.key)
            if earlier is not None and earlier.fingerprint != self.prints[entry.key]:
                reason = "Mục này đã được ghi với nội dung khác"
                raise InvalidInput(f"entries.{index}.register_entry", reason)
        return {key: entry.case_code for key, entry in stored.items()}


def _fingerprint(checked: CheckedEntry) -> str:
    return hashlib.sha256(checked.entry.model_dump_json().encode()).hexdigest()
