"""What the citizen page reads from its forms and shows of a case
(services/intake/entrypoints/citizen_view.py)."""

import pytest

from services.intake.domain.case import Case
from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.commands import Lookup, SubmitDossier
from services.intake.domain.satisfaction import CitizenAnswers
from services.intake.domain.tracking import case_resolved as case_resolved_tracker
from services.intake.domain.tracking import supplement_requested as supplement_requested_tracker
from services.intake.entrypoints.citizen_view import (
    INDICATORS,
    CasePage,
    read_indicators,
    read_lookup,
)
from services.intake.service_layer.reception import Reception
from shared.calendar import DEFAULT_CALENDAR
from shared.clock import ManualClock
from tests.unit.intake_fakes import (
    CITIZEN_ID,
    DESK_CLERK,
    MISSING,
    FakeSequences,
    FakeUnits,
    dossier,
    july,
    resolved,
    supplement_requested,
)

ALL = dict.fromkeys(INDICATORS, "1")


def test_the_form_asks_only_what_the_citizen_rates() -> None:
    assert list(INDICATORS) == list(CitizenAnswers.model_fields)


def test_points_are_0_1_or_2_and_each_indicator_must_be_chosen() -> None:
    chosen = read_indicators({**ALL, "contacts": "2", "online_quality": "0"})
    assert isinstance(chosen, CitizenAnswers)
    assert (chosen.contacts, chosen.online_quality, chosen.staff_attitude) == (2, 0, 1)
    wrong = read_indicators({**ALL, "contacts": "01", "online_quality": "3", "staff_attitude": ""})
    assert wrong == dict.fromkeys(
        ("contacts", "staff_attitude", "online_quality"), "Vui lòng chọn một mức"
    )


def test_a_lookup_form_is_read_or_refused_by_its_own_field_names() -> None:
    assert read_lookup({"ma": " DAIDONG-250714-0001 ", "so_dinh_danh": CITIZEN_ID}) == Lookup(
        code="DAIDONG-250714-0001", id_number=CITIZEN_ID
    )
    # 10 digits would be a tax code; 11 are nothing.
    refused = read_lookup({"ma": "", "so_dinh_danh": "04008500123"})
    assert refused == {
        "ma": "Phải có ít nhất 1 ký tự",
        "so_dinh_danh": "Số định danh cá nhân phải gồm đúng 12 chữ số, hoặc 9 chữ số nếu là số "
        "CMND cũ; hồ sơ của tổ chức: nhập mã số thuế",
    }


@pytest.fixture
async def case() -> Case:
    """Received on Monday 14/7/2025 at 9:00 (Viet Nam time), due Monday 21/7."""
    reception = Reception(
        load_catalogue(), FakeUnits(), FakeSequences(), DEFAULT_CALENDAR, ManualClock(july(14, 9))
    )
    return (await reception.submit(SubmitDossier.model_validate(dossier()), None, DESK_CLERK)).case


def test_while_a_supplement_is_requested_the_page_lists_what_to_bring(case: Case) -> None:
    supplement_requested_tracker(case, supplement_requested(case.code, july(16, 10)))
    page = CasePage.of(case)
    assert (page.status_code, page.status) == (5, "Yêu cầu bổ sung hồ sơ")
    assert (page.received_on, page.due_on) == ("09:00 14/07/2025", "21/07/2025")
    assert page.missing == [f"{MISSING.name} (bản sao, số lượng 1)"]
    assert [step.at for step in page.timeline] == ["09:00 14/07/2025", "10:00 16/07/2025"]
    assert not page.can_rate


def test_a_finished_case_can_be_rated_once(case: Case) -> None:
    supplement_requested_tracker(case, supplement_requested(case.code, july(16, 10)))
    case_resolved_tracker(case, resolved(case.code, july(18, 15), july(22, 17)))
    page = CasePage.of(case)
    assert page.missing == []  # no longer waited for once the case is resolved
    assert (page.due_on, page.can_rate, page.rated) == ("22/07/2025", True, False)
    case.rate(CitizenAnswers(**dict.fromkeys(INDICATORS, 2)), july(23, 8))
    rated = CasePage.of(case)
    assert (rated.can_rate, rated.rated) == (False, True)
