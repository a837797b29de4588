"""The audit trail of officer actions: append-only, hash-chained, one per service database.

A use case records its action with ``append_audit(tx, officer, role, action, ...)`` inside the
unit of work that makes the change, so both commit or neither does; the service's ``AuditLinker``
chains what was recorded. Each entry carries its
sequence and ``sha256(canonical JSON of the entry + previous hash)``; ``verify_chain`` walks the
trail and names the first entry edited, removed or not matching the head. ``read_audit`` and
``audit_router`` serve it, filtered by case, officer and period. Declare ``INDEXES`` at start.
"""

from shared.audit.chain import ChainProblem, ChainReport, verify_chain
from shared.audit.changes import changed_fields
from shared.audit.entry import AuditEntry
from shared.audit.reader import AuditPage, AuditQuery, PageCursor, read_audit
from shared.audit.router import audit_router
from shared.audit.trail import (
    ENTRIES,
    HEAD,
    INDEXES,
    PENDING,
    ActionLog,
    AuditLinker,
    AuditTrail,
    append_audit,
    link_all,
    link_pending,
)

__all__ = [
    "ENTRIES",
    "HEAD",
    "INDEXES",
    "PENDING",
    "ActionLog",
    "AuditEntry",
    "AuditLinker",
    "AuditPage",
    "AuditQuery",
    "AuditTrail",
    "ChainProblem",
    "ChainReport",
    "PageCursor",
    "append_audit",
    "audit_router",
    "changed_fields",
    "link_all",
    "link_pending",
    "read_audit",
    "verify_chain",
]
