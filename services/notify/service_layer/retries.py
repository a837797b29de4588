"""The retry scheduler: sends what is due in the delivery log, in this or any other replica.

The log is the schedule, so retries survive restarts; a claim's lease keeps two replicas from
sending the same message at once, and lets one take over what a crashed replica had claimed.
"""

from datetime import datetime, timedelta

from services.notify.domain.delivery import Delivery
from services.notify.service_layer.dispatch import Dispatcher
from services.notify.service_layer.ports import DeliveryLog
from shared.clock import Clock
from shared.polling import PollingWorker

# Entries claimed per query: a replica that loses every claim of a batch waits for the next poll.
BATCH = 50


class RetryScheduler(PollingWorker):
    def __init__(
        self,
        deliveries: DeliveryLog,
        dispatcher: Dispatcher,
        *,
        clock: Clock,
        owner: str,
        lease: timedelta,
        poll_interval_s: float,
    ) -> None:
        super().__init__(f"retry scheduler {owner}", poll_interval_s)
        self._log = deliveries
        self._dispatcher = dispatcher
        self._clock = clock
        self._owner = owner
        self._lease = lease

    async def run_once(self) -> None:
        """Attempt what is due now, oldest first, a batch at a time."""
        while not self.stopping:
            now = self._clock.now()
            batch = await self._log.due(now, BATCH)
            attempted = 0
            for due in batch:
                if self.stopping:
                    return
                attempted += await self._attempt(due, now)
            if len(batch) < BATCH or attempted == 0:
                return

    async def _attempt(self, due: Delivery, now: datetime) -> bool:
        """Send ``due`` if this replica wins its claim and it is still what was read."""
        if not await self._log.claim(due, self._owner, now, now + self._lease):
            return False
        current = await self._log.get(due.id)
        if current is None or (current.status, current.resends, current.attempts) != (
            due.status,
            due.resends,
            due.attempts,
        ):
            return False
        await self._dispatcher.attempt(current)
        return True
