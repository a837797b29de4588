"""The content of one message, rendered once and stored, so every retry sends the same thing."""

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from pydantic import BaseModel, ConfigDict

from services.notify.domain.sms import SmsEncoding


class SmsContent(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    encoding: SmsEncoding
    segments: int


class EmailContent(BaseModel):
    model_config = ConfigDict(frozen=True)

    subject: str
    text: str
    html: str


def build_email(
    content: EmailContent,
    *,
    sender: Address,
    to: str,
    message_id: str,
    date: datetime,
) -> EmailMessage:
    """A multipart/alternative message (plain text first, HTML preferred) with UTF-8 headers.

    ``message_id`` is stable per delivery, so a mail system that sees a message twice after an
    ambiguous provider failure can tell it is the same one.
    """
    message = EmailMessage()
    message["Subject"] = content.subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message.set_content(content.text, charset="utf-8")
    message.add_alternative(content.html, subtype="html", charset="utf-8")
    return message
