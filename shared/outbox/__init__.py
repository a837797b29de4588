"""The transactional outbox: events stored with the state change that caused them, then relayed.

Units of work (``shared.mongo.unit_of_work``) insert the events a change causes into the service's
``outbox`` collection in the same transaction as the change. The relay publishes them in order,
at least once, and deletes each once the broker acknowledged it.
"""

from shared.outbox.relay import INDEXES, OutboxRelay
from shared.outbox.store import OUTBOX

__all__ = ["INDEXES", "OUTBOX", "OutboxRelay"]
