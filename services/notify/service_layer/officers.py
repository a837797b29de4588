"""What officers do with notifications: resend a message, record a citizen's opt-out."""

from collections.abc import Callable
from datetime import datetime

from services.notify.domain.contacts import normalise
from services.notify.domain.delivery import Delivery
from services.notify.domain.optout import OptOut
from services.notify.domain.privacy import DeliveryKeys
from services.notify.service_layer.ports import OfficerLog, OptOuts
from shared.events.values import NotificationChannel
from shared.officers import Officer, OfficerRole


class NotFound(LookupError):
    pass


class NotResendable(ValueError):
    pass


CONTENT_GONE = "content no longer kept"
DESK_ROLES = frozenset({OfficerRole.RECEPTION_CLERK, OfficerRole.MANAGER, OfficerRole.ADMIN})


async def resend(
    deliveries: OfficerLog,
    delivery_id: str,
    now: datetime,
    wake_dispatcher: Callable[[], None],
    officer: Officer,
) -> Delivery:
    """Queue a sent or dead message to go again now, with the retry budget renewed.

    Only while its message (address and text) is still kept: the log alone cannot rebuild it.
    """
    current = await deliveries.get(delivery_id)
    if current is None:
        raise NotFound(delivery_id)
    if await deliveries.message(delivery_id, now) is None:
        raise NotResendable(CONTENT_GONE)
    queued = await deliveries.request_resend(delivery_id, now, officer, desk_role(officer))
    if queued is None:
        raise NotResendable(current.status)
    wake_dispatcher()
    return queued


async def deliveries_to(
    deliveries: OfficerLog, keys: DeliveryKeys, channel: NotificationChannel, address: str
) -> list[Delivery]:
    """Every message the log holds for an address (however it is written), found by the keyed
    hash: the log keeps no address to search by. ``InvalidContact`` if the address is none."""
    return await deliveries.for_recipient(keys.recipient(channel, normalise(channel, address)))


async def opt_out(
    optouts: OptOuts, channel: NotificationChannel, address: str, officer: Officer, now: datetime
) -> OptOut:
    """Record that the owner of ``address`` wants no more messages (``InvalidContact`` if bad)."""
    key = normalise(channel, address)
    opt_out = OptOut(channel=channel, address=key, created_at=now, recorded_by=officer.id)
    return await optouts.add(opt_out, officer, desk_role(officer))


async def opt_in(
    optouts: OptOuts, channel: NotificationChannel, address: str, officer: Officer
) -> None:
    removed = await optouts.remove(
        channel, normalise(channel, address), officer, desk_role(officer)
    )
    if not removed:
        raise NotFound(address)


def desk_role(officer: Officer) -> OfficerRole:
    """The role an officer handles citizens' requests about messages in (the routes admit only
    these)."""
    role = officer.acting_role(DESK_ROLES)
    if role is None:
        raise PermissionError(f"{officer.id} holds none of the desk's roles")
    return role


async def opt_out_status(optouts: OptOuts, channel: NotificationChannel, address: str) -> OptOut:
    found = await optouts.get(channel, normalise(channel, address))
    if found is None:
        raise NotFound(address)
    return found
