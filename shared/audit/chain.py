"""Checking a service's audit trail: every entry unchanged, none removed, the head on the last.

The walk reads the head first and checks the entries up to its sequence: an entry and its head
commit together, so everything up to the head was there when the head was read, and appends
running meanwhile neither count as missing nor need a snapshot. What lies beyond the head is then
either such an append (the head, read again, covers it) or an entry written around the trail.

What the check cannot see: someone rewriting the entries from an edit to the end, and the head
with them. Anchoring the head elsewhere (a copy kept by another system) closes that gap.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError
from pymongo.asynchronous.database import AsyncDatabase

from shared.audit.entry import GENESIS_HASH, AuditEntry
from shared.audit.trail import ENTRIES, HEAD, HEAD_ID, ChainHead
from shared.mongo import Document

# Entries fetched per round trip while walking.
BATCH = 1000


class ChainProblem(StrEnum):
    EDITED = "edited"
    MISSING = "missing"
    BROKEN_LINK = "broken_link"
    MALFORMED = "malformed"
    HEAD_MISMATCH = "head_mismatch"


_REASONS = {
    ChainProblem.EDITED: "Bản ghi số {n} đã bị sửa: mã băm không khớp nội dung",
    ChainProblem.MISSING: "Thiếu bản ghi số {n}",
    ChainProblem.BROKEN_LINK: "Bản ghi số {n} không nối với bản ghi liền trước",
    ChainProblem.MALFORMED: "Bản ghi số {n} không đúng cấu trúc",
    ChainProblem.HEAD_MISMATCH: "Đầu chuỗi không khớp bản ghi số {n}",
}


class ChainReport(BaseModel):
    """``intact``, or the first bad sequence and what is wrong with it."""

    intact: bool
    checked: int
    head_sequence: int
    first_bad_sequence: int | None = None
    problem: ChainProblem | None = None
    reason: str | None = None


# The sequence and hash an entry must chain to.
_Link = tuple[int, str]


class _Broken(Exception):
    def __init__(self, problem: ChainProblem, sequence: int) -> None:
        super().__init__(problem, sequence)
        self.problem = problem
        self.sequence = sequence


async def verify_chain(db: AsyncDatabase[Document]) -> ChainReport:
    """Walk the trail of ``db`` in sequence order; the first problem found ends the walk."""
    head = await _head(db)
    checked = 0
    previous: _Link = (0, GENESIS_HASH)
    try:
        cursor = db[ENTRIES].find({"sequence": {"$lte": head.sequence}}, sort=[("sequence", 1)])
        async for document in cursor.batch_size(BATCH):
            previous = _check(document, previous)
            checked += 1
        await _check_head(db, head, previous)
    except _Broken as broken:
        reason = _REASONS[broken.problem].format(n=broken.sequence)
        return ChainReport(
            intact=False,
            checked=checked,
            head_sequence=head.sequence,
            first_bad_sequence=broken.sequence,
            problem=broken.problem,
            reason=reason,
        )
    return ChainReport(intact=True, checked=checked, head_sequence=head.sequence)


def _check(document: Mapping[str, Any], previous: _Link) -> _Link:
    """The link of ``document`` if it follows ``previous`` unaltered, else ``_Broken``."""
    expected = previous[0] + 1
    entry = _parse(document, expected)
    if entry.sequence > expected:
        raise _Broken(ChainProblem.MISSING, expected)
    if entry.sequence < expected:
        # A second entry under one sequence: only possible without the unique index.
        raise _Broken(ChainProblem.MALFORMED, entry.sequence)
    if entry.previous_hash != previous[1]:
        raise _Broken(ChainProblem.BROKEN_LINK, entry.sequence)
    try:
        unchanged = entry.expected_hash() == entry.hash
    except (TypeError, ValueError):
        unchanged = False
    if not unchanged:
        raise _Broken(ChainProblem.EDITED, entry.sequence)
    return entry.sequence, entry.hash


def _parse(document: Mapping[str, Any], expected: int) -> AuditEntry:
    fields = {k: v for k, v in document.items() if k != "_id"}
    try:
        return AuditEntry.model_validate(fields)
    except ValidationError:
        sequence = fields.get("sequence")
        raise _Broken(
            ChainProblem.MALFORMED, sequence if isinstance(sequence, int) else expected
        ) from None


async def _check_head(db: AsyncDatabase[Document], head: ChainHead, last: _Link) -> None:
    if last[0] < head.sequence:
        raise _Broken(ChainProblem.MISSING, last[0] + 1)
    if last[1] != head.hash:
        raise _Broken(ChainProblem.HEAD_MISMATCH, head.sequence)
    beyond = await db[ENTRIES].find_one(
        {"sequence": {"$gt": head.sequence}}, sort=[("sequence", 1)], projection={"sequence": 1}
    )
    if beyond is None:
        return
    # Read after the entry: if it was appended through the trail, its head committed with it.
    now = await _head(db)
    if now.sequence < beyond["sequence"]:
        raise _Broken(ChainProblem.HEAD_MISMATCH, head.sequence + 1)


async def _head(db: AsyncDatabase[Document]) -> ChainHead:
    """The head; one altered out of shape counts as none, so every entry lies beyond it."""
    try:
        return ChainHead.of(await db[HEAD].find_one({"_id": HEAD_ID}))
    except ValueError:
        return ChainHead()
