"""Who a message goes to on each channel, and why it may go to no one."""

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from shared.events.values import ApplicantContact, ApplicantKind, NotificationChannel

# Vietnamese mobile numbers since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
VN_MOBILE = re.compile(r"^\+84[35789]\d{8}$")


class InvalidContact(ValueError):
    """An address no provider could deliver to; ``reason`` is for the delivery log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Addressee:
    """How an e-mail speaks to the applicant: a person as ông/bà, an organisation by its name alone
    and then as Quý tổ chức. A case whose kind notify does not know is a person's: every case
    before organisations could apply was."""

    kind: ApplicantKind = ApplicantKind.INDIVIDUAL

    @property
    def honorific(self) -> str:
        """What stands between "Kính gửi" and the name, its space included: none for a name of
        an organisation, which is addressed as it is written."""
        return "ông/bà " if self.kind is ApplicantKind.INDIVIDUAL else ""

    @property
    def you(self) -> str:
        """The applicant in a sentence ("hồ sơ của ông/bà"). Lower case but for Quý, which is
        capitalised anywhere: Jinja's ``capitalize`` begins a sentence with either unchanged."""
        return "ông/bà" if self.kind is ApplicantKind.INDIVIDUAL else "Quý tổ chức"

    @property
    def lookup_number(self) -> str:
        """The number the lookup page asks for besides the case code."""
        return "số định danh cá nhân" if self.kind is ApplicantKind.INDIVIDUAL else "mã số thuế"


def address_of(contact: ApplicantContact, channel: NotificationChannel) -> str | None:
    return contact.phone if channel is NotificationChannel.SMS else contact.email


def normalise(channel: NotificationChannel, address: str) -> str:
    """The canonical form of an address (the opt-out key); raises ``InvalidContact``."""
    address = address.strip()
    if channel is NotificationChannel.SMS:
        phone = re.sub(r"[\s.\-()]", "", address)
        if phone.startswith("0"):
            phone = "+84" + phone[1:]
        if not VN_MOBILE.match(phone):
            raise InvalidContact(f"not a Vietnamese mobile number: {mask(channel, address)}")
        return phone
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        # The validator may quote the address back: what goes to the log is masked.
        raise InvalidContact(redact(f"malformed e-mail address: {exc}")) from None
    return checked.normalized.lower()


def mask(channel: NotificationChannel, address: str) -> str:
    """Enough of an address for an officer or an event to recognise it, not to use it."""
    if channel is NotificationChannel.SMS:
        return address[:5] + "*" * max(len(address) - 7, 0) + address[-2:]
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?84|0)[35789]\d{8}(?!\d)")


def redact(text: str) -> str:
    """``text`` (e.g. a provider's refusal) with every address in it masked: what goes to the
    delivery log, events and log lines never carries a whole phone number or e-mail address."""
    text = EMAIL_IN_TEXT.sub(lambda m: mask(NotificationChannel.EMAIL, m.group()), text)
    return PHONE_IN_TEXT.sub(lambda m: mask(NotificationChannel.SMS, m.group()), text)
