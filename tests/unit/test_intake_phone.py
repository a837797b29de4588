"""Vietnamese mobile numbers as people type them become E.164; others are refused."""

import pytest

from services.intake.domain.phone import normalise_mobile

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("0912.345.678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("0387654321", "+84387654321"),
        ("0562-123-456", "+84562123456"),
        ("0701234567", "+84701234567"),
        ("0812345678", "+84812345678"),
    ],
)
def test_accepted_forms_are_normalised(typed: str, e164: str) -> None:
    assert normalise_mobile(typed) == e164


@pytest.mark.parametrize(
    "typed",
    [
        "02383123456",  # a landline (Nghệ An)
        "0612345678",  # 06x is no mobile prefix
        "091234567",  # one digit short
        "09123456789",  # one digit too many
        "+85912345678",
        "912345678",  # no leading 0 or country code
        "09123a5678",
        "",
    ],
)
def test_other_numbers_are_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="Số điện thoại"):
        normalise_mobile(typed)
