"""SMS text: GSM-7 (unaccented Vietnamese) or UCS-2 (with diacritics), and its segment count."""

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

# GSM 03.38 basic character set (the escape character 0x1B is left out: it is not text).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each of these is sent as escape + character, so it costs two septets.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# Characters that survive no diacritic stripping but have a customary plain form.
_PLAIN = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "\u00d0": "D",  # Icelandic eth, often typed for Đ
        "\u201c": '"',
        "\u201d": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u20ab": "d",  # the dong sign
        "\u00a0": " ",
    }
)


class SmsMode(StrEnum):
    """How the deployment's gateway contract wants text: unaccented GSM-7 or Unicode."""

    UNACCENTED = "unaccented"
    UNICODE = "unicode"


class SmsEncoding(StrEnum):
    GSM7 = "gsm7"
    UCS2 = "ucs2"


@dataclass(frozen=True)
class EncodedSms:
    text: str
    encoding: SmsEncoding
    # Septets for GSM-7, UTF-16 code units for UCS-2.
    units: int
    segments: int


def unaccent(text: str) -> str:
    """Vietnamese (or any Latin) text as plain GSM-7: diacritics dropped, đ to d, others to '?'."""
    stripped = "".join(
        ch
        for ch in unicodedata.normalize("NFD", text.translate(_PLAIN))
        if not unicodedata.combining(ch)
    )
    # Keep plain ASCII letters: the accented letters GSM-7 has (é, à...) would look half-accented.
    return "".join(ch if ch in GSM7_BASIC or ch in GSM7_EXTENSION else "?" for ch in stripped)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def encode_sms(text: str, mode: SmsMode) -> EncodedSms:
    """The text the gateway gets under ``mode``, with its encoding and the segments it costs.

    In Unicode mode a text that happens to fit GSM-7 is still sent as GSM-7, as every handset and
    gateway does, because it costs fewer segments.
    """
    # Composed form: a decomposed "ế" would cost three UTF-16 units instead of one.
    text = unicodedata.normalize("NFC", text)
    if mode is SmsMode.UNACCENTED:
        text = unaccent(text)
    if is_gsm7(text):
        widths = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        return _count(text, SmsEncoding.GSM7, widths, GSM7_SINGLE, GSM7_PART)
    widths = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return _count(text, SmsEncoding.UCS2, widths, UCS2_SINGLE, UCS2_PART)


def _count(
    text: str, encoding: SmsEncoding, widths: list[int], single: int, part: int
) -> EncodedSms:
    """Segments as a gateway cuts them: a two-unit character is never split across two parts."""
    units = sum(widths)
    if units <= single:
        return EncodedSms(text, encoding, units, 1 if text else 0)
    segments, used = 1, 0
    for width in widths:
        if used + width > part:
            segments, used = segments + 1, 0
        used += width
    return EncodedSms(text, encoding, units, segments)


# What one message may cost (issue 14): one segment unaccented, two with diacritics.
MAX_SEGMENTS = {SmsEncoding.GSM7: 1, SmsEncoding.UCS2: 2}
ELLIPSIS = "…"


def budget(encoding: SmsEncoding) -> int:
    """The units a message of ``encoding`` may take within ``MAX_SEGMENTS``."""
    single, part = (
        (GSM7_SINGLE, GSM7_PART) if encoding is SmsEncoding.GSM7 else (UCS2_SINGLE, UCS2_PART)
    )
    most = MAX_SEGMENTS[encoding]
    return single if most == 1 else part * most


def excess(encoded: EncodedSms) -> int:
    """Units beyond the budget (0 when the message fits)."""
    return max(encoded.units - budget(encoded.encoding), 0)


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters: cut at a word, the cut marked with an ellipsis;
    empty when not even one word fits."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - len(ELLIPSIS), 0)]
    if not text[len(cut)].isspace():  # the cut falls inside a word: drop that word
        cut = cut[: cut.rindex(" ")] if " " in cut else ""
    cut = cut.rstrip(" ,;:-(\u2013")
    return cut + ELLIPSIS if cut else ""
