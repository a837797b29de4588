"""Vietnamese mobile numbers as people write them, turned into E.164 (+84 and nine digits)."""

import re

# Mobile prefixes after the 2018 renumbering: 03x, 05x, 07x, 08x and 09x (Viettel, Vinaphone,
# MobiFone, Vietnamobile, Gmobile, Itelecom, ...); landlines (02x) are not mobiles.
_MOBILE = re.compile(r"[35789]\d{8}")
# Separators people type between digit groups.
_SEPARATORS = re.compile(r"[\s.\-()]")

INVALID_PHONE = (
    "Số điện thoại di động không hợp lệ: cần 10 chữ số bắt đầu bằng 03, 05, 07, 08 hoặc 09 "
    "(hoặc dạng +84…)"
)


def normalise_mobile(raw: str) -> str:
    """``0912 345 678``, ``0912.345.678``, ``84912345678`` and ``+84912345678`` all become
    ``+84912345678``; anything else raises ``ValueError`` with a message for the user."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+84"):
        national = digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        raise ValueError(INVALID_PHONE)
    if not _MOBILE.fullmatch(national):
        raise ValueError(INVALID_PHONE)
    return f"+84{national}"
