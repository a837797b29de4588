"""Forms as PDF: fpdf2 reads the same template file as the HTML page (see html.py).

The font must carry Vietnamese letters: DejaVu Sans from the system (Debian package
fonts-dejavu-core), never a font copied into the repository.
"""

from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace, TextStyle

from shared.forms.html import heading, render_fragment
from shared.forms.models import Form
from shared.forms.numbering import FormKind

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu"
# Each face costs ~0.6 s to parse; the templates never combine bold and italic.
_FACES = {"": "DejaVuSans", "B": "DejaVuSans-Bold", "I": "DejaVuSans-Oblique"}
BLACK = "#000000"
# fpdf2 colours headings red and sizes them for web pages; an official document is black and sober.
_TAG_STYLES: dict[str, FontFace | TextStyle] = {
    "h1": TextStyle(
        font_style="B", font_size_pt=13, color=BLACK, t_margin=4, b_margin=2, l_margin=0
    ),
    "p": TextStyle(t_margin=1, b_margin=1),
}
# The tracking book has thirteen columns: it is printed on A4 landscape in a smaller size.
_LANDSCAPE = frozenset({FormKind.TRACKING_BOOK})


def render_pdf(form: Form, font_dir: Path = FONT_DIR) -> bytes:
    """The form as a PDF document (A4; the tracking book in landscape)."""
    landscape = form.form_kind in _LANDSCAPE
    pdf = FPDF(orientation="L" if landscape else "P", format="A4")
    for style in _FACES:
        pdf.add_font(FONT, style, str(_face_file(font_dir, style)))
    title = heading(form).number.title
    pdf.set_title(f"{title} {form.case_code}" if form.case_code else title)
    pdf.set_margins(15, 12, 15)
    pdf.add_page()
    pdf.set_font(FONT, size=7 if landscape else 10)
    pdf.write_html(
        render_fragment(form),
        font_family=FONT,
        tag_styles=_TAG_STYLES,
        li_prefix_color=BLACK,
    )
    return bytes(pdf.output())


def _face_file(font_dir: Path, style: str) -> Path:
    file = font_dir / f"{_FACES[style]}.ttf"
    if style == "I" and not file.exists():
        # The oblique comes with fonts-dejavu-extra, which the service image may lack (it installs
        # fonts-dejavu-core): italics then print upright rather than failing the document.
        return font_dir / f"{_FACES['']}.ttf"
    return file
