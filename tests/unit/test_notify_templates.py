"""Messages rendered from the template files: Vietnamese, complete, and loud when broken."""

import email
import email.policy
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from pathlib import Path
from types import SimpleNamespace

import pytest

from services.notify.adapters.templates import RenderError, TemplateRenderer
from services.notify.domain.messages import build_email
from services.notify.domain.milestones import (
    MILESTONE_TOPICS,
    message_context,
    result_delivery_of,
)
from services.notify.domain.sms import SmsEncoding, SmsMode
from shared.clock import ManualClock
from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.decisions import CaseWithdrawn, PaymentApproved
from shared.events.examples import EVENT_TIME, EXAMPLES, example_event
from shared.events.intake import CaseRefused, CaseSubmitted
from shared.events.values import TimeUnit

pytestmark = pytest.mark.unit

GLOBALS = {"office_name": "Sở Nội vụ tỉnh Nghệ An", "lookup_url": "https://motcua.example.vn"}


def renderer(mode: SmsMode = SmsMode.UNICODE, directory: Path | None = None) -> TemplateRenderer:
    if directory is None:
        return TemplateRenderer(mode, GLOBALS)
    return TemplateRenderer(mode, GLOBALS, directory)


def context(topic: str) -> dict:
    return message_context(example_event(CATALOGUE.for_topic(topic)[0]))


@pytest.mark.parametrize("topic", MILESTONE_TOPICS)
def test_every_milestone_has_an_sms_and_an_email_naming_the_case(topic: str) -> None:
    ctx = context(topic)
    sms, mail = renderer().sms(topic, ctx), renderer().email(topic, ctx)
    # The refusal's example is another dossier (an online one the desk did not receive).
    assert ctx["case_code"] in {"SNV.NA-250714-0007", "SNV.NA-250714-0008"}
    for text in (sms.text, mail.subject, mail.text, mail.html):
        assert ctx["case_code"] in text
    assert "\n" not in mail.subject
    assert "Kính gửi ông/bà Nguyễn Thị Hoa" in mail.text


def test_case_submitted_gives_procedure_and_appointment_date_in_vietnam_time() -> None:
    sms = renderer().sms("case-submitted", context("case-submitted"))
    assert "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ" in sms.text
    assert "hẹn trả 29/07/2025" in sms.text
    assert sms.text.endswith(" https://motcua.example.vn?ma=SNV.NA-250714-0007")
    assert sms.encoding is SmsEncoding.UCS2


@pytest.mark.parametrize(
    ("unit", "printed"),
    [(TimeUnit.WORKING_DAYS, "10 ngày làm việc"), (TimeUnit.CALENDAR_DAYS, "10 ngày")],
)
def test_case_submitted_email_prints_the_time_in_the_law_s_unit(
    unit: TimeUnit, printed: str
) -> None:
    base = EXAMPLES[CaseSubmitted]
    data = base.model_copy(update={"processing_time_unit": unit})
    mail = renderer().email("case-submitted", message_context(new_event(data, time=EVENT_TIME)))
    assert f"Thời hạn giải quyết: {printed}\n" in mail.text
    assert f"<td>{printed}</td>" in mail.html


def test_unaccented_mode_sends_the_same_message_without_diacritics() -> None:
    sms = renderer(SmsMode.UNACCENTED).sms("case-submitted", context("case-submitted"))
    assert sms.encoding is SmsEncoding.GSM7
    assert "Giai quyet che do tro cap tho cung liet si" in sms.text
    assert "hen tra 29/07/2025" in sms.text
    assert sms.segments < renderer().sms("case-submitted", context("case-submitted")).segments


def test_payment_amount_reads_the_vietnamese_way() -> None:
    data = EXAMPLES[PaymentApproved].model_copy(update={"amount_vnd": 40_000_000})
    ctx = message_context(new_event(data))
    assert "40.000.000 đồng" in renderer().sms("payment-approved", ctx).text
    assert "40.000.000 đồng" in renderer().email("payment-approved", ctx).subject


def test_html_part_escapes_what_the_event_says() -> None:
    data = EXAMPLES[PaymentApproved]
    beneficiary = data.beneficiary.model_copy(update={"full_name": "<b>Lê Văn A</b>"})
    ctx = message_context(new_event(data.model_copy(update={"beneficiary": beneficiary})))
    mail = renderer().email("payment-approved", ctx)
    assert "&lt;b&gt;Lê Văn A&lt;/b&gt;" in mail.html
    assert "<b>Lê Văn A</b>" in mail.text


def test_unknown_template_is_a_render_error() -> None:
    with pytest.raises(RenderError, match=r"no template no-such-event\.sms\.j2"):
        renderer().sms("no-such-event", context("case-submitted"))


def test_a_template_naming_a_missing_field_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "broken.sms.j2").write_text("Hồ sơ {{ case_code }} {{ data.no_such_field }}")
    with pytest.raises(RenderError, match="no_such_field"):
        renderer(directory=tmp_path).sms("broken", context("case-submitted"))


def test_a_template_with_a_syntax_error_fails_loudly(tmp_path: Path) -> None:
    (tmp_path / "broken.sms.j2").write_text("Hồ sơ {{ case_code ")
    with pytest.raises(RenderError, match=r"broken\.sms\.j2 failed"):
        renderer(directory=tmp_path).sms("broken", context("case-submitted"))


def test_email_is_multipart_alternative_with_utf8_headers_that_parse_back() -> None:
    mail = renderer().email("case-submitted", context("case-submitted"))
    message = build_email(
        mail,
        sender=Address("Sở Nội vụ tỉnh Nghệ An", addr_spec="motcua@example.vn"),
        to="hoa.nguyen@example.vn",
        message_id="<abc@example.vn>",
        date=ManualClock(EVENT_TIME).now(),
    )
    raw = message.as_bytes()
    assert raw.isascii()  # headers and bodies encoded for any SMTP server (RFC 2047, base64/QP)
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["Subject"] == mail.subject
    assert parsed["From"].addresses[0].display_name == "Sở Nội vụ tỉnh Nghệ An"
    plain = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert plain.get_content() == mail.text
    assert html.get_content() == mail.html
    assert plain.get_content_charset() == "utf-8"


@pytest.mark.parametrize("topic", MILESTONE_TOPICS)
def test_dates_in_year_9999_render_in_every_template(topic: str) -> None:
    example = EXAMPLES[CATALOGUE.for_topic(topic)[0].data_model]
    last = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    dated = {
        f: last for f in type(example).model_fields if isinstance(getattr(example, f), datetime)
    }
    if "previous_due_at" in dated:  # it must come before the new one
        dated["previous_due_at"] = last - timedelta(days=1)
    # model_copy: such an event may be refused by decoding first; rendering must cope anyway.
    ctx = message_context(new_event(example.model_copy(update=dated)))
    sms, mail = renderer().sms(topic, ctx), renderer().email(topic, ctx)
    assert "01/01/10000" in sms.text + mail.text


def test_a_value_out_of_range_is_a_render_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "huge.sms.j2").write_text("{{ 10.0 ** data.fee_vnd }}")
    ctx = context("case-submitted")
    ctx["data"] = ctx["data"].model_copy(update={"fee_vnd": 400})
    with pytest.raises(RenderError, match="OverflowError"):
        renderer(directory=tmp_path).sms("huge", ctx)


def test_the_result_e_mail_says_how_the_result_is_returned() -> None:
    ctx = context("case-resolved")
    assert "đến Bộ phận tiếp nhận và trả kết quả" in renderer().email("case-resolved", ctx).text
    by_post = renderer().email("case-resolved", {**ctx, "result_delivery": "postal"})
    assert "qua dịch vụ bưu chính" in by_post.text and "qua dịch vụ bưu chính" in by_post.html
    assert result_delivery_of(SimpleNamespace(result_delivery="online")) == "online"
    assert result_delivery_of(SimpleNamespace(result_delivery="drone")) == "desk"
    assert result_delivery_of(EXAMPLES[CaseSubmitted]) == "desk"


def test_e_mails_link_to_the_lookup_page_with_the_code_filled_in() -> None:
    mail = renderer().email("case-submitted", context("case-submitted"))
    link = "https://motcua.example.vn?ma=SNV.NA-250714-0007"
    assert link in mail.text
    assert f'<a href="{link}">' in mail.html


def test_a_refusal_tells_why_the_dossier_was_not_received_and_what_to_do() -> None:
    data = EXAMPLES[CaseRefused].model_copy(
        update={"reasons": ["Thiếu bản sao giấy báo tử", "Tờ khai chưa ký <tên>"]}
    )
    ctx = message_context(new_event(data))
    sms, mail = renderer().sms("case-refused", ctx), renderer().email("case-refused", ctx)
    link = "https://motcua.example.vn?ma=SNV.NA-250714-0008"
    assert sms.text == f"Hồ sơ không được tiếp nhận ngày 14/07/2025, xem lý do: {link}"
    assert mail.subject == "Hồ sơ SNV.NA-250714-0008 không được tiếp nhận"
    assert "- Thiếu bản sao giấy báo tử\n- Tờ khai chưa ký <tên>\n" in mail.text
    assert "<li>Tờ khai chưa ký &lt;tên&gt;</li>" in mail.html
    for body in (mail.text, mail.html):
        assert "Hồ sơ này sẽ không được giải quyết." in body
        assert "hoàn thiện theo các lý do trên và nộp hồ sơ mới" in body
        assert "thủ tục mã 1.010803" in body


@pytest.mark.parametrize("reason", ["Gia đình đã nộp hồ sơ tại nơi cư trú mới", None])
def test_a_withdrawal_says_it_was_recorded_with_the_request_s_date(reason: str | None) -> None:
    data = EXAMPLES[CaseWithdrawn].model_copy(update={"reason": reason})
    ctx = message_context(new_event(data))
    sms, mail = renderer().sms("case-withdrawn", ctx), renderer().email("case-withdrawn", ctx)
    link = "https://motcua.example.vn?ma=SNV.NA-250714-0007"
    assert sms.text == f"Đã ghi nhận việc rút hồ sơ ngày 16/07/2025. {link}"
    assert mail.subject == "Đã ghi nhận việc rút hồ sơ SNV.NA-250714-0007"
    for body in (mail.text, mail.html):
        assert "(văn bản đề nghị ngày 16/07/2025)" in body
        assert "Hồ sơ không tiếp tục được giải quyết." in body
        assert ("Lý do: Gia đình đã nộp hồ sơ tại nơi cư trú mới" in body) is (reason is not None)
        assert ("Lý do:" in body) is (reason is not None)
