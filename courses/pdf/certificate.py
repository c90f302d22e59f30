"""The certificate of completion: one landscape US Letter page, drawn from the snapshot.

Everything on the page comes from the Certificate row (including the file names of
the provider's signature and logo at issue time), and the PDF is written in
ReportLab's invariant mode with the issue time as its date, so the same certificate
always renders the same bytes.
"""

import hashlib
import logging
from datetime import UTC
from io import BytesIO
from itertools import groupby
from xml.sax.saxutils import escape  # nosec B406  # only escapes text for ReportLab

import qrcode
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepInFrame, Paragraph

from courses.models import Certificate

from .fonts import SANS, SANS_BOLD, register_fonts, unprintable_characters

logger = logging.getLogger(__name__)

PAGE_WIDTH, PAGE_HEIGHT = PAGE_SIZE = landscape(letter)  # 792 x 612 pt
NAVY = colors.HexColor("#1d3557")
GOLD = colors.HexColor("#a8834b")
GREY = colors.HexColor("#4a5563")
RED = colors.HexColor("#9b1c1c")
MARGIN = 54  # text stays this far inside the page edge
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 80
LICENSE_GAP = "   |   "
FOOTER_TOP = 150  # the signature, code and QR live below this line
# A rendered certificate is kept this long in the "documents" cache (Redis in production).
PDF_CACHE_TIMEOUT = 24 * 60 * 60


def certificate_qr_payload(certificate: Certificate) -> str:
    """The public verification URL that the QR code encodes."""
    return settings.SITE_URL.rstrip("/") + reverse("verify_code", kwargs={"code": certificate.code})


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR code's modules, dark = True, without the quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(payload, optimize=0)
    code.make(fit=True)
    return code.get_matrix()


def _draw_qr(canvas, payload, x, y, size):
    """The QR code as one vector path: a rectangle per run of dark modules."""
    matrix = qr_matrix(payload)
    module = size / len(matrix)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        for dark, run in groupby(row):
            length = len(list(run))
            if dark:
                path.rect(x + c * module, y + size - (r + 1) * module, length * module, module)
            c += length
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)


def _date(value) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def _centred(canvas, text, y, font, size, color=colors.black, max_width=TEXT_WIDTH) -> float:
    """Draw `text` centred on the page from the baseline `y`; return its last line's baseline."""
    canvas.setFillColor(color)
    return _draw_text(canvas, text, PAGE_WIDTH / 2, y, font, size, max_width)


def _draw_text(
    canvas, text, x, y, font, size, width, *, centred=True, smallest=8, wrap=14, cut=False
) -> float:
    """Draw `text` centred on `x` (or from it) from the baseline `y`, no wider than `width`;
    return its last line's baseline.

    A long line shrinks to fit, down to `smallest`, as issued certificates print it. One
    longer still is `cut` short at an ellipsis, or else wraps in type of at most `wrap`,
    a word too long for a line breaking inside it."""
    fitted = size
    while fitted > smallest and stringWidth(text, font, fitted) > width:
        fitted -= 0.5
    lines, too_long = [text], stringWidth(text, font, fitted) > width
    if too_long and cut:
        while stringWidth(text + "…", font, fitted) > width:
            text = text[:-1]
        lines = [text.rstrip() + "…"]
    elif too_long:
        fitted = min(size, wrap)
        lines = [
            piece
            for line in simpleSplit(text, font, fitted, width)
            for piece in _break_word(line, font, fitted, width)
        ]
    canvas.setFont(font, fitted)
    draw = canvas.drawCentredString if centred else canvas.drawString
    leading = fitted * 1.2
    for i, line in enumerate(lines):
        draw(x, y - i * leading, line)
    return y - (len(lines) - 1) * leading


def _break_word(line, font, size, width) -> list[str]:
    """`line` in pieces no wider than `width`: more than one only for a line of one word
    too long for it. (ReportLab's textsplit.wordSplit lets punctuation hang past `width`.)"""
    pieces = [""]
    for char in line:
        if pieces[-1] and stringWidth(pieces[-1] + char, font, size) > width:
            pieces.append("")
        pieces[-1] += char
    return pieces


def _paragraph(canvas, markup, style, x, top, width) -> float:
    """Draw a wrapped paragraph whose top is at `top`; return where it ends."""
    paragraph = Paragraph(markup, style)
    _, height = paragraph.wrap(width, PAGE_HEIGHT)
    paragraph.drawOn(canvas, x, top - height)
    return top - height


def _draw_image(canvas, name, x, y, width, height, anchor):
    if not name:
        return
    try:
        with default_storage.open(name, "rb") as f:
            image = ImageReader(BytesIO(f.read()))
    except OSError:
        # A missing image must not stop a learner getting their certificate.
        logger.warning("Certificate image %s is missing from storage", name)
        canvas.missing_images.append(name)
        return
    canvas.drawImage(
        image, x, y, width, height, preserveAspectRatio=True, anchor=anchor, mask="auto"
    )


def _draw_frame(canvas):
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(3)
    canvas.rect(18, 18, PAGE_WIDTH - 36, PAGE_HEIGHT - 36)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    canvas.rect(26, 26, PAGE_WIDTH - 52, PAGE_HEIGHT - 52)


def _draw_reissue_mark(canvas, certificate):
    # Top right, clear of the title: inside the frame, above and beside it.
    width, height = 130, 46
    x, y = PAGE_WIDTH - 40 - width, PAGE_HEIGHT - 40 - height
    centre = x + width / 2
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(1.2)
    canvas.roundRect(x, y, width, height, 4)
    canvas.setFillColor(RED)
    canvas.setFont(SANS_BOLD, 12)
    canvas.drawCentredString(centre, y + 30, "REISSUED")
    canvas.setFont(SANS, 7)
    canvas.drawCentredString(centre, y + 18, _date(timezone.localdate(certificate.issued_at)))
    canvas.drawCentredString(centre, y + 8, f"replaces {certificate.reissue_of.code}")


def _draw_approvals(canvas, certificate, top, bottom):
    """The boards' approval statements, in the largest type that fits the space."""
    items = [
        f"<b>{escape(a['board'])}</b>"
        + (f" · Provider {escape(a['provider_number'])}" if a.get("provider_number") else "")
        + f". {escape(a['statement'])}"
        for a in certificate.approvals
    ]
    _draw_fitted(
        canvas, items, top, bottom, sizes=(9, 8.5, 8, 7.5, 7, 6.5, 6, 5.5, 5), leading=1.25, gap=0.4
    )


def _draw_fitted(canvas, items, top, bottom, *, sizes, leading, gap):
    """Paragraphs of markup centred one under another from `top`, in the largest of `sizes`
    that fits above `bottom` (the smallest scaled down to fit, if even it is too long);
    `leading` and the `gap` after each are shares of the size."""
    for size in sizes:
        style = ParagraphStyle(
            "fitted",
            fontName=SANS,
            fontSize=size,
            leading=size * leading,
            textColor=GREY,
            alignment=TA_CENTER,
            spaceAfter=size * gap,
        )
        paragraphs = [Paragraph(item, style) for item in items]
        heights = [p.wrap(TEXT_WIDTH, PAGE_HEIGHT)[1] + size * gap for p in paragraphs]
        if sum(heights) <= top - bottom:
            break
    else:
        # Too long even in the smallest type: scaled down into the space, though to no less
        # than about 3 pt, as a statement nobody can read is no statement. Only every field
        # above near its longest leaves less room than that.
        room = max(top - bottom, sum(heights) * 3 / size)
        block = KeepInFrame(TEXT_WIDTH, room, paragraphs, mode="shrink")
        _, height = block.wrapOn(canvas, TEXT_WIDTH, room)
        block.drawOn(canvas, MARGIN, top - height)
        return
    y = top
    for paragraph, height in zip(paragraphs, heights, strict=True):
        paragraph.drawOn(canvas, MARGIN, y - height + size * gap)
        y -= height


def _draw_footer(canvas, certificate, contact=""):
    """The signature block, the verification code and QR code, and `contact` under them."""
    qr_x, qr_y = PAGE_WIDTH - MARGIN - QR_SIZE + 4, 46
    text_right = qr_x - 14  # the QR code needs a quiet zone around it

    # Signature block, left. Its lines end short of the verification code beside the
    # first two and of the QR code's quiet zone, in an ellipsis if they must.
    line_y, left, line_width = 84, MARGIN + 10, 230
    _draw_image(canvas, certificate.signature_image.name, left, line_y + 3, line_width, 44, "sw")
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.6)
    canvas.line(left, line_y, left + line_width, line_y)
    beside_code = text_right - stringWidth(certificate.code, SANS_BOLD, 15) - 14 - left
    below_code = text_right - left

    def line(text, y, font, size, width):
        _draw_text(canvas, text, left, y, font, size, width, centred=False, smallest=6.5, cut=True)

    canvas.setFillColor(colors.black)
    line(certificate.administrator_name or " ", line_y - 13, SANS_BOLD, 10, beside_code)
    canvas.setFillColor(GREY)
    line(certificate.administrator_title, line_y - 25, SANS, 8.5, beside_code)
    line(certificate.provider_name, line_y - 36, SANS, 8.5, below_code)

    # Verification, right: the code in words and as a QR code of the public URL.
    _draw_qr(canvas, certificate_qr_payload(certificate), qr_x, qr_y, QR_SIZE)
    verify_url = settings.SITE_URL.rstrip("/") + reverse("verify")
    canvas.setFillColor(GREY)
    canvas.setFont(SANS, 8)
    canvas.drawRightString(text_right, 110, "Verify this certificate at")
    canvas.drawRightString(text_right, 99, verify_url)
    canvas.setFont(SANS, 8)
    canvas.drawRightString(text_right, 78, "Verification code")
    canvas.setFillColor(NAVY)
    canvas.setFont(SANS_BOLD, 15)
    canvas.drawRightString(text_right, 61, certificate.code)
    if contact:
        canvas.setFillColor(GREY)
        line(contact, 36, SANS, 7.5, below_code)


def certificate_pdf_cached(certificate: Certificate) -> bytes:
    """The certificate as PDF bytes, rendered once and then served from the cache.

    The PDF is a function of the certificate's snapshot, which is never edited, its
    status and the site's name and address; the key holds all of them. Rendering
    (mostly the QR code's mask search) costs far more than a cached copy. A render
    that missed a stored image is not kept, so the next download tries it again.
    """
    site = hashlib.sha256(f"{settings.SITE_URL}|{settings.SITE_NAME}".encode()).hexdigest()[:12]
    key = (
        f"certificate-pdf:{certificate.code}:{certificate.status}:"
        f"{certificate.issued_at.timestamp()}:{site}"
    )
    cache = caches["documents"]
    data = cache.get(key)
    if data is None:
        data, complete = _render(certificate)
        if complete:
            cache.set(key, data, PDF_CACHE_TIMEOUT)
    return data


def certificate_pdf_render(certificate: Certificate) -> bytes:
    """The certificate as PDF bytes. Reads only the certificate (and its reissue_of)."""
    return _render(certificate)[0]


def _render(certificate: Certificate) -> tuple[bytes, bool]:
    """The PDF, and whether every stored image it names could be drawn."""
    register_fonts()
    if unprintable := unprintable_characters(certificate.learner_name):
        # Names from before the profile form checked them; at least say so.
        logger.warning(
            "Certificate %s: the fonts cannot print %r in the learner's name",
            certificate.code,
            "".join(unprintable),
        )
    buffer = BytesIO()
    canvas = Canvas(
        buffer, pagesize=PAGE_SIZE, invariant=1, pageCompression=1, initialFontName=SANS, lang="en"
    )
    canvas.missing_images = []
    issued = certificate.issued_at.astimezone(UTC)
    canvas.setDateFormatter(lambda *_: issued.strftime("D:%Y%m%d%H%M%S+00'00'"))
    canvas.setTitle(f"Certificate of Completion {certificate.code}")
    canvas.setAuthor(certificate.provider_name)
    canvas.setSubject(certificate.course_title)
    canvas.setCreator(settings.SITE_NAME)

    _draw_frame(canvas)
    _draw_image(canvas, certificate.logo.name, MARGIN - 8, PAGE_HEIGHT - MARGIN - 48, 130, 56, "nw")
    if certificate.is_reissue:
        _draw_reissue_mark(canvas, certificate)
    LAYOUTS[certificate.layout](canvas, certificate)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue(), not canvas.missing_images


def _draw_layout_1(canvas, certificate):
    """One license line, the facts in a row, every approval of the course. Frozen: the
    certificates issued with it render these bytes for good."""
    y = _draw_heading(canvas, certificate, PAGE_HEIGHT - 74, sizes=(30, 11, 26), drops=(40, 32, 34))
    y -= 20
    y = _centred(canvas, "".join(certificate.licenses_stated), y, SANS, 11, GREY)  # one at most
    y -= 24
    _centred(canvas, "has completed the continuing education course", y, SANS, 11, GREY)
    y = _draw_course_title(canvas, certificate, y - 8, title=(16, 19), authors=(9.5, 12), gap=4)

    y -= 30
    facts = [
        ("CE hours", certificate.ce_hours_display, 1),
        ("Date completed", _date(certificate.completed_on), 1),
        ("Format", certificate.delivery_format, 1),
    ]
    y = _draw_facts(canvas, facts, y, label=(8, 14), value=(13, 8), padding=12)
    _draw_rule(canvas, y - 12)

    _draw_approvals(canvas, certificate, y - 20, FOOTER_TOP)
    _draw_footer(canvas, certificate)


def _draw_heading(canvas, certificate, y, *, sizes, drops) -> float:
    """The provider, "Certificate of Completion", "This certifies that" and the learner's
    name, one under another: `sizes` the type of the last three, `drops` the space down to
    each of them. Returns the baseline of the name's last line."""
    title, certifies, name = sizes
    y = _centred(canvas, certificate.provider_name.upper(), y, SANS_BOLD, 12, NAVY, 420)
    y -= drops[0]
    _centred(canvas, "Certificate of Completion", y, SANS_BOLD, title, NAVY)
    y -= drops[1]
    _centred(canvas, "This certifies that", y, SANS, certifies, GREY)
    y -= drops[2]
    return _centred(canvas, certificate.learner_name, y, SANS_BOLD, name)


def _draw_course_title(canvas, certificate, top, *, title, authors, gap) -> float:
    """The course title and, `gap` under it, its authors; `title` and `authors` are (type
    size, leading). Returns where they end."""
    size, leading = title
    style = ParagraphStyle(
        "title", fontName=SANS_BOLD, fontSize=size, leading=leading, alignment=TA_CENTER
    )
    y = _paragraph(canvas, escape(certificate.course_title), style, MARGIN, top, TEXT_WIDTH)
    if certificate.authors:
        size, leading = authors
        style = ParagraphStyle(
            "authors",
            fontName=SANS,
            fontSize=size,
            leading=leading,
            alignment=TA_CENTER,
            textColor=GREY,
        )
        label = "Author" if len(certificate.authors) == 1 else "Authors"
        markup = f"{label}: " + escape("; ".join(certificate.authors))
        y = _paragraph(canvas, markup, style, MARGIN, y - gap, TEXT_WIDTH)
    return y


def _draw_rule(canvas, y):
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN + 60, y, PAGE_WIDTH - MARGIN - 60, y)


def _draw_facts(canvas, facts, y, *, label=(7.5, 13), value=(11.5, 7), padding=10) -> float:
    """(label, value, share of the width) side by side, as a board clerk scans for them.
    `label` is its type size and height over the value; `value` its largest and smallest
    type size, shrinking to fit the column less `padding`, then wrapping in it. Returns
    the baseline of the lowest value line."""
    label_size, label_rise = label
    largest, smallest = value
    total = sum(share for _, _, share in facts)
    left, bottom = MARGIN, y
    for name, text, share in facts:
        column = TEXT_WIDTH * share / total
        centre = left + column / 2
        left += column
        canvas.setFillColor(GREY)
        canvas.setFont(SANS, label_size)
        canvas.drawCentredString(centre, y + label_rise, name.upper())
        canvas.setFillColor(colors.black)
        width = column - padding
        last = _draw_text(
            canvas, text, centre, y, SANS_BOLD, largest, width, smallest=smallest, wrap=smallest
        )
        bottom = min(bottom, last)
    return bottom


def _draw_approvals_2(canvas, certificate, top, bottom):
    """Each approval with its number, period and statement, in the largest type that fits."""
    items = []
    for approval in certificate.cited_approvals:
        name = escape(approval["board"])
        if approval.get("abbreviation"):
            name += f" ({escape(approval['abbreviation'])})"
        head = [f"<b>{name}</b>"]
        if approval.get("provider_number"):
            head.append(f"No. {escape(approval['provider_number'])}")
        if period := approval["period"]:
            head.append(f"Approval period {escape(period)}")
        items.append(" · ".join(head) + "<br/>" + escape(approval["statement"]))
    _draw_fitted(
        canvas, items, top, bottom, sizes=(8.5, 8, 7.5, 7, 6.5, 6, 5.5, 5), leading=1.22, gap=0.6
    )


def _draw_layout_2(canvas, certificate):
    """The licenses held, the facts a board clerk checks, the approvals covering them."""
    y = _draw_heading(
        canvas, certificate, PAGE_HEIGHT - 70, sizes=(28, 10.5, 24), drops=(36, 26, 30)
    )
    # Two licenses to a line, where they fit even at the smallest size, keeps four of
    # them to two lines.
    lines = []
    for phrase in certificate.license_phrases():
        pair = [*lines[-1], phrase] if lines and len(lines[-1]) == 1 else None
        if pair and stringWidth(LICENSE_GAP.join(pair), SANS, 8) <= TEXT_WIDTH:
            lines[-1] = pair
        else:
            lines.append([phrase])
    for line in lines:
        y -= 15
        y = _centred(canvas, LICENSE_GAP.join(line), y, SANS, 10, GREY)
    y -= 21
    _centred(canvas, "has completed the continuing education course", y, SANS, 10.5, GREY)
    y = _draw_course_title(canvas, certificate, y - 6, title=(15, 18), authors=(9, 11), gap=3)

    y -= 26
    y = _draw_facts(
        canvas,
        [
            ("CE hours", certificate.ce_hours_display, 2),
            ("Level", certificate.level, 3),
            ("Date completed", _date(certificate.completed_on), 4),
            ("Date issued", _date(timezone.localdate(certificate.issued_at)), 4),
            ("Format", certificate.delivery_format, 5),
        ],
        y,
    )
    if credits := certificate.credits_display:
        y -= 17
        y = _centred(canvas, f"Credit types: {credits}", y, SANS, 9, colors.black)
    _draw_rule(canvas, y - 9)

    _draw_approvals_2(canvas, certificate, y - 15, FOOTER_TOP)
    _draw_footer(canvas, certificate, certificate.provider_contact)


LAYOUTS = {1: _draw_layout_1, 2: _draw_layout_2}
