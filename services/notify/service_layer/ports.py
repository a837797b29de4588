"""What the service layer needs from the outside world, as protocols the adapters fulfil."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Protocol

from services.notify.domain.contacts import redact
from services.notify.domain.delivery import AttemptRecord, Delivery, Message
from services.notify.domain.messages import SmsContent, ZnsContent
from services.notify.domain.milestones import Receipt
from services.notify.domain.optout import OptOut
from shared.events.values import NotificationChannel
from shared.kafka.records import OutboundRecord
from shared.mongo import Transaction
from shared.officers import Officer, OfficerRole

Document = dict[str, Any]


class ProviderError(Exception):
    """A provider did not accept a message. ``permanent`` ones are not worth another attempt."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        # Providers quote the recipient in refusals ("550 <an@example.vn>: no such user").
        reason = redact(reason)
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class EmailSender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand the message to the provider; raise ``ProviderError`` if it does not accept it."""
        ...


class ZnsSender(Protocol):
    async def send(self, to: str, content: ZnsContent, reference: str) -> None:
        """Send the Zalo template message; raise ``ProviderError`` if ZNS does not accept it.
        ``reference`` is ZNS's ``tracking_id``: the same for a repeat of one send."""
        ...


class SmsGateway(Protocol):
    async def send(self, to: str, content: SmsContent, reference: str) -> None:
        """Hand the SMS to the gateway; raise ``ProviderError`` if it does not accept it.
        ``reference`` is the gateway's idempotency key: the same for a repeat of one send."""
        ...


@dataclass(frozen=True)
class Claimed:
    """A delivery this dispatcher holds (``delivery.claim``) until ``delivery.due_at``;
    ``message`` is None when its content expired before it could go (an old resend)."""

    delivery: Delivery
    message: Message | None
    # The previous claim's lease lapsed: it may or may not have sent (the provider must dedupe).
    taken_over: bool


@dataclass(frozen=True)
class Release:
    """What an outcome changes in the standby entry its delivery names (``fallback``)."""

    delivery_id: str
    changes: Document


@dataclass(frozen=True)
class Outcome:
    """What one attempt changes in its entry, and the records it publishes."""

    changes: Document
    attempt: AttemptRecord
    records: Sequence[OutboundRecord] = ()
    # Applied in the same transaction, if that entry is still on standby.
    release: Release | None = None


class DeliveryQueue(Protocol):
    """The dispatcher's side of the delivery log (``adapters.delivery_log``)."""

    async def claim(self, owner: str, now: datetime, until: datetime) -> Claimed | None:
        """Atomically take the most overdue claimable delivery, or None if none is due."""
        ...

    async def record(self, delivery: Delivery, outcome: Outcome) -> bool:
        """Store the outcome of ``delivery``'s claim with its records, in one transaction;
        False (and nothing stored) if the claim is no longer the entry's (it was taken over)."""
        ...


class PlannedLog(Protocol):
    """The handler's side of the delivery log, inside the consumer's unit of work."""

    async def opted_out(
        self, tx: Transaction, addresses: Sequence[tuple[NotificationChannel, str]]
    ) -> set[tuple[NotificationChannel, str]]: ...

    def add(self, tx: Transaction, delivery: Delivery, message: Message | None) -> None: ...


class Receipts(Protocol):
    """Per case, what its receipt said that later events do not carry (``milestones.Receipt``),
    inside the consumer's unit of work."""

    async def receipt(self, tx: Transaction, case_code: str) -> Receipt | None:
        """What the case's receipt said, if notify saw it."""
        ...

    def remember_receipt(
        self, tx: Transaction, case_code: str, receipt: Receipt, until: datetime
    ) -> None: ...


class OfficerLog(Protocol):
    """What officers' actions read and change in the delivery log."""

    async def request_resend(
        self, delivery_id: str, now: datetime, officer: Officer, role: OfficerRole
    ) -> Delivery | None:
        """The entry due again now, recorded in the audit trail; None if not resendable."""
        ...

    async def message(self, delivery_id: str, now: datetime) -> Message | None:
        """The message's content while its retention lasts, else None."""
        ...

    async def for_recipient(self, recipient_hash: str) -> list[Delivery]: ...

    async def get(self, delivery_id: str) -> Delivery | None: ...


class OptOuts(Protocol):
    """Officers' changes are recorded in the audit trail with them."""

    async def add(self, opt_out: OptOut, officer: Officer, role: OfficerRole) -> OptOut: ...

    async def remove(
        self, channel: NotificationChannel, address: str, officer: Officer, role: OfficerRole
    ) -> bool: ...

    async def get(self, channel: NotificationChannel, address: str) -> OptOut | None: ...
