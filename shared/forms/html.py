"""Forms as HTML, from one Jinja template file per form (templates/<kind>.html.j2).

The templates keep to the HTML that fpdf2's `write_html` also understands (tables whose cells hold
plain text or one inline tag, paragraphs, ordered lists, one image per cell), so that the PDF is
drawn from the same file: `render_html` wraps it in a styled page, `render_fragment` does not.
"""

import base64
from dataclasses import dataclass
from functools import cache
from io import BytesIO

import qrcode
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from qrcode.image.pil import PilImage

from shared.forms import text
from shared.forms.models import Form
from shared.forms.numbering import FormNumber, form_number


@dataclass(frozen=True)
class Heading:
    """What the top of every form shows, computed once for both outputs."""

    number: FormNumber
    date_line: str
    qr_data_uri: str | None


def heading(form: Form) -> Heading:
    issued = form.document_date()
    return Heading(
        number=form_number(form.form_kind, issued),
        date_line=text.date_line(form.agency.locality, issued),
        qr_data_uri=qr_data_uri(form.case_code) if form.case_code else None,
    )


def qr_data_uri(payload: str) -> str:
    buffer = BytesIO()
    qrcode.make(payload, image_factory=PilImage, border=1).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("shared.forms", "templates"),
        autoescape=select_autoescape(["j2", "html"]),
        undefined=StrictUndefined,  # a misspelt field fails the render instead of printing nothing
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        moment=text.moment,
        day=text.day,
        copy_kind=text.copy_kind,
        timeliness=text.timeliness,
        time_unit=text.time_unit,
    )
    return env


def render_fragment(form: Form, *, standalone: bool = False) -> str:
    template = environment().get_template(f"{form.form_kind.value}.html.j2")
    return template.render(form=form, heading=heading(form), standalone=standalone)


def render_html(form: Form) -> str:
    """The form as a complete, printable HTML page (UTF-8, Vietnamese)."""
    return render_fragment(form, standalone=True)
