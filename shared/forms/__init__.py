"""The one-stop forms 01-07 (receipt to tracking book) as HTML and PDF, numbered by dated rules.

`render_html(form)` and `render_pdf(form)` take any of the models of `shared.forms.models`; the
form number and title printed come from numbering.yaml for the form's document date.
"""

from shared.forms.html import render_html
from shared.forms.models import (
    FORM_ADAPTER,
    ApologyForm,
    ControlSlipForm,
    Form,
    ReceiptForm,
    RefusalForm,
    StopNoticeForm,
    SupplementRequestForm,
    TrackingBookForm,
)
from shared.forms.numbering import FormKind, FormNumber, NumberingError, form_number
from shared.forms.pdf import render_pdf

__all__ = [
    "FORM_ADAPTER",
    "ApologyForm",
    "ControlSlipForm",
    "Form",
    "FormKind",
    "FormNumber",
    "NumberingError",
    "ReceiptForm",
    "RefusalForm",
    "StopNoticeForm",
    "SupplementRequestForm",
    "TrackingBookForm",
    "form_number",
    "render_html",
    "render_pdf",
]
