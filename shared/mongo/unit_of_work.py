"""The one way to change state: a unit of work, retried on conflict.

``await uow.run(work)`` opens a transaction, lets ``work`` read and decide (it receives a
``Transaction`` to read from and to buffer writes, events and processed marks into), writes it all
in one commit, and retries the whole of ``work`` with bounded backoff when what it read changed
meanwhile. MongoDB runs it as a multi-document transaction on a replica set; the local store
(SecantusDB) presents itself as a one-node replica set and does the same.
"""

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import ConnectionFailure, PyMongoError

from shared.clock import Clock, SystemClock
from shared.mongo.client import Document
from shared.mongo.conflict import Conflict
from shared.mongo.transaction import Transaction

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[Transaction], Awaitable[T]]

MAX_ATTEMPTS = 8
BACKOFF_INITIAL_S = 0.005
BACKOFF_MAX_S = 0.25
# Labels MongoDB puts on errors that mean "run the transaction again" / "commit again".
TRANSIENT = "TransientTransactionError"
UNKNOWN_COMMIT = "UnknownTransactionCommitResult"
COMMIT_ATTEMPTS = 3


class UnitOfWork:
    """Runs units of work on one service database; ``committed`` is called after each commit
    (it wakes the outbox relay, and any poller of what units store, at once)."""

    def __init__(
        self,
        db: AsyncDatabase[Document],
        *,
        clock: Clock | None = None,
        committed: Callable[[], None] = lambda: None,
        attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.committed = committed
        self._attempts = attempts

    async def run(self, work: Work[T]) -> T:
        """Run ``work`` in a transaction until it commits; ``Conflict`` after the last attempt."""
        for attempt in range(1, self._attempts + 1):
            try:
                result = await self._attempt(work)
            except Conflict:
                if attempt == self._attempts:
                    raise
            except PyMongoError as error:
                if not error.has_error_label(TRANSIENT):
                    raise
                if attempt == self._attempts:
                    # A store out of reach stays what it is (503 and retry later), not a conflict.
                    if isinstance(error, ConnectionFailure):
                        raise
                    raise Conflict(str(error)) from error
            else:
                self.committed()
                return result
            await asyncio.sleep(_backoff(attempt))
        raise AssertionError("unreachable")

    async def _attempt(self, work: Work[T]) -> T:
        async with self.db.client.start_session() as session:
            await session.start_transaction()
            try:
                tx = Transaction(self.db, session, self.clock.now())
                result = await work(tx)
                await tx.flush()
            except BaseException:
                await _abort(session)
                raise
            await _commit(session)
            return result


async def _commit(session: AsyncClientSession) -> None:
    """Commit; an unknown outcome (connection lost during the commit) is asked again, as the
    driver allows: committing twice is safe."""
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        try:
            await session.commit_transaction()
            return
        except PyMongoError as error:
            if not error.has_error_label(UNKNOWN_COMMIT) or attempt == COMMIT_ATTEMPTS:
                raise


async def _abort(session: AsyncClientSession) -> None:
    if not session.in_transaction:
        return
    try:
        await session.abort_transaction()
    except PyMongoError as error:
        # The server aborts an unfinished transaction by itself when its session ends.
        log.debug("abort failed: %r", error)


def _backoff(attempt: int) -> float:
    """Exponential with full jitter, so writers that collided do not collide again."""
    return random.uniform(0, min(BACKOFF_MAX_S, BACKOFF_INITIAL_S * 2**attempt))
