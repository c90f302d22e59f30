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
    return [(text, left, right, y) for text, left, right, y, *_ in _strings(data, page)]


def text_boxes(data: bytes, page: int = 0) -> list[tuple[str, float, float, float, float]]:
    """(text, left, bottom, right, top) of each string drawn on a page, in points: its
    advance width, and its baseline less the font's descent and plus its ascent."""
    boxes = []
    for text, left, right, y, name, size in _strings(data, page):
        face = pdfmetrics.getFont(name).face
        boxes.append(
            (text, left, y + face.descent * size / 1000, right, y + face.ascent * size / 1000)
        )
    return boxes


def _strings(data, page):
    strings, pen = [], None  # where the string before ended, if its line goes on

    def visit(text, cm, tm, font, size):
        nonlocal pen
        if not (text.strip() and font):
            return
        name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
        # Text matrix then transformation matrix, neither rotated nor skewed here.
        x, y = cm[0] * tm[4] + cm[4], cm[3] * tm[5] + cm[5]
        size *= cm[0] * tm[0]
        if pen and pen[1] == y:
            # pypdf gives a string drawn on along a line the line's start.
            x = pen[0] + pdfmetrics.stringWidth(text[: len(text) - len(text.lstrip())], name, size)
        right = x + pdfmetrics.stringWidth(text.strip(), name, size)
        strings.append((text.strip(), x, right, y, name, size))
        pen = None if text.endswith("\n") else (right, y)

    PdfReader(io.BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    return strings
