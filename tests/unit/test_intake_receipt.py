"""The receipt (form 01) PDF reads back, in Vietnamese, with the case code and appointment."""

from datetime import datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from services.intake.adapters.receipt_pdf import render_receipt
from services.intake.domain.catalogue_loading import load_catalogue
from services.intake.domain.commands import SubmitDossier
from services.intake.service_layer.reception import Reception
from shared.calendar import DEFAULT_CALENDAR, LOCAL_TZ
from shared.clock import ManualClock
from tests.unit.intake_fakes import FakeCases, FakeSequences, dossier

pytestmark = pytest.mark.unit


async def test_the_receipt_text_has_the_code_the_appointment_and_the_place_of_return() -> None:
    catalogue = load_catalogue()
    received = datetime(2026, 2, 12, 10, 5, tzinfo=LOCAL_TZ)
    reception = Reception(
        catalogue, FakeCases(), FakeSequences(), DEFAULT_CALENDAR, ManualClock(received)
    )
    case = (await reception.submit(SubmitDossier.model_validate(dossier()), None)).case
    agency = catalogue.agency("DAIDONG", received)

    pdf = PdfReader(BytesIO(render_receipt(case, agency)))

    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "DAIDONG-260212-0001" in text
    assert "26/02/2026" in text  # the appointment, after Tết
    assert "12/02/2026" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Nguyễn Thị Hoa" in text
    assert agency.place_of_return in text
    assert pdf.pages[0].images, "the QR code of the case code is drawn"
