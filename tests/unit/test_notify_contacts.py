"""Recipients: Vietnamese mobile numbers and e-mail addresses, their opt-out keys and masks."""

import pytest

from services.notify.domain.contacts import InvalidContact, mask, normalise
from services.notify.service_layer.ports import ProviderError
from shared.events.values import NotificationChannel

pytestmark = pytest.mark.unit

SMS, EMAIL = NotificationChannel.SMS, NotificationChannel.EMAIL


@pytest.mark.parametrize(
    "written", ["+84912345678", "0912345678", "0912 345 678", "091.234.5678", " +84912345678 "]
)
def test_the_ways_people_write_a_mobile_number_give_one_key(written: str) -> None:
    assert normalise(SMS, written) == "+84912345678"


@pytest.mark.parametrize("bad", ["+84112345678", "+8491234567", "12345", "+14155550100", ""])
def test_numbers_that_are_not_vietnamese_mobiles_are_refused(bad: str) -> None:
    with pytest.raises(InvalidContact, match="not a Vietnamese mobile number"):
        normalise(SMS, bad)


def test_email_addresses_compare_case_insensitively() -> None:
    assert normalise(EMAIL, " Hoa.Nguyen@Example.VN ") == "hoa.nguyen@example.vn"


@pytest.mark.parametrize("bad", ["hoa.nguyen", "hoa@", "@example.vn", "hoa nguyen@example.vn"])
def test_malformed_email_addresses_are_refused_with_the_reason(bad: str) -> None:
    with pytest.raises(InvalidContact, match="malformed e-mail address"):
        normalise(EMAIL, bad)


def test_masks_keep_enough_to_recognise_an_address() -> None:
    assert mask(SMS, "+84912345678") == "+8491*****78"
    assert mask(EMAIL, "hoa.nguyen@example.vn") == "h***@example.vn"


def test_a_providers_refusal_keeps_no_whole_address() -> None:
    refusal = ProviderError(
        "550 <nguyen.an@example.vn>: no such user; 0912345678 and +84987654321 barred"
    )
    assert "nguyen.an@" not in refusal.reason
    assert "0912345678" not in refusal.reason
    assert "+84987654321" not in refusal.reason
    assert "n***@example.vn" in refusal.reason
    assert refusal.reason.startswith("550 <")
