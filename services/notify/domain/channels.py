"""The channels a delivery goes by: SMS, e-mail and Zalo (ZNS templates).

A Zalo message goes to the phone number's Zalo account, so it shares the SMS channel's address
rules (normalising, masking, hashing, opt-outs).
"""

from shared.events.intake import PhoneChannel
from shared.events.values import NotificationChannel

ZALO = NotificationChannel.ZALO
Channel = NotificationChannel


def address_kind(channel: Channel) -> NotificationChannel:
    """The kind of address a channel sends to: a Zalo account is the phone number's."""
    return NotificationChannel.SMS if channel is ZALO else NotificationChannel(channel)


def channels_for(phone: list[PhoneChannel]) -> tuple[Channel, ...]:
    """The deliveries of one event, Zalo first: with Zalo alone, the SMS one stands by for it."""
    zalo = (ZALO,) if PhoneChannel.ZALO in phone else ()
    return (*zalo, NotificationChannel.SMS, NotificationChannel.EMAIL)


def sms_stands_by(phone: list[PhoneChannel]) -> bool:
    """Zalo chosen instead of SMS: the SMS goes only if the Zalo message cannot."""
    return PhoneChannel.SMS not in phone
