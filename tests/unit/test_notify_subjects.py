"""E-mail subjects keep their spaces when folded into RFC 2047 encoded-words (issue 14).

The message is built as the dispatcher builds it and flattened as the SMTP sender flattens it
(aiosmtplib's ``flatten_message``, policy SMTP), then decoded both ways a mail client may.
"""

import email
import email.policy
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.headerregistry import Address
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtplib.email import flatten_message

from services.notify.adapters.templates import TemplateRenderer
from services.notify.domain.messages import EmailContent, build_email, encoded_subject
from services.notify.domain.milestones import MILESTONE_TOPICS, message_context
from services.notify.domain.sms import SmsMode
from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.examples import EXAMPLES

pytestmark = pytest.mark.unit

PROCEDURES = (
    Path(__file__).resolve().parents[2] / "services" / "intake" / "data" / "procedures.yaml"
)
RENDERER = TemplateRenderer(
    SmsMode.UNICODE, {"office_name": "Sở Nội vụ tỉnh Nghệ An", "lookup_url": "https://x.vn/tra-cuu"}
)


def longest_procedure_name() -> str:
    procedures = yaml.safe_load(PROCEDURES.read_text())["procedures"]
    return str(max((p["name"] for p in procedures), key=len))


def long_event(topic: str) -> Any:
    """The topic's example with its free texts at their longest: the procedure's name, reasons,
    decision numbers, amounts."""
    data = EXAMPLES[CATALOGUE.for_topic(topic)[0].data_model]
    name = longest_procedure_name()
    candidates: dict[str, Any] = {
        "procedure_name": name,
        "procedure_short_name": name[:40],
        "reason": name,
        "decision_number": "12345/QĐ-UBND ngày 28 tháng 12 năm 2099 của Chủ tịch UBND tỉnh",
        "amount_vnd": 9_999_999_999,
        "due_at": datetime(2099, 12, 28, 9, 30, tzinfo=UTC),
    }
    fields = type(data).model_fields
    return new_event(data.model_copy(update={k: v for k, v in candidates.items() if k in fields}))


def sent_and_read(subject: str) -> tuple[bytes, str, str]:
    content = EmailContent(subject=subject, text="x\n", html="<p>x</p>\n")
    message = build_email(
        content,
        sender=Address("Sở Nội vụ tỉnh Nghệ An", addr_spec="motcua@example.vn"),
        to="hoa.nguyen@example.vn",
        message_id="<abc@example.vn>",
        date=datetime(2025, 7, 14, 2, 0, tzinfo=UTC),
    )
    raw = flatten_message(message)  # what aiosmtplib's send_message puts on the wire
    modern = email.message_from_bytes(raw, policy=email.policy.default)
    legacy = email.message_from_bytes(raw, policy=email.policy.compat32)
    return raw, str(modern["Subject"]), str(make_header(decode_header(legacy["Subject"])))


@pytest.mark.parametrize("topic", MILESTONE_TOPICS)
def test_every_template_s_subject_survives_folding_with_its_spaces(topic: str) -> None:
    subject = RENDERER.email(topic, message_context(long_event(topic))).subject
    if topic == "case-submitted":  # the receipt's subject names the procedure
        assert f"({longest_procedure_name()[:40]})" in subject
    raw, modern, legacy = sent_and_read(subject)
    assert modern == subject
    assert legacy == subject
    header = raw.split(b"\r\n\r\n")[0]
    assert header.isascii()
    assert all(len(line) <= 78 for line in header.split(b"\r\n"))


def test_subjects_naming_every_procedure_survive_folding() -> None:
    procedures = yaml.safe_load(PROCEDURES.read_text())["procedures"]
    for procedure in procedures:
        subject = f"Hồ sơ TCH.PHONGTHINH-991228-9999 ({procedure['name']}) đã được tiếp nhận"
        _, modern, legacy = sent_and_read(subject)
        assert modern == legacy == subject


def test_the_stdlib_folding_this_works_around_loses_spaces() -> None:
    """Why ``encoded_subject`` exists: were this to pass one day, the workaround could go."""
    subject = (
        'sơ cấp hằng Giấy Hồ quốc tháng Thực công" ) lại nhận chỉnh sơ sơ sơ khuyết b Hồ '
        'cấp "Tổ ( hằng công" sơ a ) tháng QĐ-SNV Đổi ) hưởng ) "Tổ'
    )
    plain = email.message.EmailMessage()
    plain["Subject"] = subject
    plain.set_content("x")
    read = email.message_from_bytes(flatten_message(plain), policy=email.policy.default)
    assert str(read["Subject"]) != subject
    assert sent_and_read(subject)[1] == subject


def test_a_subject_is_one_line() -> None:
    with pytest.raises(ValueError, match="one line"):
        encoded_subject("Hồ sơ\r\nBcc: x@example.vn")
