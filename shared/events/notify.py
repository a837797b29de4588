"""Events the notify service publishes about each message to a citizen."""

from typing import Annotated, Self
from uuid import UUID

from pydantic import Field, StringConstraints, model_validator

from shared.events.envelope import EventData
from shared.events.values import Count, NotificationChannel, Text, UtcDatetime

ErrorText = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class NotificationOutcome(EventData):
    """What is known of any delivery attempt, whichever way it ended."""

    trigger_event_id: UUID = Field(description="Id of the event the message was about.")
    trigger_event_type: Text = Field(description="Type of that event, e.g. vn.onestop.*.v1.")
    channel: NotificationChannel = Field(description="SMS or e-mail.")
    recipient: Text = Field(
        description="Recipient with most characters masked, e.g. +8491*****78 or n***@example.vn."
    )
    attempts: Count = Field(description="Delivery attempts made, this one included.")
    segments: Count | None = Field(
        default=None, description="SMS segments billed (SMS only; absent for e-mail)."
    )

    @model_validator(mode="after")
    def segments_only_for_sms(self) -> Self:
        if (self.segments is not None) != (self.channel is NotificationChannel.SMS):
            raise ValueError("segments is required for SMS and absent for e-mail")
        return self


class NotificationSent(NotificationOutcome):
    """The provider accepted the message."""

    sent_at: UtcDatetime = Field(description="When the provider accepted it.")


class NotificationFailed(NotificationOutcome):
    """The message could not be delivered after all attempts and went to the dead-letter topic."""

    error: ErrorText = Field(description="The provider's last error.")
    failed_at: UtcDatetime = Field(description="When the last attempt failed.")
