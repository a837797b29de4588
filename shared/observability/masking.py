"""Personal data masked in text bound for logs: ID numbers, phone numbers, e-mail local parts, and
names, addresses and birth dates where they are the value of a field of that name.

A log line may quote anything a citizen sent (a path such as ``/opt-outs/sms/0912345678``, a
validation error, an exception), so the masking works on free text rather than on known fields.
Digits are starred except the first two and the last two, so that an officer can still tell two
lines about the same number apart (``09******78``); an e-mail keeps its first letter and domain.

Machine identifiers (UUIDs, hex digests) are left alone although they can contain long runs of
digits: masking part of a request or event id would only make the logs harder to follow.
"""

import re

_SEP = r"[ .\-]"
_HEX = "[0-9a-fA-F]"
_PATTERN = re.compile(
    "|".join(
        [
            # Kept as they are: dashed UUIDs, and 32/40/64-digit hex ids and digests.
            rf"(?P<keep>(?<![0-9A-Za-z-]){_HEX}{{8}}(?:-{_HEX}{{4}}){{3}}-{_HEX}{{12}}(?![0-9A-Za-z])"
            rf"|(?<![0-9A-Za-z])(?:{_HEX}{{64}}|{_HEX}{{40}}|{_HEX}{{32}})(?![0-9A-Za-z]))",
            # An e-mail address: its local part.
            r"(?P<email>(?<![\w.%+-])[\w.%+-]+(?=@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}))",
            # A 12-digit personal ID number (CCCD), also written in groups of three.
            rf"(?P<id12>(?<!\d)\d{{3}}(?:{_SEP}?\d{{3}}){{3}}(?!\d))",
            # A phone number: 0, 84 or +84 (perhaps in brackets), then a mobile number (9 digits
            # after the prefix, starting 3, 5, 7, 8 or 9) or a landline (10 digits, starting 2).
            # No separator right after a leading 0, which would make "0.912345678" a phone.
            rf"(?P<phone>(?<![\d+])(?<!\d[.,])(?:(?:\(?\+84\)?|84){_SEP}?|0)"
            rf"(?:[35789](?:{_SEP}?\d){{8}}|2(?:{_SEP}?\d){{9}})(?!\d))",
            # A 9-digit old ID number (CMND), only as a number of its own: not inside a word, an
            # amount written with separators or a decimal.
            r"(?P<id9>(?<![\w.,+-])\d{9}(?!\w|[.,]\d))",
        ]
    )
)
_KEPT_DIGITS = 2
# Names, addresses and birth dates cannot be told from other text, only by what they are the value
# of: a personal field in a dict, JSON or a model's repr, or the input a validation error quotes.
_PERSONAL_KEYS = ("full_name", "address", "date_of_birth")
_QUOTED = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
_BY_KEY = re.compile(
    rf"""(?P<key>(?<!\w)["']?(?:{"|".join(_PERSONAL_KEYS)})["']?\s*[:=]\s*){_QUOTED}"""
    r"|(?P<input>\binput_value=).*?(?=, input_type=)"
)


def mask_digits(text: str) -> str:
    """Star every digit but the first and last two; separators and signs stay where they are."""
    total = sum(c.isdigit() for c in text)
    seen = 0
    out = []
    for char in text:
        if char.isdigit():
            seen += 1
            hidden = _KEPT_DIGITS < seen <= total - _KEPT_DIGITS
            out.append("*" if hidden else char)
        else:
            out.append(char)
    return "".join(out)


def _replace(match: re.Match[str]) -> str:
    found = match.group()
    if match.lastgroup == "keep":
        return found
    if match.lastgroup == "email":
        return f"{found[0]}***"
    return mask_digits(found)


def _replace_by_key(match: re.Match[str]) -> str:
    if match.group("input"):
        return f"{match.group('input')}***"
    key = match.group("key")
    quote = match.group()[len(key)]
    return f"{key}{quote}***{quote}"


def mask(text: str) -> str:
    """``text`` with every ID number, phone number and e-mail local part in it masked, and the
    values of personal fields (names, addresses, birth dates) and of validation errors' inputs."""
    return _PATTERN.sub(_replace, _BY_KEY.sub(_replace_by_key, text))


def mask_value(value: object) -> object:
    """A log field's value, masked: text and containers of text; an integer only if it reads as
    a phone or ID number (a 9-digit amount of money is not an old ID number)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, bool | float) or value is None:
        return value
    if isinstance(value, int):
        text = str(value)
        masked = _PATTERN.sub(lambda m: m.group() if m.lastgroup == "id9" else _replace(m), text)
        return value if masked == text else masked
    if isinstance(value, dict):
        return {key: "***" if key in _PERSONAL_KEYS else mask_value(v) for key, v in value.items()}
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    if type(value) is tuple:  # a named tuple is written as its str(), below
        return tuple(mask_value(item) for item in value)
    # Anything else is written as its str(), so that is what must hold no personal data.
    text = str(value)
    masked = mask(text)
    return value if masked == text else masked
