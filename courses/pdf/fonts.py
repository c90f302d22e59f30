"""Fonts embedded in every PDF, so certificates print the same everywhere.

DejaVu Sans is Bitstream Vera (which ReportLab ships) extended to Latin Extended
A/B and Additional (Vietnamese), Greek and Cyrillic, so clinicians' names print as
they write them. The two faces the PDFs use live in fonts/ beside this module, with
their licence, so rendering never depends on the machine's fonts.
"""

import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
# No italic faces: nothing uses them, and without a mapping a stray <i> fails loudly
# instead of printing upright.

# Invisible or unassigned: control, format (bidi marks, zero-width joiners, soft
# hyphen), private use, surrogate, unassigned, line and paragraph separators.
_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
# Right-to-left letters: ReportLab lays text out left to right, with no bidi
# reordering or Arabic joining, so Hebrew or Arabic would print reversed and unjoined.
_RIGHT_TO_LEFT = {"R", "AL"}


@cache
def register_fonts() -> None:
    # Streams only deflated, not also ASCII85-armoured: smaller and quicker to write.
    rl_config.useA85 = 0
    for name in (SANS, SANS_BOLD):
        pdfmetrics.registerFont(TTFont(name, FONT_DIR / f"{name}.ttf"))
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)


@cache
def _printable_code_points() -> frozenset[int]:
    """Code points that both faces draw: a name may be set in either."""
    register_fonts()
    regular, bold = (pdfmetrics.getFont(name).face.charToGlyph for name in (SANS, SANS_BOLD))
    return frozenset(regular).intersection(bold)


def unprintable_characters(text: str) -> list[str]:
    """The characters of `text` a PDF would drop, garble or leave blank, once each, in order.

    Takes text as it will be stored (NFC), where "ễ" is one character the font has,
    not "e" plus two combining marks.
    """
    printable = _printable_code_points()
    bad = (
        char
        for char in text
        if ord(char) not in printable
        or unicodedata.category(char) in _INVISIBLE
        or unicodedata.bidirectional(char) in _RIGHT_TO_LEFT
    )
    return list(dict.fromkeys(bad))


# Wrapped text (a Paragraph) takes these as spaces; a single line would print them as gaps.
_LINE_BREAKS = "\t\n\r"


def certificate_text(
    value: str, *, subject: str = "", hint: str = "", line_breaks: bool = False
) -> str:
    """`value` as a certificate prints it, or a ValidationError naming what it cannot print.

    NFC first: text typed as "e" plus combining marks is stored as the one letter "ễ"
    that the font draws, rather than marks stacked by guesswork. `subject` names the
    field in the message ("The course title: certificates cannot print ..."), for
    models whose errors may be read away from the field; `line_breaks` allows line
    breaks and tabs in text that is wrapped as a paragraph.
    """
    value = unicodedata.normalize("NFC", value)
    bad = unprintable_characters(value)
    if line_breaks:
        bad = [c for c in bad if c not in _LINE_BREAKS]
    if bad:
        # Invisible characters (bidi marks, zero-width joiners) are named by code point.
        shown = ", ".join(f'"{c}"' if c.isprintable() else f"U+{ord(c):04X}" for c in bad[:10])
        if len(bad) > 10:  # a pasted paragraph would otherwise list thousands
            shown += f" and {len(bad) - 10} more"
        message = (
            "%(subject)s: certificates cannot print %(characters)s."
            if subject
            else "Certificates cannot print %(characters)s."
        )
        raise ValidationError(
            " ".join(filter(None, [message, hint])),
            code="unprintable",
            params={"subject": subject, "characters": shown},
        )
    return value
