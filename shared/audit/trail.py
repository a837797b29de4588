"""Appending to a service's audit trail inside the unit of work of the action it records.

The entry and the change commit in one transaction, or neither does. The chain's head (last
sequence and hash) is one versioned document: two units appending at once both replace it from
the same version, one of them misses the version check (``Conflict``) and its whole unit runs
again on the new head, so the chain never forks and sequences have no gaps.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from shared.audit.changes import check_size, plain_change
from shared.audit.entry import GENESIS_HASH, AuditEntry, utc_millis
from shared.mongo import IndexSpec, Transaction
from shared.observability.logging import current_request_id
from shared.officers import Officer, OfficerRole

ENTRIES = "audit_entries"
HEAD = "audit_head"
HEAD_ID = "head"

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
) -> AuditEntry:
    """Buffer the entry of ``action`` by ``officer`` acting as ``role`` into ``tx``.

    ``before``/``after`` are the changed fields only (see ``changed_fields``); ``at`` is the unit's
    time (``tx.now``). ``ValueError`` when the officer does not hold ``role`` or the change cannot
    be recorded (too large, not JSON); nothing is buffered then.
    """
    if role not in officer.roles:
        raise ValueError(f"the officer does not hold the role {role.value}")
    old, new = plain_change(before), plain_change(after)
    check_size(old, new)
    head = ChainHead.of(await tx.find_one(HEAD, {"_id": HEAD_ID}))
    fields = {
        "sequence": head.sequence + 1,
        "at": utc_millis(tx.now),
        "officer_id": officer.id,
        "role": role,
        "agency": officer.agency,
        "action": action,
        "case_code": case_code,
        "before": old,
        "after": new,
        "request_id": request_id,
    }
    entry = AuditEntry.seal(fields, head.hash)
    tx.insert(ENTRIES, entry.document())
    new_head = {"_id": HEAD_ID, "sequence": entry.sequence, "hash": entry.hash}
    tx.replace(HEAD, new_head, version=head.version)
    return entry


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
