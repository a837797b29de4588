"""Appending to a service's audit trail inside the unit of work of the action it records.

The entry and the change commit in one transaction, or neither does: the unit inserts the entry
as pending (``audit_pending``), which no other unit writes to, so audited actions of different
cases never contend. ``link_pending`` then seals the committed pending entries into the chain in
one unit of its own: each gets the next sequence and ``sha256(entry + previous hash)``, and the
chain's head (last sequence and hash) is one versioned document, so two linkers running at once
cannot fork it: one misses the version check (``Conflict``) and runs again on the new head. The
service's ``AuditLinker`` links within a poll interval; reading the trail links first.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bson import ObjectId
from pymongo.asynchronous.database import AsyncDatabase

from shared.audit.changes import check_size, plain_change
from shared.audit.entry import GENESIS_HASH, AuditEntry, utc_millis
from shared.mongo import Document, IndexSpec, Transaction, UnitOfWork
from shared.observability.logging import current_request_id
from shared.officers import Officer, OfficerRole
from shared.polling import PollingWorker

ENTRIES = "audit_entries"
HEAD = "audit_head"
HEAD_ID = "head"
PENDING = "audit_pending"
# Entries chained per unit of work by the linker.
LINK_BATCH = 500

# The reader sorts newest first by (at, sequence); each index ends with both so that a filtered
# page is read in index order, backwards, without an in-memory sort.
INDEXES = [
    IndexSpec.on(ENTRIES, "sequence", unique=True),
    IndexSpec.on(ENTRIES, "case_code", "at", "sequence"),
    IndexSpec.on(ENTRIES, "officer_id", "at", "sequence"),
    IndexSpec.on(ENTRIES, "at", "sequence"),
]


@dataclass(frozen=True)
class ChainHead:
    """The last entry's sequence and hash; ``version`` 0 while the trail is empty."""

    sequence: int = 0
    hash: str = GENESIS_HASH
    version: int = 0

    @classmethod
    def of(cls, document: Mapping[str, Any] | None) -> "ChainHead":
        """``ValueError`` for a head document altered out of shape."""
        if document is None:
            return cls()
        sequence, hash_, version = (document.get(k) for k in ("sequence", "hash", "version"))
        if isinstance(sequence, int) and isinstance(hash_, str) and isinstance(version, int):
            return cls(sequence, hash_, version)
        raise ValueError("the audit head is malformed")


async def append_audit(
    tx: Transaction,
    officer: Officer,
    role: OfficerRole,
    action: str,
    *,
    case_code: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    request_id: str | None = None,
) -> None:
    """Buffer the entry of ``action`` by ``officer`` acting as ``role`` into ``tx``, pending
    until ``link_pending`` chains it.

    ``before``/``after`` are the changed fields only (see ``changed_fields``); ``at`` is the unit's
    time (``tx.now``). ``ValueError`` when the officer does not hold ``role`` or the change cannot
    be recorded (too large, not JSON); nothing is buffered then.
    """
    if role not in officer.roles:
        raise ValueError(f"the officer does not hold the role {role.value}")
    old, new = plain_change(before), plain_change(after)
    check_size(old, new)
    fields = {
        "at": utc_millis(tx.now),
        "officer_id": officer.id,
        "role": str(role),
        "agency": officer.agency,
        "action": action,
        "case_code": case_code,
        "before": old,
        "after": new,
        "request_id": request_id,
    }
    # ObjectIds grow with time: pending entries are linked roughly in the order they were made.
    tx.insert(PENDING, {"_id": ObjectId(), **fields})


async def link_pending(db: AsyncDatabase[Document], *, limit: int = LINK_BATCH) -> int:
    """Chain up to ``limit`` committed pending entries after the head; how many it chained."""

    async def work(tx: Transaction) -> int:
        pending = await tx.find(PENDING, {}, sort=[("_id", 1)], limit=limit)
        if not pending:
            return 0
        head = ChainHead.of(await tx.find_one(HEAD, {"_id": HEAD_ID}))
        sequence, previous = head.sequence, head.hash
        for document in pending:
            sequence += 1
            fields = {k: v for k, v in document.items() if k != "_id"}
            entry = AuditEntry.seal({**fields, "sequence": sequence}, previous)
            tx.insert(ENTRIES, entry.document())
            tx.delete(PENDING, {"_id": document["_id"]}, must_match=True)
            previous = entry.hash
        new_head = {"_id": HEAD_ID, "sequence": sequence, "hash": previous}
        tx.replace(HEAD, new_head, version=head.version)
        return len(pending)

    return await UnitOfWork(db).run(work)


async def link_all(db: AsyncDatabase[Document]) -> None:
    """Chain every entry pending now (before a read of the trail)."""
    while await link_pending(db) == LINK_BATCH:
        pass


class AuditLinker(PollingWorker):
    """The service's background worker that chains the pending entries."""

    def __init__(self, db: AsyncDatabase[Document], interval_s: float = 0.5) -> None:
        super().__init__("audit linker", interval_s)
        self._db = db

    async def run_once(self) -> None:
        while not self.stopping and await link_pending(self._db) == LINK_BATCH:
            pass


class ActionLog(Protocol):
    """Where a use case records the officer action it is making, in the same unit of work."""

    async def record(
        self,
        officer: Officer,
        role: OfficerRole,
        action: str,
        *,
        case_code: str | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> None: ...


@dataclass(frozen=True)
class AuditTrail:
    """The ``ActionLog`` on the store: ``append_audit`` in the unit's transaction, naming the HTTP
    request being served."""

    tx: Transaction

    async def record(
        self,
        officer: Officer,
        role: OfficerRole,
        action: str,
        *,
        case_code: str | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> None:
        await append_audit(
            self.tx,
            officer,
            role,
            action,
            case_code=case_code,
            before=before,
            after=after,
            request_id=current_request_id(),
        )
