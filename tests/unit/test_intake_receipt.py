"""The receipt (form 01) PDF reads back, in Vietnamese, with the case code and appointment."""

from datetime import datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.commands import SubmitDossier
from services.intake.entrypoints.forms import receipt_form
from services.intake.service_layer.reception import Reception
from shared.calendar import DEFAULT_CALENDAR, LOCAL_TZ
from shared.clock import ManualClock
from shared.forms import render_pdf
from tests.unit.intake_fakes import DESK_CLERK, FakeSequences, FakeUnits, dossier

pytestmark = pytest.mark.unit


async def receipt_text(received: datetime, **overrides: object) -> tuple[str, PdfReader]:
    catalogue = load_catalogue()
    reception = Reception(
        catalogue, FakeUnits(), FakeSequences(), DEFAULT_CALENDAR, ManualClock(received)
    )
    case = (
        await reception.submit(SubmitDossier.model_validate(dossier(**overrides)), None, DESK_CLERK)
    ).case
    form = receipt_form(case, catalogue.agency("DAIDONG", received))
    pdf = PdfReader(BytesIO(render_pdf(form)))
    return " ".join(page.extract_text() for page in pdf.pages), pdf


async def test_the_receipt_text_has_the_code_the_appointment_and_the_place_of_return() -> None:
    received = datetime(2026, 2, 12, 10, 5, tzinfo=LOCAL_TZ)
    agency = load_catalogue().agency("DAIDONG", received)
    text, pdf = await receipt_text(received)
    assert "DAIDONG-260212-0001" in text
    assert "26/02/2026" in text  # the appointment, after Tết
    assert "12/02/2026" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Nguyễn Thị Hoa" in text
    assert agency.place_of_return in text
    assert pdf.pages[0].images, "the QR code of the case code is drawn"
    assert "theo quy định là: 5 ngày làm việc" in text


async def test_a_calendar_day_procedure_prints_its_time_in_days() -> None:
    # 1.010778: 97 days after Friday 26/9/2025 is 1/1/2026, then 2/1 (swapped) and the weekend.
    received = datetime(2025, 9, 26, 9, 0, tzinfo=LOCAL_TZ)
    text, _ = await receipt_text(received, procedure_code="1.010778")
    assert "theo quy định là: 97 ngày" in text
    assert "97 ngày làm việc" not in text
    assert "05/01/2026" in text
