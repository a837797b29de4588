"""Where a case's portal record stands with the portal: what is pending, claimed, delivered.

The record is sent whole (state transfer), under the id of the latest event applied to it as the
idempotency key: a repeat of one send is dropped by the receiver, and events that arrive while a
send is pending or in flight are carried by the next send rather than each by its own.
"""

from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class SyncState:
    pending: str | None = None  # id of the latest event applied and not yet delivered
    due_at: datetime | None = None  # when to send next, or the end of a claim's lease
    claim: str | None = None  # token of the send in flight
    attempts: int = 0  # failed sends of the pending record so far
    last_error: str | None = None
    delivered: str | None = None  # the last event id the portal accepted

    def changed(self, event_id: str, ready: bool, now: datetime) -> "SyncState":
        """A new event changed the record: send it, keeping a claim's lease or a retry's wait."""
        waiting = self.claim is not None or (self.due_at is not None and self.due_at > now)
        due = self.due_at if waiting else (now if ready else None)
        return replace(self, pending=event_id, due_at=due)

    def claimed(self, token: str, until: datetime) -> "SyncState":
        return replace(self, claim=token, due_at=until)

    def settled(self, sent: str, now: datetime, error: str | None = None) -> "SyncState":
        """The send of ``sent`` ended: accepted, or refused for good (``error``). A newer event
        applied meanwhile is due at once."""
        newer = self.pending != sent
        return replace(
            self,
            pending=self.pending if newer else None,
            due_at=now if newer else None,
            claim=None,
            attempts=0,
            last_error=error,
            delivered=self.delivered if error else sent,
        )

    @property
    def refused(self) -> bool:
        """The portal refused the latest send for good and no newer event waits."""
        return self.pending is None and self.claim is None and self.last_error is not None

    def resent(self, key: str, now: datetime) -> "SyncState":
        """An operator sends a refused record again once its cause is fixed, under a new key:
        a receiver may remember the refused key with its refusal."""
        return replace(self, pending=key, due_at=now, attempts=0, last_error=None)

    def failed(self, error: str, retry_at: datetime) -> "SyncState":
        return replace(
            self, claim=None, attempts=self.attempts + 1, last_error=error, due_at=retry_at
        )
