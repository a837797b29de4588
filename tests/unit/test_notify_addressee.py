"""How messages address an organisation: "Kính gửi <its name>" and Quý tổ chức, never ông/bà, in
every template's e-mail, also for the case's later events, which notify knows of from the
receipt; a person's messages read as they did, and the SMS and Zalo texts do not change."""

from types import SimpleNamespace
from typing import Any

import pytest

from services.notify.adapters.delivery_log import RECEIPTS, MongoDeliveryLog
from services.notify.adapters.templates import TemplateRenderer
from services.notify.domain.contacts import Addressee
from services.notify.domain.milestones import (
    MILESTONE_TOPICS,
    RESULT_DELIVERIES,
    Receipt,
    message_context,
    receipt_of,
)
from services.notify.domain.sms import SmsMode
from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.decisions import CaseResolved
from shared.events.envelope import Envelope
from shared.events.examples import EXAMPLES, example_event
from shared.events.intake import CaseSubmitted, PhoneChannel
from shared.events.values import Applicant, ApplicantContact, ApplicantKind, NotificationChannel
from tests.unit.test_notify_zns import RENDERER, World

pytestmark = pytest.mark.unit

NAME = "Công ty TNHH Cơ khí Hưng Nguyên"
ORGANISATION = Applicant(
    kind=ApplicantKind.ORGANISATION,
    full_name=NAME,
    tax_code="2900325117",
    address="Số 8 đường Lê Hồng Phong, thành phố Vinh, Nghệ An",
    phone="+84912345678",
    email="vanthu@cokhihungnguyen.vn",
)
GLOBALS = {"office_name": "Sở Nội vụ tỉnh Nghệ An", "lookup_url": "https://motcua.example.vn"}
EMAILS = TemplateRenderer(SmsMode.UNICODE, GLOBALS)


def organisations(topic: str) -> Envelope[Any]:
    """The topic's example event about the organisation: case-submitted with its whole
    applicant, the others with the contact they carry."""
    data = example_event(CATALOGUE.for_topic(topic)[0]).data
    contact = ApplicantContact.model_validate(
        ORGANISATION.model_dump(include={"full_name", "phone", "email"})
    )
    applicant = ORGANISATION if isinstance(data, CaseSubmitted) else contact
    return new_event(data.model_copy(update={"applicant": applicant}))


def organisation_context(topic: str, how: str = "desk") -> dict[str, Any]:
    """What the templates get: later events learn the kind from the remembered receipt."""
    context = message_context(organisations(topic), ApplicantKind.ORGANISATION)
    return {**context, "result_delivery": how}


@pytest.mark.parametrize("topic", MILESTONE_TOPICS)
@pytest.mark.parametrize("how", RESULT_DELIVERIES)
def test_every_e_mail_greets_an_organisation_by_its_name_and_never_as_ong_ba(
    topic: str, how: str
) -> None:
    mail = EMAILS.email(topic, organisation_context(topic, how))
    assert mail.text.startswith(f"Kính gửi {NAME},\n")
    assert f"<p>Kính gửi <strong>{NAME}</strong>,</p>" in mail.html
    for text in (mail.subject, mail.text, mail.html):
        assert "ông/bà" not in text.lower(), topic
    for text in (mail.text, mail.html):
        assert "Quý tổ chức có thể tra cứu" in text and "nhập thêm mã số thuế" in text


@pytest.mark.parametrize("topic", MILESTONE_TOPICS)
def test_a_person_is_still_addressed_as_ong_ba(topic: str) -> None:
    context = message_context(example_event(CATALOGUE.for_topic(topic)[0]))
    mail = EMAILS.email(topic, context)
    assert mail.text.startswith("Kính gửi ông/bà Nguyễn Thị Hoa,\n")
    assert "<p>Kính gửi ông/bà <strong>Nguyễn Thị Hoa</strong>,</p>" in mail.html
    assert "Ông/bà có thể tra cứu" in mail.text and "nhập thêm số định danh cá nhân" in mail.text
    assert "tổ chức" not in mail.text


def test_the_sentences_speak_to_the_organisation_as_quy_to_chuc() -> None:
    resolved = EMAILS.email("case-resolved", organisation_context("case-resolved")).text
    assert "của Quý tổ chức đã được giải quyết" in resolved
    assert "Mời Quý tổ chức đến Bộ phận tiếp nhận và trả kết quả" in resolved
    postal = EMAILS.email("case-resolved", organisation_context("case-resolved", "postal")).html
    assert "Kết quả được gửi đến Quý tổ chức qua dịch vụ bưu chính" in postal


@pytest.mark.parametrize("topic", MILESTONE_TOPICS)
def test_sms_and_zalo_texts_are_the_same_for_an_organisation(topic: str) -> None:
    """They greet no one: what fits a person's segments fits an organisation's."""
    organisation = organisation_context(topic)
    person = {**organisation, "addressee": Addressee(ApplicantKind.INDIVIDUAL)}
    assert RENDERER.sms(topic, organisation) == RENDERER.sms(topic, person)
    assert RENDERER.zns(topic, organisation) == RENDERER.zns(topic, person)


def test_case_submitted_says_the_kind_and_later_events_take_the_remembered_one() -> None:
    told = receipt_of(organisations("case-submitted").data)
    assert told == Receipt([PhoneChannel.SMS], ApplicantKind.ORGANISATION)
    assert receipt_of(organisations("case-resolved").data) is None
    # A later event says nothing of the kind: the remembered one decides, else a person.
    resolved = organisations("case-resolved")
    assert message_context(resolved)["addressee"].kind is ApplicantKind.INDIVIDUAL
    later = message_context(resolved, ApplicantKind.ORGANISATION)["addressee"]
    assert later.kind is ApplicantKind.ORGANISATION


async def test_the_result_of_an_organisation_s_case_greets_it_as_its_receipt_said() -> None:
    world = World()
    receipt = organisations("case-submitted")
    await world.receive(receipt)
    assert world.log.receipts[receipt.subject].applicant_kind is ApplicantKind.ORGANISATION
    resolved = organisations("case-resolved")
    assert resolved.subject == receipt.subject
    log = await world.receive(resolved)
    mail = world.log.messages[log[NotificationChannel.EMAIL].id].email
    assert mail is not None and mail.text.startswith(f"Kính gửi {NAME},\n")


async def test_a_case_whose_receipt_was_not_seen_is_a_person_s() -> None:
    world = World()
    log = await world.receive(new_event(EXAMPLES[CaseResolved]))
    mail = world.log.messages[log[NotificationChannel.EMAIL].id].email
    assert mail is not None and mail.text.startswith("Kính gửi ông/bà Nguyễn Thị Hoa,\n")


class Found:
    """A transaction that finds one stored receipt document."""

    def __init__(self, doc: dict[str, Any] | None) -> None:
        self.doc = doc

    async def find_one(self, collection: str, query: dict[str, Any]) -> dict[str, Any] | None:
        assert collection == RECEIPTS
        return self.doc


@pytest.mark.parametrize(
    ("doc", "kind"),
    [
        # Stored before the kind was kept: every applicant then was a person.
        ({"_id": "c", "channels": ["zalo"]}, ApplicantKind.INDIVIDUAL),
        (
            {"_id": "c", "channels": ["sms"], "applicant_kind": "organisation"},
            ApplicantKind.ORGANISATION,
        ),
    ],
)
async def test_a_stored_receipt_without_a_kind_is_a_person_s(
    doc: dict[str, Any], kind: ApplicantKind
) -> None:
    log = MongoDeliveryLog({"deliveries": None, "messages": None}, SimpleNamespace())  # type: ignore[arg-type]
    receipt = await log.receipt(Found(doc), "c")  # type: ignore[arg-type]
    assert receipt is not None and receipt.applicant_kind is kind
