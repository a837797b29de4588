"""The content of one message, rendered once and stored, so every retry sends the same thing."""

from datetime import datetime
from email.header import Header
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
    # The brandname of the agency acting on the case; None: the gateway's default sender.
    sender: str | None = None


class ZnsContent(BaseModel):
    """A Zalo Notification Service message: a template registered with Zalo and its values."""

    model_config = ConfigDict(frozen=True)

    template_id: str
    params: dict[str, str]


class EmailContent(BaseModel):
    model_config = ConfigDict(frozen=True)

    subject: str
    text: str
    html: str


def encoded_subject(subject: str) -> str:
    """The subject as RFC 2047 encoded-words, folded, every space inside a word.

    The email package's own folding (policy.default/SMTP, Python 3.11) can end an encoded-word
    just before a space and write that space as the folding white space between two words, which
    decoders drop (RFC 2047, 6.2): "hằng tháng" arrived as "hằngtháng". ``Header.encode`` keeps
    spaces inside the words; the result is plain ASCII lines within 78 characters, which the
    generator writes as it is. Line breaks cannot get in: subjects are one line.
    """
    if "\r" in subject or "\n" in subject:
        raise ValueError("a subject is one line")
    return Header(subject, "utf-8", header_name="Subject").encode(linesep="\n", maxlinelen=76)


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
    message.set_raw("Subject", encoded_subject(content.subject))
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    message.set_content(content.text, charset="utf-8")
    message.add_alternative(content.html, subtype="html", charset="utf-8")
    return message
