"""The transcript PDF: US Letter portrait, 25 courses a page, totals on the last page."""

import io
from xml.sax.saxutils import escape  # nosec B406  # only escapes text for ReportLab

from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.dateformat import format as date_format
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

from courses.models.content import hours_text
from courses.models.credit import credits_text
from courses.pdf.evidence import INK, MARGIN, table_style
from courses.pdf.fonts import SANS, SANS_BOLD, register_fonts
from courses.selectors.transcript import Transcript

COURSES_PER_PAGE = 25
HEADER_HEIGHT = 1.45 * inch  # at least: four lines of facts; more lines make it taller
LABEL_WIDTH = 0.8 * inch
VALUE_WIDTH = LETTER[0] - 2 * MARGIN - LABEL_WIDTH
LINE = 13
NOTE_SIZE = 8

_cell = ParagraphStyle("cell", fontName=SANS, fontSize=8, leading=10)
_total = ParagraphStyle("total", fontName=SANS_BOLD, fontSize=11, leading=15)
_note = ParagraphStyle("note", fontName=SANS, fontSize=8, leading=10, textColor=colors.grey)


def _date(value) -> str:
    return date_format(value, "M j, Y") if value else ""


def period_text(transcript: Transcript) -> str:
    if transcript.start and transcript.end:
        return f"{_date(transcript.start)} to {_date(transcript.end)}"
    if transcript.start:
        return f"from {_date(transcript.start)}"
    if transcript.end:
        return f"up to {_date(transcript.end)}"
    return "All completed courses"


def license_text(license) -> str:
    parts = [license.type_display, license.number, license.get_state_display()]
    return " · ".join(part for part in parts if part)


def _facts(transcript: Transcript, issued) -> list[tuple[str, str, bool]]:
    """The header's (label, line, is_note) rows: one license a line and long values
    wrapped to the page, each label on its first line only."""
    licenses = transcript.licenses_shown
    groups = [
        ("Learner", [transcript.learner.full_name]),
        (
            "Licenses" if len(licenses) > 1 else "License",
            [license_text(lic) for lic in licenses] or ["No license on file"],
        ),
        # A note, unlabelled: each certificate states the name and licenses at its issue.
        (
            None,
            [
                f"Name and license{pluralize(licenses)} as on file on {_date(issued)}. Where "
                "a certificate states others, its row shows them as certified."
            ],
        ),
        ("Period", [period_text(transcript)]),
        ("Issued", [_date(issued)]),
    ]
    facts = []
    for label, values in groups:
        size = NOTE_SIZE if label is None else 9
        lines = [line for v in values for line in simpleSplit(v, SANS, size, VALUE_WIDTH)]
        facts += [(label if i == 0 else "", line, label is None) for i, line in enumerate(lines)]
    return facts


def _total_text(hours, courses: int) -> str:
    """'1 CE hour (1 course)', '4.5 CE hours (2 courses)'."""
    return f"{hours_text(hours)} CE hour{pluralize(hours)} ({courses} course{pluralize(courses)})"


class _NumberedCanvas(canvas.Canvas):
    """Holds pages back until the end, so each one can say 'Page 2 of 3'."""

    footer = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(SANS, 8)
            self.setFillColor(colors.grey)
            self.drawString(MARGIN, 0.5 * inch, self.footer)
            self.drawRightString(
                LETTER[0] - MARGIN, 0.5 * inch, f"Page {self._pageNumber} of {len(self._pages)}"
            )
            super().showPage()
        super().save()


def _course_cell(title: str, as_certified: list[str]) -> Paragraph:
    """The course's title; below it, in grey, what the certificate states that differs
    from the header."""
    text = escape(title)
    if as_certified:
        stated = escape(f"As certified: {' · '.join(as_certified)}")
        text += f'<br/><font color="grey" size="7">{stated}</font>'
    return Paragraph(text, _cell)


def _table(certificates, as_certified, provider_name) -> Table:
    # Every row is this provider's (the page header names it); a row says so only where
    # its certificate was issued under another name.
    header = ["Course", "CE hours", "Credit types", "Completed", "Certificate code"]
    rows = [
        [
            _course_cell(
                c.course_title,
                as_certified(c)
                + ([f"issued by {c.provider_name}"] if c.provider_name != provider_name else []),
            ),
            hours_text(c.ce_hours),
            Paragraph(
                credits_text(((escape(k["type"]), k["hours"]) for k in c.ce_credits), "<br/>"),
                _cell,
            ),
            _date(c.completed_on),
            c.code,
        ]
        for c in certificates
    ]
    table = Table(
        [header, *rows],
        colWidths=[2.6 * inch, 0.65 * inch, 1.6 * inch, 0.9 * inch, 1.25 * inch],
        repeatRows=1,
    )
    table.setStyle(
        table_style(
            ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.grey),
            padding=3,
        )
    )
    return table


def render_transcript_pdf(transcript: Transcript, *, provider_name: str, verify_url: str) -> bytes:
    register_fonts()
    learner = transcript.learner
    facts = _facts(transcript, timezone.localdate())

    def header(pdf: canvas.Canvas, doc) -> None:
        top = LETTER[1] - MARGIN
        pdf.setFillColor(INK)
        pdf.setFont(SANS_BOLD, 16)
        pdf.drawString(MARGIN, top - 14, "Continuing education transcript")
        pdf.setFont(SANS, 9)
        pdf.drawRightString(LETTER[0] - MARGIN, top - 12, provider_name)
        pdf.setFillColor(colors.black)
        y = top - 34
        for label, line, is_note in facts:
            if label:
                pdf.setFont(SANS_BOLD, 9)
                pdf.drawString(MARGIN, y, label)
            pdf.setFont(SANS, NOTE_SIZE if is_note else 9)
            pdf.setFillColor(colors.grey if is_note else colors.black)
            pdf.drawString(MARGIN + LABEL_WIDTH, y, line)
            pdf.setFillColor(colors.black)
            y -= LINE

    class Canvas(_NumberedCanvas):
        footer = f"Verify any certificate at {verify_url}"

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + max(HEADER_HEIGHT, 34 + LINE * len(facts) + 18),
        bottomMargin=MARGIN + 0.1 * inch,
        title=f"CE transcript: {learner.full_name}",
        author=provider_name,
        subject=period_text(transcript),
        initialFontName=SANS,  # else every page also references Helvetica
    )
    story = []
    rows = transcript.credited
    pages = [rows[i : i + COURSES_PER_PAGE] for i in range(0, len(rows), COURSES_PER_PAGE)]
    for number, page in enumerate(pages, start=1):
        story.append(_table(page, transcript.as_certified, provider_name))
        if number < len(pages):
            story.append(PageBreak())
    if not pages:
        story.append(Paragraph("No completed courses in this period.", _cell))
    hours = _total_text(transcript.period_hours, transcript.period_courses)
    story += [
        Spacer(1, 0.2 * inch),
        Paragraph(
            f"Total for this period: {hours}" if transcript.has_period else f"Total: {hours}",
            _total,
        ),
    ]
    if credits := transcript.period_credits:
        story.append(Paragraph(f"By credit type: {escape(credits)}", _cell))
    if transcript.has_period:
        story.append(
            Paragraph(
                f"All-time total: {_total_text(transcript.total_hours, transcript.total_courses)}",
                _cell,
            )
        )
    story += [
        Spacer(1, 0.1 * inch),
        Paragraph(
            f"Only valid certificates {escape(provider_name)} issued are listed and counted; a "
            "revoked certificate, or one replaced by a reissue, is not. Credit the learner "
            "reported from other providers is not listed.",
            _note,
        ),
    ]
    doc.build(story, onFirstPage=header, onLaterPages=header, canvasmaker=Canvas)
    return buffer.getvalue()
