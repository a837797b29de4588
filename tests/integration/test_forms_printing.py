"""Forms 01-07 printed by the services, over HTTP, as PDF (read back for their mandatory fields)
and as HTML; only the case's agency prints them."""

import re
from io import BytesIO

import httpx
import pytest
from pypdf import PdfReader

from tests.integration.intake_support import CLERK
from tests.integration.test_statuses_walk import (
    LEADER,
    SPECIALIST,
    Services,
    in_workflow,
    online,
    post,
    received,
    services,
)
from tests.tokens import bearer
from tests.unit.intake_fakes import MISSING, dossier, july
from tests.unit.test_intake_applicants import REPRESENTATIVE

pytestmark = pytest.mark.integration
__all__ = ["services"]  # the fixture, shared with the walk through statuses

ELSEWHERE = bearer("reception_clerk", "TCH.THANHLAM", "tn.khac")


async def pdf_text(client: httpx.AsyncClient, path: str, who: dict[str, str]) -> str:
    response = await client.get(path, headers=who)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)


async def test_the_desk_prints_forms_01_and_03(services: Services) -> None:
    s = services
    accepted, refused = await online(s), await online(s)
    on_hold = await s.intake.get(f"/cases/{accepted}/receipt.pdf", headers=CLERK)
    assert on_hold.status_code == 409, on_hold.text  # not received yet: no receipt
    await post(s, s.intake, f"/cases/{accepted}/acceptance", CLERK)
    receipt = await pdf_text(s.intake, f"/cases/{accepted}/receipt?format=pdf", CLERK)
    for field in (accepted, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Nguyễn Thị Hoa"):
        assert field in receipt
    page = await s.intake.get(f"/cases/{accepted}/receipt", headers=CLERK)
    assert page.headers["content-type"].startswith("text/html") and accepted in page.text

    reasons = {"reasons": ["Thủ tục không thuộc thẩm quyền của xã"]}
    await post(s, s.intake, f"/cases/{refused}/refusal", CLERK, reasons)
    refusal = await pdf_text(s.intake, f"/cases/{refused}/refusal.pdf", CLERK)
    for field in ("PHIẾU TỪ CHỐI", "Thủ tục không thuộc thẩm quyền của xã", "Nguyễn Thị Hoa"):
        assert field in refusal
    foreign = await s.intake.get(f"/cases/{refused}/refusal.pdf", headers=ELSEWHERE)
    assert foreign.status_code == 403


async def test_the_workflow_prints_forms_02_04_05_06_and_07(services: Services) -> None:
    s = services
    waiting, resolved = await received(s), await received(s)
    await post(s, s.workflow, f"/cases/{waiting}/claim", SPECIALIST)
    s.clock.set(july(15, 9))
    supplement = {
        "reasons": ["Bản sao chưa chứng thực"],
        "missing_documents": [MISSING.model_dump()],
    }
    await post(s, s.workflow, f"/cases/{waiting}/supplement-requests", SPECIALIST, supplement)
    form_02 = await pdf_text(s.workflow, f"/cases/{waiting}/supplement-request.pdf", SPECIALIST)
    assert MISSING.name in form_02 and "Bản sao chưa chứng thực" in form_02
    apology = {"reason": "Cần xác minh tại địa phương", "new_due_at": "2025-07-31T10:00:00Z"}
    await post(s, s.workflow, f"/cases/{waiting}/apology", LEADER, apology)
    form_04 = await pdf_text(s.workflow, f"/cases/{waiting}/apology?format=pdf", LEADER)
    assert "Cần xác minh tại địa phương" in form_04 and "31/07/2025" in form_04
    await post(s, s.workflow, f"/cases/{waiting}/stop", LEADER, {"reason": "Hồ sơ giả mạo"})
    form_05 = await pdf_text(s.workflow, f"/cases/{waiting}/stop-notice.pdf", LEADER)
    assert "Hồ sơ giả mạo" in form_05 and waiting in form_05

    await in_workflow(s, resolved)
    s.clock.set(july(16, 9))
    await post(s, s.workflow, f"/cases/{resolved}/steps/complete", SPECIALIST, {"note": "Đủ"})
    decision = {"outcome": "approved", "decision_number": "7/QĐ-UBND"}
    await post(s, s.workflow, f"/cases/{resolved}/decision", LEADER, decision)
    await post(s, s.workflow, f"/cases/{resolved}/handover", CLERK, {"note": "Đã nhận kết quả"})
    form_06 = await pdf_text(s.workflow, f"/cases/{resolved}/control-slip.pdf", CLERK)
    for field in ("cv.minh", "ld.hung", "tn.lan", "Đã nhận kết quả", "Trước hạn"):
        assert field in form_06
    foreign = await s.workflow.get(f"/cases/{resolved}/control-slip.pdf", headers=ELSEWHERE)
    assert foreign.status_code == 403

    period = "from=2025-07-01&to=2025-07-31"
    book = await pdf_text(s.workflow, f"/cases/tracking-book?{period}&format=pdf", CLERK)
    assert waiting in book and resolved in book
    backwards = await s.workflow.get(
        "/cases/tracking-book?from=2025-07-31&to=2025-07-01", headers=CLERK
    )
    assert backwards.status_code == 422


async def test_form_02_names_the_representative_who_submitted_the_dossier(
    services: Services,
) -> None:
    """Received at the desk with a representative: the workflow's record keeps them from
    case-submitted, and its form 02 prints them as the receipt (form 01) does."""
    s = services
    s.clock.set(july(14, 9))
    body = dossier(representative=REPRESENTATIVE)
    code = str((await post(s, s.intake, "/cases", CLERK, body))["code"])
    await in_workflow(s, code)
    await post(s, s.workflow, f"/cases/{code}/claim", SPECIALIST)
    s.clock.set(july(15, 9))
    supplement = {"reasons": ["Thiếu bản chính"], "missing_documents": [MISSING.model_dump()]}
    await post(s, s.workflow, f"/cases/{code}/supplement-requests", SPECIALIST, supplement)
    page = await s.workflow.get(f"/cases/{code}/supplement-request", headers=SPECIALIST)
    assert page.status_code == 200, page.text
    text = " ".join(re.sub(r"<[^>]+>", "", page.text).split())
    assert "Hồ sơ của: Nguyễn Thị Hoa" in text
    assert (
        f"Người được ủy quyền nộp hồ sơ: {REPRESENTATIVE['full_name']}, số định danh cá nhân: "
        f"{REPRESENTATIVE['id_number']}" in text
    )
