"""What the service layer needs from the outside world, as protocols the adapters fulfil."""

from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Protocol

from services.notify.domain.delivery import AttemptRecord, Delivery
from services.notify.domain.messages import SmsContent
from services.notify.domain.optout import OptOut
from shared.events.values import NotificationChannel

Document = dict[str, Any]


class ProviderError(Exception):
    """A provider did not accept a message. ``permanent`` ones are not worth another attempt."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class EmailSender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand the message to the provider; raise ``ProviderError`` if it does not accept it."""
        ...


class SmsGateway(Protocol):
    async def send(self, to: str, content: SmsContent, reference: str) -> None:
        """Hand the SMS to the gateway; raise ``ProviderError`` if it does not accept it."""
        ...


class DeliveryLog(Protocol):
    """The delivery log (see ``adapters.delivery_log.MongoDeliveryLog`` for the semantics)."""

    async def add_all(
        self, entries: Sequence[tuple[Delivery, Sequence[Document]]], trigger_value: str
    ) -> set[str]: ...

    async def claim(
        self, delivery: Delivery, owner: str, now: datetime, until: datetime
    ) -> bool: ...

    async def due(self, now: datetime, limit: int) -> list[Delivery]: ...

    async def trigger_value(self, delivery_id: str) -> str: ...

    async def record_outcome(
        self,
        delivery_id: str,
        changes: Document,
        attempt: AttemptRecord,
        *,
        outbox: Sequence[Document] = (),
    ) -> None: ...

    async def request_resend(self, delivery_id: str, now: datetime) -> Delivery | None: ...

    async def get(self, delivery_id: str) -> Delivery | None: ...

    async def for_case(self, case_code: str) -> list[Delivery]: ...


class OptOuts(Protocol):
    async def opted_out(
        self, addresses: Sequence[tuple[NotificationChannel, str]]
    ) -> set[tuple[NotificationChannel, str]]: ...

    async def add(self, opt_out: OptOut) -> OptOut: ...

    async def remove(self, channel: NotificationChannel, address: str) -> bool: ...

    async def get(self, channel: NotificationChannel, address: str) -> OptOut | None: ...
