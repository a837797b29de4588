"""The result's return channel (issue 13, item 5), from the desk to the citizen's message.

Chosen at receipt (``SubmitDossier.result_delivery``), carried on ``case-submitted``, kept by the
workflow's instance and copied onto ``case-resolved``, whose SMS and e-mail notify words by it.
"""

from datetime import datetime

import pytest

from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.commands import SubmitDossier
from services.intake.service_layer.cases import CaseDesk
from services.intake.service_layer.reception import Reception
from services.notify.adapters.templates import TemplateRenderer
from services.notify.domain.milestones import RESULT_DELIVERIES, message_context
from services.notify.domain.sms import SmsMode
from services.workflow.adapters.calendar import DeadlineCalendar
from services.workflow.adapters.definitions import load_processes, load_programmes
from services.workflow.domain import commands as c
from services.workflow.domain.actions import perform
from services.workflow.domain.instance import Instance, Rules
from services.workflow.domain.records import CaseFacts
from shared.calendar import DEFAULT_CALENDAR
from shared.clock import ManualClock
from shared.events.codec import decode, encode, new_event
from shared.events.decisions import CaseResolved, Outcome
from shared.events.envelope import EventData
from shared.events.examples import EXAMPLES
from shared.events.intake import CaseSubmitted
from shared.events.values import ResultDelivery
from shared.officers import Officer, OfficerRole
from tests.unit.intake_fakes import (
    COMMUNE,
    DESK_CLERK,
    PORTAL,
    FakeCases,
    FakeSequences,
    FakeUnits,
    dossier,
    july,
)

pytestmark = pytest.mark.unit

CATALOGUE = load_catalogue()
CALENDAR = DeadlineCalendar()
RULES = Rules(CALENDAR, load_programmes())
RENDERER = TemplateRenderer(
    SmsMode.UNICODE, {"office_name": "UBND xã Đại Đồng", "lookup_url": "https://x.vn/tra-cuu"}
)
SAID = {
    "desk": ("nhận tại Bộ phận Một cửa", "Mời ông/bà đến Bộ phận tiếp nhận và trả kết quả"),
    "postal": ("kết quả gửi bưu điện", "Kết quả được gửi đến ông/bà qua dịch vụ bưu chính."),
    "online": ("nhận kết quả điện tử", "bằng bản điện tử, qua tài khoản dịch vụ công trực tuyến"),
}


def officer(role: OfficerRole) -> Officer:
    return Officer(id=role.value, name=role.value, roles=frozenset({role}), agency=COMMUNE)


async def received(**body: object) -> CaseSubmitted:
    """Intake's reception at the commune's desk, as published (through the wire format)."""
    cases = FakeCases()
    clock = ManualClock(july(14, 9))
    desk = Reception(CATALOGUE, FakeUnits(cases), FakeSequences(), DEFAULT_CALENDAR, clock)
    await desk.submit(SubmitDossier.model_validate(dossier(**body)), "tn.lan", DESK_CLERK)
    [event] = cases.published
    data = decode(encode(event)).data
    assert isinstance(data, CaseSubmitted)
    return data


def resolve(event: CaseSubmitted) -> CaseResolved:
    """The workflow opened from ``case-submitted``, reviewed, approved and handed back."""
    instance = Instance.open(event, load_processes().for_procedure(event.procedure_code), CALENDAR)
    walk: list[tuple[c.Command, OfficerRole, datetime]] = [
        (c.CompleteStep(), OfficerRole.SPECIALIST, july(15, 9)),
        (
            c.Decide(outcome=Outcome.APPROVED, decision_number="12/QĐ-UBND"),
            OfficerRole.LEADER,
            july(16, 9),
        ),
        (c.HandOver(), OfficerRole.RECEPTION_CLERK, july(16, 10)),
    ]
    events: list[EventData] = []
    for command, role, now in walk:
        instance, events = perform(instance, command, officer(role), now, RULES)
    [resolved] = [e for e in events if isinstance(e, CaseResolved)]
    resolved_event = decode(encode(new_event(resolved))).data
    assert isinstance(resolved_event, CaseResolved)
    return resolved_event


def test_the_names_notify_words_are_the_enum_s() -> None:
    assert [how.value for how in ResultDelivery] == list(RESULT_DELIVERIES)


@pytest.mark.parametrize("how", list(ResultDelivery))
async def test_the_choice_at_receipt_reaches_the_result_message(how: ResultDelivery) -> None:
    submitted = await received(result_delivery=how.value)
    assert submitted.result_delivery is how
    resolved = resolve(submitted)
    assert resolved.result_delivery is how
    context = message_context(new_event(resolved))
    sms, mail = RENDERER.sms("case-resolved", context), RENDERER.email("case-resolved", context)
    short, sentence = SAID[how.value]
    assert f"hồ sơ được duyệt, {short}." in sms.text
    assert sentence in mail.text and sentence in mail.html
    others = [SAID[other][0] for other in SAID if other != how.value]
    assert not any(other in sms.text for other in others)


async def test_a_dossier_that_says_nothing_is_returned_at_the_desk() -> None:
    submitted = await received()
    assert submitted.result_delivery is ResultDelivery.DESK
    assert resolve(submitted).result_delivery is ResultDelivery.DESK


async def test_an_unknown_channel_is_refused_at_the_edge() -> None:
    with pytest.raises(ValueError, match="result_delivery"):
        SubmitDossier.model_validate(dossier(result_delivery="drone"))


async def test_an_online_dossier_keeps_its_choice_when_the_desk_accepts_it() -> None:
    clock = ManualClock(july(14, 9))
    units = FakeUnits()
    reception = Reception(CATALOGUE, units, FakeSequences(), DEFAULT_CALENDAR, clock)
    cmd = SubmitDossier.model_validate(dossier(channel="online", result_delivery="online"))
    code = (await reception.submit(cmd, None, PORTAL)).case.code
    clock.set(july(15, 9))
    await CaseDesk(units, clock).accept(code, DESK_CLERK)
    [event] = units.cases.published
    assert isinstance(event.data, CaseSubmitted)
    assert event.data.result_delivery is ResultDelivery.ONLINE


def test_events_and_instances_from_before_the_field_mean_the_desk() -> None:
    old = EXAMPLES[CaseSubmitted].model_dump(mode="json", exclude={"result_delivery"})
    assert CaseSubmitted.model_validate(old).result_delivery is ResultDelivery.DESK
    stored = Instance.open(
        CaseSubmitted.model_validate(old),
        load_processes().for_procedure(old["procedure_code"]),
        CALENDAR,
    ).facts.model_dump(exclude={"result_delivery"})
    assert CaseFacts.model_validate(stored).result_delivery is ResultDelivery.DESK
