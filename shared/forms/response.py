"""A form as the answer of an HTTP route: a printable page, or a PDF drawn off the event loop."""

from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from shared.forms.html import render_html
from shared.forms.models import Form
from shared.forms.numbering import NumberingError
from shared.forms.pdf import render_pdf
from shared.http.errors import field_error


async def printed(form: Form, filename: str, fmt: str, date_field: str) -> Response:
    """``date_field`` names what set the form's date, for a date no form regime covers (a 422)."""
    try:
        if fmt == "html":
            return HTMLResponse(render_html(form))
        # Drawing a PDF takes ~2 s of CPU.
        pdf = await run_in_threadpool(render_pdf, form)
    except NumberingError:
        first = "21/06/2018"
        reason = f"không có mẫu biểu cho ngày trước {first} (Nghị định 61/2018/NĐ-CP)"
        raise field_error(422, date_field, reason) from None
    headers = {"Content-Disposition": f'inline; filename="{filename}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)
