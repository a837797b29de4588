"""Pictures of the example forms for the docs: `python -m shared.forms.pictures docs/forms`.

The HTML page of each example (2025 numbering) is screenshot by headless Chromium at A4 size and
scaled to 60 dpi; the PDF is not rasterised because no PDF rasteriser is installed here.
"""

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from PIL import Image

from shared.forms.examples import example_forms
from shared.forms.html import render_html
from shared.forms.numbering import form_number

CHROMIUM = "/usr/bin/chromium"
EXAMPLE_DAY = date(2025, 10, 20)
A4_PX = (794, 1123)  # 210 x 297 mm at the browser's 96 dpi
SCALE = 60 / 96


def main(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for kind, form in example_forms(EXAMPLE_DAY).items():
            page = Path(scratch) / f"{kind.value}.html"
            page.write_text(render_html(form), encoding="utf-8")
            number = form_number(kind, EXAMPLE_DAY).number
            picture = target / f"{number}-{kind.value.replace('_', '-')}.png"
            landscape = kind.value == "tracking_book"
            _screenshot(page, picture, A4_PX[::-1] if landscape else A4_PX)
            print(picture)


def _screenshot(page: Path, picture: Path, size: tuple[int, int]) -> None:
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={picture}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with Image.open(picture) as shot:
        small = shot.convert("L").resize(
            (round(size[0] * SCALE), round(size[1] * SCALE)), Image.Resampling.LANCZOS
        )
    # Sixteen greys are enough for black print on white and keep each picture small.
    small.quantize(colors=16).save(picture, optimize=True)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/forms"))
