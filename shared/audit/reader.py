"""Reading the audit trail: by case, officer and period, newest first, a page at a time.

Pages are keyed on the last entry shown (its instant and sequence), not on an offset, so entries
appended while someone pages through do not shift what the next page holds.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from shared.audit.entry import AuditEntry
from shared.audit.trail import ENTRIES
from shared.mongo import Document

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
NEWEST_FIRST = [("at", -1), ("sequence", -1)]
# What ``PageCursor.encode`` writes: also the query parameter's documented pattern.
CURSOR_PATTERN = r"^(-?[0-9]{1,15})\.([0-9]{1,18})$"
_CURSOR = re.compile(CURSOR_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MILLISECOND = timedelta(milliseconds=1)


@dataclass(frozen=True)
class PageCursor:
    """Where the previous page ended: its last entry's instant and sequence."""

    at: datetime
    sequence: int

    def encode(self) -> str:
        millis = (self.at - _EPOCH) // _MILLISECOND
        return f"{millis}.{self.sequence}"

    @classmethod
    def decode(cls, text: str) -> "PageCursor":
        """``ValueError`` for anything ``encode`` did not write."""
        match = _CURSOR.fullmatch(text)
        if match is None:
            raise ValueError("not a page cursor")
        millis, sequence = (int(part) for part in match.groups())
        try:
            return cls(_EPOCH + millis * _MILLISECOND, sequence)
        except OverflowError:
            raise ValueError("not a page cursor") from None

    @classmethod
    def after(cls, entry: AuditEntry) -> "PageCursor":
        return cls(entry.at, entry.sequence)


@dataclass(frozen=True)
class AuditQuery:
    """Filters (all optional, combined): ``start`` inclusive, ``end`` exclusive."""

    case_code: str | None = None
    officer_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    limit: int = DEFAULT_LIMIT
    cursor: PageCursor | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
        if any(t is not None and t.tzinfo is None for t in (self.start, self.end)):
            raise ValueError("period bounds must be timezone-aware")

    def filter(self) -> dict[str, Any]:
        conditions: list[dict[str, Any]] = []
        if self.case_code is not None:
            conditions.append({"case_code": self.case_code})
        if self.officer_id is not None:
            conditions.append({"officer_id": self.officer_id})
        if self.start is not None:
            conditions.append({"at": {"$gte": self.start}})
        if self.end is not None:
            conditions.append({"at": {"$lt": self.end}})
        if self.cursor is not None:
            at, sequence = self.cursor.at, self.cursor.sequence
            older = [{"at": {"$lt": at}}, {"at": at, "sequence": {"$lt": sequence}}]
            conditions.append({"$or": older})
        return {"$and": conditions} if conditions else {}


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    # Pass back as the query's cursor for the next page; None on the last page.
    next_cursor: str | None


async def read_audit(db: AsyncDatabase[Document], query: AuditQuery) -> AuditPage:
    # One more than asked tells whether another page follows, without a count.
    cursor = db[ENTRIES].find(query.filter(), sort=NEWEST_FIRST, limit=query.limit + 1)
    documents = [document async for document in cursor]
    entries = [_entry(document) for document in documents[: query.limit]]
    more = len(documents) > query.limit
    next_cursor = PageCursor.after(entries[-1]).encode() if more else None
    return AuditPage(entries, next_cursor)


def _entry(document: Document) -> AuditEntry:
    return AuditEntry.model_validate({k: v for k, v in document.items() if k != "_id"})
