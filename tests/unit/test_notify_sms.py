"""SMS encoding: GSM-7 with its extension table, UCS-2, Vietnamese unaccenting, segment counts."""

import pytest

from services.notify.domain.sms import SmsEncoding, SmsMode, encode_sms, unaccent

pytestmark = pytest.mark.unit


def test_vietnamese_is_unaccented_to_plain_letters_including_d_stroke() -> None:
    assert unaccent("Đặng Thị Ngọc Ánh, đường Lê Lợi") == "Dang Thi Ngoc Anh, duong Le Loi"
    assert unaccent("Ư Ơ Ắ Ỷ ữ ộ ẫ") == "U O A Y u o a"


def test_decomposed_input_unaccents_the_same_as_composed() -> None:
    decomposed = "Nguye\u0302\u0303n"  # e + circumflex + tilde
    assert unaccent(decomposed) == "Nguyen"


def test_characters_without_a_gsm7_form_become_question_marks() -> None:
    assert (
        unaccent("Giá 5₫ \u201ctrọn gói\u201d \u2013 xong\u2026 中")
        == 'Gia 5d "tron goi" - xong... ?'
    )


def test_unaccented_mode_sends_gsm7() -> None:
    sms = encode_sms("Hồ sơ đã được tiếp nhận", SmsMode.UNACCENTED)
    assert sms.encoding is SmsEncoding.GSM7
    assert sms.text == "Ho so da duoc tiep nhan"
    assert sms.segments == 1


def test_unicode_mode_keeps_diacritics_in_ucs2() -> None:
    sms = encode_sms("Hồ sơ đã được tiếp nhận", SmsMode.UNICODE)
    assert sms.encoding is SmsEncoding.UCS2
    assert sms.text == "Hồ sơ đã được tiếp nhận"


def test_unicode_mode_counts_composed_characters() -> None:
    sms = encode_sms("Nguye\u0302\u0303n", SmsMode.UNICODE)
    assert sms.text == "Nguyễn"
    assert sms.units == 6


def test_unicode_mode_uses_gsm7_for_plain_text() -> None:
    assert encode_sms("Ho so da nhan", SmsMode.UNICODE).encoding is SmsEncoding.GSM7


@pytest.mark.parametrize(
    ("length", "segments"), [(0, 0), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3)]
)
def test_gsm7_segments_are_160_alone_then_153(length: int, segments: int) -> None:
    assert encode_sms("a" * length, SmsMode.UNACCENTED).segments == segments


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_segments_are_70_alone_then_67(length: int, segments: int) -> None:
    assert encode_sms("ệ" * length, SmsMode.UNICODE).segments == segments


def test_extension_characters_count_two_septets() -> None:
    sms = encode_sms("€" * 80, SmsMode.UNACCENTED)
    assert (sms.encoding, sms.units, sms.segments) == (SmsEncoding.GSM7, 160, 1)
    assert encode_sms("€" * 81, SmsMode.UNACCENTED).segments == 2


def test_an_extension_character_is_never_split_across_segments() -> None:
    # 152 septets then a two-septet character: it does not fit in part one's last septet.
    sms = encode_sms("a" * 152 + "{" + "a" * 10, SmsMode.UNACCENTED)
    assert sms.units == 164
    assert sms.segments == 2
    assert encode_sms("a" * 152 + "{" + "a" * 152, SmsMode.UNACCENTED).segments == 3


def test_characters_outside_the_bmp_take_two_ucs2_units() -> None:
    sms = encode_sms("🙂" * 35, SmsMode.UNICODE)
    assert (sms.units, sms.segments) == (70, 1)
