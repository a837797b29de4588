"""A citizen's request to receive no more messages at one address."""

from datetime import datetime

from pydantic import BaseModel

from shared.events.values import NotificationChannel


class OptOut(BaseModel):
    channel: NotificationChannel
    # Normalised (see ``contacts.normalise``), so every way of writing it matches.
    address: str
    created_at: datetime
    recorded_by: str
