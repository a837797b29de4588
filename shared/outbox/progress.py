"""What a relay knows of the outboxes: how far back to look, and which entries are published."""

from datetime import datetime, timedelta

from shared.outbox.entries import QUEUED_AT, Entry
from shared.outbox.ledger import RelayLedger
from shared.outbox.source import Queued


class Progress:
    """Checkpoints per source, and the ids known to be published.

    The checkpoint of a source is the ``queued_at`` up to which all its entries are published;
    polls look at entries queued since checkpoint - ``slack``, which covers the time between
    stamping an entry and committing it, and clock differences between writers. Records of
    entries further back than that are never needed again and are forgotten.
    """

    def __init__(self, ledger: RelayLedger, slack: timedelta) -> None:
        self._ledger = ledger
        self._slack = slack
        self._checkpoints: dict[str, datetime | None] = {}
        self._saved: dict[str, datetime] = {}
        # Ids known to be published, with their queued_at (to forget them in time).
        self._known: dict[str, datetime] = {}

    async def horizon(self, source: str) -> datetime | None:
        """Entries queued before this are published; None: look at everything."""
        if source not in self._checkpoints:
            self._checkpoints[source] = await self._ledger.checkpoint(source)
        checkpoint = self._checkpoints[source]
        return None if checkpoint is None else checkpoint - self._slack

    async def learn(self, entries: list[Entry]) -> None:
        """Ask the ledger about the entries not known yet (others may have published them)."""
        unknown = {e["id"]: e[QUEUED_AT] for e in entries if e["id"] not in self._known}
        for entry_id in await self._ledger.published(unknown.keys()):
            self._known[entry_id] = unknown[entry_id]

    def is_published(self, entry: Entry) -> bool:
        return entry["id"] in self._known

    def first_unpublished(self, entries: list[Entry]) -> datetime | None:
        """The queued_at of the first entry not known to be published, if any."""
        return next((e[QUEUED_AT] for e in entries if not self.is_published(e)), None)

    async def published(self, entry: Entry, at: datetime) -> None:
        await self._ledger.mark_published(entry["id"], entry[QUEUED_AT], at)
        self._known[entry["id"]] = entry[QUEUED_AT]

    async def advance(self, source: str, queued: list[Queued], waiting: list[datetime]) -> None:
        """After a poll: back to the oldest waiting entry (to keep it in view), else up to the
        newest entry seen. Persisted (and old records forgotten) once it moved enough."""
        current = self._checkpoints.get(source)
        seen = [e[QUEUED_AT] for doc in queued for e in doc.entries]
        if waiting:
            checkpoint: datetime | None = min(waiting)
        else:
            checkpoint = max([*seen, *([current] if current else [])], default=None)
        if checkpoint is None:
            return
        self._checkpoints[source] = checkpoint
        saved = self._saved.get(source)
        if saved is not None and abs(checkpoint - saved) < self._slack / 4:
            return
        await self._ledger.save_checkpoint(source, checkpoint)
        self._saved[source] = checkpoint
        await self._forget()

    async def _forget(self) -> None:
        before = min(c for c in self._checkpoints.values() if c) - 2 * self._slack
        await self._ledger.forget_published(before)
        self._known = {i: q for i, q in self._known.items() if q >= before}
