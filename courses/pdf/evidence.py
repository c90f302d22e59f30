"""Staff PDFs for boards and auditors: a course's hours justification (one page), and
the evidence behind one certificate. Neither shows a correct answer."""

import io
from xml.sax.saxutils import escape  # nosec B406  # only escapes text for ReportLab

from django.utils import timezone
from django.utils.dateformat import format as date_format
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from courses.pdf.fonts import SANS, SANS_BOLD, register_fonts
from courses.selectors.evidence import (
    HOURS_HEADER,
    MINUTES_PER_QUESTION,
    Evidence,
    HoursJustification,
)

MARGIN = 0.75 * inch
WIDTH = LETTER[0] - 2 * MARGIN
INK = colors.HexColor("#1d3557")

_title = ParagraphStyle("title", fontName=SANS_BOLD, fontSize=15, leading=19, textColor=INK)
_heading = ParagraphStyle(
    "heading", fontName=SANS_BOLD, fontSize=10.5, leading=14, textColor=INK, spaceBefore=10
)
_text = ParagraphStyle("text", fontName=SANS, fontSize=9, leading=12)
_cell = ParagraphStyle("cell", fontName=SANS, fontSize=8, leading=10)
_warning = ParagraphStyle(
    "warning", fontName=SANS_BOLD, fontSize=9, leading=12, textColor=colors.HexColor("#9a3412")
)


def _when(value) -> str:
    return date_format(timezone.localtime(value), "M j, Y, g:i a") if value else "–"


def _p(text, style=_text) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def table_style(*commands, padding=2) -> TableStyle:
    """The tables of these reports and the transcript: a white-on-ink header over striped rows."""
    return TableStyle(
        [
            ("FONT", (0, 0), (-1, 0), SANS_BOLD, 8),
            ("FONT", (0, 1), (-1, -1), SANS, 8),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("BACKGROUND", (0, 0), (-1, 0), INK),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f5f9")]),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), padding),
            ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
            *commands,
        ]
    )


def _table(header, rows, widths, *, numeric=()) -> Table:
    # Text wraps in its column; figures stay plain strings, so ALIGN can right-align them.
    body = [
        [cell if column in numeric else _p(cell, _cell) for column, cell in enumerate(row)]
        for row in rows
    ]
    table = Table([header, *body], colWidths=widths, repeatRows=1)
    table.setStyle(table_style(*[("ALIGN", (c, 0), (c, -1), "RIGHT") for c in numeric]))
    return table


def _facts(pairs) -> Table:
    """Label and value rows; a list value prints one item a line."""
    table = Table(
        [
            [
                _p(label, _cell),
                Paragraph("<br/>".join(escape(str(item)) for item in value), _cell)
                if isinstance(value, list)
                else _p(value, _cell),
            ]
            for label, value in pairs
        ],
        colWidths=[2.1 * inch, WIDTH - 2.1 * inch],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), SANS_BOLD, 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _opening(title: str, facts) -> list:
    """A report's title and its facts table, to start its story."""
    register_fonts()  # before any Paragraph names the fonts
    return [_p(title, _title), Spacer(1, 6), _facts(facts)]


def _build(story, *, title: str, provider_name: str) -> bytes:
    buffer = io.BytesIO()
    generated = date_format(timezone.localdate(), "M j, Y")

    def footer(pdf, doc):
        pdf.setFont(SANS, 7.5)
        pdf.setFillColor(colors.grey)
        pdf.drawString(MARGIN, 0.5 * inch, f"{provider_name} · {title} · generated {generated}")
        pdf.drawRightString(LETTER[0] - MARGIN, 0.5 * inch, f"Page {doc.page}")

    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=provider_name,
        initialFontName=SANS,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def render_hours_pdf(hours: HoursJustification, *, provider_name: str) -> bytes:
    """One page: the content per section, the estimate, and the hours awarded."""
    course, total = hours.course, hours.total
    title = f"Hours justification: {course.title}"
    story = _opening(
        title,
        [
            ("CE hours awarded", course.ce_hours_display),
            (
                "Estimated study time",
                f"{hours.study_hours} hours ({hours.study_minutes:.0f} minutes)",
            ),
            ("Words in the sections", f"{total.words:,}"),
            ("Reading rate", f"{hours.rate} words per minute"),
            ("Audio", f"{total.audio_minutes:.1f} minutes"),
            ("Booklet questions", f"{total.questions}, at {MINUTES_PER_QUESTION} minutes each"),
        ],
    )
    if hours.exceeds:
        story.append(
            _p(
                f"The CE hours exceed the estimate by more than {hours.margin_percent}% "
                f"(at most {hours.hours_limit} hours are supported).",
                _warning,
            )
        )
    story += [
        _p("Content per section", _heading),
        _table(
            HOURS_HEADER,
            hours.rows(),
            [3.1 * inch, 0.8 * inch, 1.2 * inch, 1.1 * inch, 0.8 * inch],
            numeric=(1, 2, 3, 4),
        ),
        Spacer(1, 6),
        _p(
            "Estimated study time: for each section, its words at the reading rate or its "
            "audio, whichever is longer (the audio narrates the text), plus the booklet's "
            "questions.",
            _cell,
        ),
    ]
    return _build(story, title=title, provider_name=provider_name)


def render_evidence_pdf(evidence: Evidence, *, provider_name: str) -> bytes:
    """The record behind one certificate, for an auditor."""
    certificate = evidence.certificate
    enrollment = evidence.enrollment
    title = f"Evidence behind certificate {certificate.code}"
    licenses = certificate.licenses_stated
    claimed = evidence.claimed_minutes
    story = _opening(
        title,
        [
            ("Learner", certificate.learner_name),
            ("Licenses" if len(licenses) > 1 else "License", licenses or "None on file"),
            ("Course", f"{certificate.course_title} ({certificate.ce_hours_display} CE hours)"),
            (
                "Certificate",
                f"{certificate.get_status_display()}, issued {_when(certificate.issued_at)}",
            ),
            ("Enrolled", _when(enrollment.enrolled_at)),
            ("Passed", _when(enrollment.passed_at)),
            ("Completed", _when(enrollment.completed_at)),
            ("Time tracked", f"{evidence.tracked_minutes} minutes on the course"),
            ("Time claimed", "–" if claimed is None else f"{claimed} minutes in the evaluation"),
        ],
    )
    story += [
        _p(f"Sections read ({evidence.sections_read} of {len(evidence.sections)})", _heading),
        _table(
            ["Section", "Read", "How", "Minutes tracked"],
            [
                [
                    f"Section {s.number}: {s.title}",
                    _when(s.read_at) if s.read_at else "Not read",
                    ("Self-declared" if s.self_declared else "Time measured") if s.read_at else "",
                    f"{s.minutes:.1f}",
                ]
                for s in evidence.sections
            ],
            [2.8 * inch, 1.7 * inch, 1.2 * inch, 1.3 * inch],
            numeric=(3,),
        ),
        _p("Attempts at the answer booklet", _heading),
        _table(
            ["Attempt", "Started", "Submitted", "Minutes", "Score", "Result"],
            [
                [
                    str(a.number),
                    _when(a.started_at),
                    _when(a.submitted_at),
                    "–" if a.duration_minutes is None else str(a.duration_minutes),
                    "–"
                    if a.score is None
                    else f"{a.score}% ({a.correct_count} of {a.question_count})",
                    "In progress" if a.passed is None else ("Passed" if a.passed else "Not passed"),
                ]
                for a in evidence.attempts
            ],
            [0.7 * inch, 1.6 * inch, 1.6 * inch, 0.7 * inch, 1.3 * inch, 1.1 * inch],
            numeric=(3,),
        ),
    ]
    evaluation = evidence.evaluation
    if evaluation:
        story += [
            _p(f"Evaluation, submitted {_when(evaluation.submitted_at)}", _heading),
            _table(
                ["Statement", "Rating (1–5)"],
                [[rating.item_text, str(rating.rating)] for rating in evidence.ratings],
                [5.8 * inch, 1.0 * inch],
                numeric=(1,),
            ),
        ]
        if evaluation.comments:
            story.append(_p(f"Comments: {evaluation.comments}", _cell))
    story.append(
        KeepTogether(
            [
                _p("Certificate events", _heading),
                _table(
                    ["When", "Event", "By", "Note"],
                    [
                        [_when(e.at), e.get_kind_display(), str(e.actor or "–"), e.note]
                        for e in evidence.events
                    ],
                    [1.7 * inch, 1.2 * inch, 1.5 * inch, 2.4 * inch],
                ),
            ]
        )
    )
    return _build(story, title=title, provider_name=provider_name)
