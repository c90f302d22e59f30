"""What a PDF's embedded fonts can draw, and where its text stands, for the certificate
and transcript tests."""

import io

from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

# A name in each script DejaVu Sans adds to Bitstream Vera's Latin-1.
NAMES = [
    "Łucja Wiśniewska",  # Polish: Latin Extended-A
    "Nguyễn Thị Minh Khai",  # Vietnamese: Latin Extended Additional
    "Ștefan Dumitrescu",  # Romanian: Latin Extended-B (S with comma below)
    "Ελένη Παπαδοπούλου",  # Greek
    "Дмитрий Соколов",  # Cyrillic
]


def embedded_fonts(data: bytes) -> set[str]:
    """The fonts the PDF's pages use, without the subset prefix ("AAAAAA+")."""
    return {
        str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1]
        for page in PdfReader(io.BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
    }


def missing_glyphs(data: bytes, text: str) -> dict[str, str]:
    """For each font the PDF embeds, the characters of `text` it has no glyph for.

    The PDF embeds a subset of the font registered under that name with ReportLab,
    so the registered face says what the subset can hold; glyph 0 is .notdef, the box.
    """
    missing = {}
    for name in embedded_fonts(data):
        glyphs = pdfmetrics.getFont(name).face.charToGlyph
        if lacking := "".join(c for c in text if not glyphs.get(ord(c))):
            missing[name] = lacking
    return missing


def text_runs(data: bytes, page: int = 0) -> list[tuple[str, float, float, float]]:
    """(text, left x, right x, baseline y) of each string drawn on a page, in points."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
            x, y = cm[4] + tm[4], cm[5] + tm[5]
            width = pdfmetrics.stringWidth(text.strip(), name, size)
            runs.append((text.strip(), x, x + width, y))

    PdfReader(io.BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    return runs
