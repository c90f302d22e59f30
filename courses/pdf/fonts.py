"""Fonts embedded in every PDF, so certificates print the same everywhere.

DejaVu Sans is Bitstream Vera (which ReportLab ships) extended to Latin Extended
A/B and Additional (Vietnamese), Greek and Cyrillic, so clinicians' names print as
they write them. The two faces the PDFs use live in fonts/ beside this module, with
their licence, so rendering never depends on the machine's fonts. ReportLab embeds
only the glyphs a document uses, so a certificate stays about as small as with Vera.
"""

from functools import cache
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
# No italic faces: nothing uses them, and without a mapping a stray <i> fails loudly
# instead of printing upright.


@cache
def register_fonts() -> None:
    # Streams only deflated, not also ASCII85-armoured: a quarter smaller and faster.
    rl_config.useA85 = 0
    for name in (SANS, SANS_BOLD):
        pdfmetrics.registerFont(TTFont(name, FONT_DIR / f"{name}.ttf"))
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
