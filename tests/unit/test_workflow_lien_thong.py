"""Interlinked (liên thông) processing: steps performed by agencies of the levels the flows name,
the case passing from one agency's queue to the next with a hand-over, each agency acting only at
its own steps."""

from datetime import UTC, date, datetime
from math import ceil
from pathlib import Path

import pytest
import yaml

from services.intake.domain.catalogue_loading import load_catalogue
from services.workflow.adapters.definitions import load_agencies, load_processes
from services.workflow.domain import commands as c
from services.workflow.domain.agencies import AgencyRef, Level
from services.workflow.domain.errors import Forbidden
from services.workflow.domain.instance import Instance
from services.workflow.domain.processes import RECEIVING
from services.workflow.domain.steps import require_agency, require_reader
from shared.calendar import local_date
from shared.events.decisions import Outcome
from shared.events.values import Timeliness, TimeUnit
from shared.events.workflow import CaseTransferred, StepCompleted
from shared.officers import OfficerRole
from tests.unit.test_workflow_support import CALENDAR, act, at, officer, submitted

pytestmark = pytest.mark.unit

INTAKE_AGENCIES = Path("services/intake/data/agencies.yaml")
COMMUNE = AgencyRef(code="BICHHAO", name="Ủy ban nhân dân xã Bích Hào")
DEPARTMENT = AgencyRef(code="SNV", name="Sở Nội vụ tỉnh Nghệ An")
# Cấp bổ sung, cấp lại giấy chứng nhận người có công: UBND xã, then the department (Sở).
LIEN_THONG = "LOCAL.NCC.001"
COMMUNE_SPECIALIST = officer("cv.xa.an", OfficerRole.SPECIALIST, "BICHHAO")
COMMUNE_CLERK = officer("tn.xa.binh", OfficerRole.RECEPTION_CLERK, "BICHHAO")
DEPARTMENT_SPECIALIST = officer("cv.so.chi", OfficerRole.SPECIALIST, "SNV")
DEPARTMENT_LEADER = officer("ld.so.dung", OfficerRole.LEADER, "SNV")
NEIGHBOUR = officer("cv.xa.khac", OfficerRole.SPECIALIST, "CATNGAN")


def codes(procedure: str, desk: str, on: date) -> list[str]:
    process = load_processes().for_procedure(procedure)
    return [agency.code for agency in process.performers(AgencyRef(code=desk, name=desk), on)]


def lien_thong_case() -> Instance:
    """LOCAL.NCC.001 received at the commune of Bích Hào on Monday 14/7/2025 (17 days)."""
    event = submitted(
        case_code="BICHHAO-250714-0001",
        procedure_code=LIEN_THONG,
        agency_code=COMMUNE.code,
        agency_name=COMMUNE.name,
        processing_days=17,
        processing_time_unit=TimeUnit.CALENDAR_DAYS,
        due_at=datetime(2025, 7, 31, 10, 0, tzinfo=UTC),
        is_benefit=False,
        payment_programme=None,
    )
    return Instance.open(event, load_processes().for_procedure(LIEN_THONG), CALENDAR)


def test_the_workflows_agencies_are_the_intakes() -> None:
    # The workflow keeps its own copy of the hierarchy (services share no code or files at run
    # time); every version of every agency must be the intake's, field for field.
    fields = ("code", "name", "level", "parent", "effective_from", "effective_to")
    intake = yaml.safe_load(INTAKE_AGENCIES.read_text(encoding="utf-8"))["agencies"]
    theirs = [tuple(entry.get(name) for name in fields) for entry in intake]
    ours = [
        (a.code, a.name, a.level.value, a.parent, a.effective_from, a.effective_to)
        for a in load_agencies().agencies
    ]
    assert ours == theirs


def test_each_step_goes_to_the_agency_of_its_level_above_the_receiving_desk() -> None:
    today = date(2025, 8, 1)
    assert codes(LIEN_THONG, "BICHHAO", today) == ["BICHHAO", "SNV", "SNV", "BICHHAO"]
    # Before the department's merger on 1/3/2025 a commune's parent chain led to the labour
    # department, through the district.
    assert codes(LIEN_THONG, "TCH.MAIGIANG", date(2018, 5, 2)) == [
        "TCH.MAIGIANG",
        "SLDTBXH",
        "SLDTBXH",
        "TCH.MAIGIANG",
    ]
    assert codes("1.010442", "TCH.MAIGIANG", date(2024, 5, 2)) == [
        "TCH.MAIGIANG",
        "TCH",
        "TCH",
        "TCH.MAIGIANG",
    ]


def test_a_step_at_or_below_the_desk_or_of_a_missing_level_stays_with_the_desk() -> None:
    today = date(2025, 8, 1)
    # Received by the department's own desk: the commune's step is done there.
    assert set(codes(LIEN_THONG, "SNV", today)) == {"SNV"}
    # A district step after the district level ended on 30/6/2025.
    assert set(codes("1.010442", "BICHHAO", today)) == {"BICHHAO"}
    # A desk the hierarchy does not know, and a flow without agency levels.
    assert set(codes(LIEN_THONG, "SNV.NA", today)) == {"SNV.NA"}
    assert set(codes("1.014027", "BICHHAO", today)) == {"BICHHAO"}


def test_every_interlinked_flow_reaches_its_agencies_wherever_a_commune_receives_it() -> None:
    """Each flow of its own, at every commune desk and version a commune receives it at, sends its
    upper-level steps to a real agency of that level, none falling back to the commune."""
    tree, processes = load_agencies(), load_processes()
    checked = 0
    for version in load_catalogue().procedures():
        flow = processes.procedures.get(version.code)
        if flow is None or version.processing_days is None or "xã" not in version.receiving_levels:
            continue
        on = version.effective_from or date(2018, 5, 2)
        for commune in (a for a in tree.agencies if a.level is Level.XA and a.in_effect(on)):
            desk = commune.ref()
            for step, agency in zip(flow.steps, flow.performers(desk, on), strict=True):
                if step.level not in (RECEIVING, Level.XA):
                    found = tree.at(agency.code, on)
                    assert found is not None and found.level == step.level, (version.code, on)
                    checked += 1
    assert checked > 100


def test_the_commune_hands_over_to_the_department_with_a_record_and_an_event() -> None:
    case = lien_thong_case()
    assert case.agency == COMMUNE
    case, events = act(case, c.CompleteStep(note="Đã xác nhận"), COMMUNE_SPECIALIST, at(16, 9))
    step, transfer = events
    assert isinstance(step, StepCompleted)
    assert isinstance(transfer, CaseTransferred)
    assert (transfer.from_agency_code, transfer.to_agency_code) == ("BICHHAO", "SNV")
    assert (transfer.given_by, transfer.notes) == ("cv.xa.an", "Đã xác nhận")
    assert transfer.next_step.step_id == "tham-dinh-so"
    assert transfer.due_at == case.step_due[0]
    assert transfer.timeliness is Timeliness.EARLY
    row = case.handoffs[-1]
    assert (row.agency, row.next_agency, row.note) == (COMMUNE, DEPARTMENT, "Đã xác nhận")
    assert case.agency == DEPARTMENT


def test_only_the_agency_at_the_current_step_acts_and_the_desk_keeps_reading() -> None:
    case = lien_thong_case()
    with pytest.raises(Forbidden):
        act(case, c.Claim(), DEPARTMENT_SPECIALIST, at(14, 9))
    with pytest.raises(Forbidden):
        require_reader(case, DEPARTMENT_SPECIALIST)  # not there yet
    case, _ = act(case, c.CompleteStep(), COMMUNE_SPECIALIST, at(16, 9))
    with pytest.raises(Forbidden, match="Sở Nội vụ"):
        act(case, c.Claim(), COMMUNE_SPECIALIST, at(16, 10))
    require_reader(case, COMMUNE_CLERK)
    require_reader(case, DEPARTMENT_SPECIALIST)
    with pytest.raises(Forbidden):
        require_reader(case, NEIGHBOUR)
    case, events = act(case, c.CompleteStep(), DEPARTMENT_SPECIALIST, at(18, 9))
    assert [type(e) for e in events] == [StepCompleted]  # within the department: no transfer
    require_agency(case, DEPARTMENT_LEADER)


def test_the_decision_sends_the_case_back_to_the_receiving_desk() -> None:
    case = lien_thong_case()
    case, _ = act(case, c.CompleteStep(), COMMUNE_SPECIALIST, at(16, 9))
    case, _ = act(case, c.CompleteStep(), DEPARTMENT_SPECIALIST, at(18, 9))
    approve = c.Decide(outcome=Outcome.APPROVED, decision_number="12/QĐ-SNV")
    case, _ = act(case, approve, DEPARTMENT_LEADER, at(21, 9))
    assert case.agency == COMMUNE
    assert (case.handoffs[-1].agency, case.handoffs[-1].next_agency) == (DEPARTMENT, COMMUNE)
    with pytest.raises(Forbidden):
        act(case, c.HandOver(), officer("tn.so", OfficerRole.RECEPTION_CLERK, "SNV"), at(22))
    case, _ = act(case, c.HandOver(), COMMUNE_CLERK, at(22))
    assert [row.agency.code for row in case.handoffs if row.agency] == [
        "BICHHAO",
        "SNV",
        "SNV",
        "BICHHAO",
    ]


def test_each_agency_has_its_share_of_the_legal_time() -> None:
    # 17 calendar days from Monday 14/7/2025: the commune's 29 % is its 5 days (Saturday 19/7,
    # moved to Monday 21/7), the department's review ends at 70 % (12 days: Saturday 26/7 -> Monday
    # 28/7), its decision at 95 % (Thursday 31/7, the case's due day).
    case = lien_thong_case()
    local_days = [local_date(due) for due in case.step_due]
    assert local_days[0] == date(2025, 7, 21)
    assert local_days[1] == date(2025, 7, 28)
    assert local_days[2] == date(2025, 7, 31)
    assert case.step_due[-1] == case.due_at


@pytest.mark.parametrize(
    ("procedure", "legal_days", "split"),
    [
        # Procedure, legal time, and the days the law gives each agency in turn (the last one's
        # steps end with the case; its days are the rest).
        ("1.001731", 5, [("xã", 2), ("huyện", 3)]),  # 02 NLV xã + 03 NLV huyện
        ("1.010442", 12, [("xã", 5), ("huyện", 7)]),  # xã 05 ngày, huyện 07 ngày
        ("1.010803", 18, [("xã", 3), ("tỉnh", 15)]),  # xã 03 NLV (NĐ 131/2021)
        ("1.010778", 97, [("xã", 5), ("tỉnh", 92)]),  # xã 05 NLV, Sở Nội vụ 30 days, ministry
        ("LOCAL.NCC.001", 17, [("xã", 5), ("tỉnh", 12)]),  # xã 05 NLV + Sở 12 days
        ("LOCAL.NCC.004", 14, [("xã", 7), ("tỉnh", 7)]),  # each level at most 07 NLV
    ],
)
def test_each_agencys_steps_end_after_the_days_the_law_gives_it(
    procedure: str, legal_days: int, split: list[tuple[str, int]]
) -> None:
    process = load_processes().for_procedure(procedure)
    ends: dict[str, int] = {}
    # The days elapsed when each agency level's last step (before the desk's return) is due.
    for step, share in zip(process.steps[:-1], process.cumulative_shares()[:-1], strict=True):
        ends[str(step.level)] = ceil(legal_days * share / 100)
    elapsed = 0
    for level, days in split:
        elapsed += days
        assert ends[level] <= elapsed, (level, ends)
    assert ends[split[0][0]] == split[0][1]


def test_the_department_of_home_affairs_has_its_30_days_for_a_replaced_merit_certificate() -> None:
    process = load_processes().for_procedure("1.010778")
    shares = process.cumulative_shares()
    assert [ceil(97 * share / 100) for share in shares[:2]] == [5, 35]
