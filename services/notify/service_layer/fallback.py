"""A standby delivery (the SMS of a citizen who chose Zalo instead) and the one it stands by for.

The standby entry is planned with the other, rendered and stored, but not due. The outcome of the
delivery it stands by for settles it in the same transaction (``DeliveryQueue.record``): sent →
the standby is skipped; dead → it is due now, and goes out like any other. Only an entry still on
standby changes, so an officer's later resend of the first one never sends the fallback again.
"""

from datetime import datetime

from services.notify.domain.delivery import Delivery, DeliveryStatus
from services.notify.service_layer.ports import Release

NOT_NEEDED = "not needed: the message it stood by for was delivered"


def after_sent(delivery: Delivery, now: datetime) -> Release | None:
    if delivery.fallback is None:
        return None
    changes = {"status": str(DeliveryStatus.SKIPPED), "reason": NOT_NEEDED, "updated_at": now}
    return Release(delivery.fallback, changes)


def after_dead(delivery: Delivery, now: datetime) -> Release | None:
    if delivery.fallback is None:
        return None
    reason = f"instead of the {delivery.channel} message, which was not delivered"
    changes = {
        "status": str(DeliveryStatus.PENDING),
        "due_at": now,
        "reason": reason,
        "updated_at": now,
    }
    return Release(delivery.fallback, changes)
