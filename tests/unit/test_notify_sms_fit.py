"""Every SMS template, for every procedure of the intake catalogue, fits its segments (issue 14):
one segment unaccented (GSM-7), at most two with diacritics (UCS-2), with the longest values the
catalogue and the settings allow."""

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.notify.adapters.templates import TemplateRenderer
from services.notify.domain.contacts import Addressee
from services.notify.domain.milestones import (
    MILESTONE_TOPICS,
    RESULT_DELIVERIES,
    message_context,
    procedure_for_sms,
)
from services.notify.domain.sms import SmsEncoding, SmsMode, shorten
from services.notify.settings import LOOKUP_URL_MAX_CHARS, NotifySettings
from shared.events.catalogue import CATALOGUE
from shared.events.codec import new_event
from shared.events.decisions import PaymentPeriod
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.events.values import ApplicantKind

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[2] / "services" / "intake" / "data"
# A production-like address exactly as long as the settings allow.
LONGEST_URL = "https://dichvucong.nghean.gov.vn/tra-cuu"
DEFAULT_URL = NotifySettings.model_fields["lookup_url"].default
# Dates that print with two-digit days and months (the width never changes) and an amount far
# above any programme's rate.
LATE = datetime(2099, 12, 28, 9, 30, tzinfo=UTC)
AMOUNT = 9_999_999_999
PERIODS = ("Hằng tháng", "Một lần", "Hằng năm", None)
# A person's messages and an organisation's: whose case it is must not change what fits.
ADDRESSEES = tuple(Addressee(kind) for kind in ApplicantKind)


def catalogue() -> list[dict[str, Any]]:
    return list(yaml.safe_load((DATA / "procedures.yaml").read_text())["procedures"])


def longest_case_code() -> str:
    agencies = yaml.safe_load((DATA / "agencies.yaml").read_text())["agencies"]
    agency = max((str(a["code"]) for a in agencies), key=len)
    return f"{agency}-991228-9999"


CASE = longest_case_code()


def worst_event(topic: str, procedure: dict[str, Any], period: str | None) -> Any:
    """The topic's example event with every value an SMS prints at its longest."""
    data = EXAMPLES[CATALOGUE.for_topic(topic)[0].data_model]
    update: dict[str, Any] = {"case_code": CASE}
    dated = ("due_at", "received_at", "requested_at", "resolved_at", "stopped_at")
    for field in (*dated, "refused_at", "withdrawn_at"):
        if field in type(data).model_fields:
            update[field] = LATE
    if topic == "case-submitted":
        update |= {
            "procedure_name": procedure["name"],
            "procedure_short_name": procedure.get("short_name"),
        }
    if topic == "appointment-rescheduled":
        update |= {"previous_due_at": LATE - timedelta(days=8), "new_due_at": LATE}
    if topic == "payment-approved":
        label = period or "Năm 2099"
        update |= {"amount_vnd": AMOUNT, "approved_at": LATE, "period": PaymentPeriod(label=label)}
    # model_copy: the values are the test's choice, not a round trip through validation.
    return new_event(data.model_copy(update=update))


def contexts(topic: str, procedure: dict[str, Any]) -> list[dict[str, Any]]:
    """Every variant a template prints: periods of payments, outcomes and return channels."""
    periods = PERIODS if topic == "payment-approved" else (None,)
    found = []
    for period in periods:
        context = message_context(worst_event(topic, procedure, period))
        if topic != "case-resolved":
            found.append(context)
            continue
        for outcome in ("approved", "rejected"):
            for how in RESULT_DELIVERIES:
                found.append(
                    {**context, "result_delivery": how, "data": _outcome(context, outcome)}
                )
    return found


def _outcome(context: dict[str, Any], outcome: str) -> Any:
    return context["data"].model_copy(update={"outcome": outcome})


def renderer(mode: SmsMode, lookup_url: str) -> TemplateRenderer:
    return TemplateRenderer(mode, {"office_name": "Bộ phận Một cửa", "lookup_url": lookup_url})


def test_the_worst_case_values_are_the_longest_the_settings_allow() -> None:
    assert len(LONGEST_URL) == LOOKUP_URL_MAX_CHARS
    assert len(CASE) >= len("SLDTBXH-251202-0001")
    with pytest.raises(ValueError, match="lookup_url"):
        NotifySettings(lookup_url=LONGEST_URL + "/x")


@pytest.mark.parametrize("lookup_url", [LONGEST_URL, DEFAULT_URL])
@pytest.mark.parametrize("topic", MILESTONE_TOPICS)
def test_every_template_and_procedure_fits_one_gsm7_or_two_ucs2_segments(
    topic: str, lookup_url: str
) -> None:
    procedures = catalogue()
    assert len(procedures) >= 15
    unaccented, unicode = (
        renderer(SmsMode.UNACCENTED, lookup_url),
        renderer(SmsMode.UNICODE, lookup_url),
    )
    link = f"{lookup_url}?ma={CASE}"
    for procedure in procedures:
        for variant, addressee in itertools.product(contexts(topic, procedure), ADDRESSEES):
            context = {**variant, "addressee": addressee}
            plain = unaccented.sms(topic, context)
            assert (plain.encoding, plain.segments) == (SmsEncoding.GSM7, 1), plain.text
            accented = unicode.sms(topic, context)
            assert accented.encoding is SmsEncoding.UCS2
            assert accented.segments <= 2, accented.text
            for sms in (plain, accented):
                assert sms.text.endswith(f" {link}"), sms.text
                assert "28/12/2099" in sms.text


def test_the_catalogue_s_short_names_go_in_whole_with_the_default_link() -> None:
    submitted = renderer(SmsMode.UNICODE, DEFAULT_URL)
    named = [p for p in catalogue() if p.get("short_name")]
    assert named
    for procedure in named:
        [context] = contexts("case-submitted", procedure)
        text = submitted.sms("case-submitted", context).text
        assert f"hồ sơ {procedure['short_name']}, hẹn trả 28/12/2099." in text


def test_a_procedure_without_a_short_name_gets_its_full_name_cut_at_a_word_to_fit() -> None:
    longest = max(catalogue(), key=lambda p: len(p["name"]))
    context = message_context(worst_event("case-submitted", {"name": longest["name"]}, None))
    sms = renderer(SmsMode.UNICODE, LONGEST_URL).sms("case-submitted", context)
    assert sms.segments == 2
    shown = sms.text.removeprefix("Đã nhận hồ sơ ").split("…, hẹn trả ")[0]
    assert len(shown) >= 15 and longest["name"].startswith(shown)
    assert longest["name"][len(shown)] in " ,"  # cut between words
    assert sms.text.count("…") == 1


def test_the_fallback_drops_parenthesised_asides_first() -> None:
    data = EXAMPLES[CaseSubmitted].model_copy(
        update={"procedure_name": "Hỗ trợ người có công về nhà ở (theo Quyết định 22/2013/QĐ-TTg)"}
    )
    assert procedure_for_sms(data) == "Hỗ trợ người có công về nhà ở"
    short = data.model_copy(update={"procedure_short_name": "Hỗ trợ nhà ở người có công"})
    assert procedure_for_sms(short) == "Hỗ trợ nhà ở người có công"


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        ("Trợ cấp thờ cúng liệt sĩ", 40, "Trợ cấp thờ cúng liệt sĩ"),
        ("Trợ cấp thờ cúng liệt sĩ", 12, "Trợ cấp thờ…"),
        ("Thực hiện, điều chỉnh, thôi hưởng", 12, "Thực hiện…"),
        ("Trợ cấp thờ cúng liệt sĩ", 3, ""),
        ("Trợ cấp", 0, ""),
    ],
)
def test_shortening_cuts_between_words_and_marks_the_cut(text: str, limit: int, cut: str) -> None:
    assert shorten(text, limit) == cut
    assert len(shorten(text, limit)) <= limit


def test_payment_amounts_say_how_often_they_are_paid() -> None:
    procedure = catalogue()[0]
    unicode = renderer(SmsMode.UNICODE, DEFAULT_URL)
    texts = [
        unicode.sms("payment-approved", c).text for c in contexts("payment-approved", procedure)
    ]
    monthly, once, yearly, dated = texts
    assert "chi 9.999.999.999 đồng/tháng." in monthly
    assert "chi 9.999.999.999 đồng một lần." in once
    assert "chi 9.999.999.999 đồng/năm." in yearly
    assert "chi 9.999.999.999 đồng." in dated


def test_the_result_message_says_how_the_result_is_returned() -> None:
    procedure = catalogue()[0]
    unicode = renderer(SmsMode.UNICODE, DEFAULT_URL)
    said = {
        (c["data"].outcome, c["result_delivery"]): unicode.sms("case-resolved", c).text
        for c in contexts("case-resolved", procedure)
    }
    assert "hồ sơ được duyệt, nhận tại Bộ phận Một cửa." in said[("approved", "desk")]
    assert "hồ sơ không được duyệt, kết quả gửi bưu điện." in said[("rejected", "postal")]
    assert "hồ sơ được duyệt, nhận kết quả điện tử." in said[("approved", "online")]


def test_a_message_over_its_budget_is_sent_all_the_same_and_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "long.sms.j2").write_text("Hồ sơ " + "rất " * 60 + "dài.")
    sms = TemplateRenderer(SmsMode.UNICODE, {}, tmp_path).sms("long", {"procedure": None})
    assert sms.segments == 4
    assert "long SMS takes 4 segments, over its budget" in caplog.text
