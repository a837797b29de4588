"""What the portal sync needs: its records within a unit of work, its queue, the portal itself.

MongoDB in production (``adapters/portal_store.py``), HTTP to the portal
(``adapters/portal_http.py``); dicts and lists in unit tests.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from services.reporting.domain.portal import PortalRecord
from services.reporting.domain.portal_sync import SyncState
from shared.officers import Officer


@dataclass
class StoredRecord:
    record: PortalRecord
    sync: SyncState
    version: int = 0  # 0: not stored yet


@dataclass(frozen=True)
class Claim:
    """A send in flight: the record's body under the idempotency key ``event_id``."""

    case_code: str
    event_id: str
    token: str
    payload: dict[str, Any]
    attempts: int  # failed sends before this one


class PushFailed(Exception):
    """The portal did not accept a send; ``permanent``: it never will (dead-letter it)."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class Resend(StrEnum):
    """What asking to send a refused record again did."""

    QUEUED = "queued"
    UNKNOWN = "unknown"  # no record of this case
    NOT_REFUSED = "not_refused"  # delivered, pending or in flight: nothing to send again


class PortalBook(Protocol):
    """The records, inside the consumer's unit of work."""

    async def get(self, case_code: str) -> StoredRecord | None: ...

    def save(self, stored: StoredRecord) -> None:
        """Store it if still at ``stored.version`` (else the unit retries)."""
        ...


class PortalQueue(Protocol):
    """The sends: each call is a unit of work of its own."""

    async def claim(self, token: str, now: datetime, until: datetime) -> Claim | None:
        """The record due first (``due_at`` <= now), claimed until ``until``; None if none is."""
        ...

    async def settle(self, claim: Claim, state: "Settlement") -> bool:
        """Record how the send went, if the claim still holds (False: it lapsed)."""
        ...

    async def resend(self, case_code: str, key: str, now: datetime, who: Officer) -> Resend:
        """Queue a refused record under ``key``; who asked goes in the audit trail with it."""
        ...

    async def pending(self) -> int:
        """Records waiting to be sent (due, retrying or in flight)."""
        ...


@dataclass(frozen=True)
class Settlement:
    """The outcome of one send: ``delivered``, ``retry_at`` for a transient failure, or
    ``dead`` (refused for good, with its reason kept among the dead letters)."""

    now: datetime
    error: str | None = None
    retry_at: datetime | None = None

    @property
    def dead(self) -> bool:
        return self.error is not None and self.retry_at is None

    def apply(self, sync: SyncState, sent: str) -> SyncState:
        if self.error is not None and self.retry_at is not None:
            return sync.failed(self.error, self.retry_at)
        return sync.settled(sent, self.now, self.error)


class PortalEndpoint(Protocol):
    async def push(self, payload: dict[str, Any], idempotency_key: str) -> None:
        """Send one record; raises ``PushFailed``."""
        ...
