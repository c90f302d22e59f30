"""The certificate PDF: what it states, its QR code, fonts, images, and who may download it."""

import io
import itertools
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.graphics.barcode import qrencoder

from courses.forms.certificates import ProviderSettingsForm
from courses.models import ProviderSettings
from courses.pdf import certificate as certificate_pdf_module
from courses.pdf.certificate import (
    FOOTER_TOP,
    certificate_pdf_cached,
    certificate_pdf_render,
    certificate_qr_payload,
)
from courses.services.certificates import (
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
    reissue_request_create,
)
from tests.factories import (
    ApprovalFactory,
    AuthorFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    LicenseFactory,
    StaffFactory,
    UserFactory,
)
from tests.pdf_fonts import NAMES, embedded_fonts, missing_glyphs, text_boxes, text_runs

pytestmark = pytest.mark.django_db

LONG_STATEMENT = (
    "{provider_name}, provider #{number}, is approved as an ACE provider to offer social "
    "work continuing education by the Association of Social Work Boards (ASWB) Approved "
    "Continuing Education (ACE) program. Regulatory boards are the final authority on courses "
    "accepted for continuing education credit."
)
LONG_STATEMENT_PRINTED = LONG_STATEMENT.format(
    provider_name="Helping Professions CE", number="ACE 1234"
)


def _certificate(**course_kwargs):
    provider = ProviderSettings.load()
    provider.administrator_name = "Jordan Ellis, PsyD"
    provider.contact_email = "ce@example.org"
    provider.contact_phone = "(555) 010-0100"
    provider.save()
    course = CourseFactory(
        **{
            "title": "Power in the Helping Relationship",
            "ce_hours": Decimal("3.25"),
            "authors": [
                AuthorFactory(name="Miriam Hale", credentials="PhD"),
                AuthorFactory(name="Samuel Ortiz", credentials="LCSW"),
            ],
            **course_kwargs,
        }
    )
    ApprovalFactory(
        course=course,
        number="APA-4471",
        starts_on=date(2024, 1, 1),
        ends_on=date(2099, 12, 31),
        statement_template="Approved by the APA to sponsor continuing education for psychologists.",
    )
    ApprovalFactory(
        course=course,
        body_name="Association of Social Work Boards",
        body_abbreviation="ASWB ACE",
        number="ACE 1234",
        starts_on=date(2025, 3, 1),
        ends_on=date(2099, 2, 28),
        statement_template=LONG_STATEMENT,
        # Cited for the learner's license: a psychologist in California.
        coverage=[("social_work", ""), ("psychology", "CA")],
    )
    learner = UserFactory(full_name="Renée O'Connor-Baptiste, LCSW", license__number="LCS 88213")
    return certificate_issue(enrollment=CompletedEnrollmentFactory(course=course, learner=learner))


def _text(data: bytes) -> str:
    """The page's text with line wrapping undone."""
    return " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())


def _png(size=(300, 100), fmt="PNG", name="sig.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def test_pdf_states_every_snapshot_field_and_the_code():
    certificate = _certificate()
    text = _text(certificate_pdf_render(certificate))
    completed = certificate.completed_on
    issued = timezone.localdate(certificate.issued_at)
    for expected in [
        "Certificate of Completion",
        "HELPING PROFESSIONS CE",
        "Renée O'Connor-Baptiste, LCSW",
        "Psychologist · License No. LCS 88213 · California",
        "Power in the Helping Relationship",
        "Authors: Miriam Hale, PhD; Samuel Ortiz, LCSW",
        "CE HOURS 3.25",
        "LEVEL Intermediate",
        f"DATE COMPLETED {completed:%B} {completed.day}, {completed.year}",
        f"DATE ISSUED {issued:%B} {issued.day}, {issued.year}",
        "FORMAT Home study, self-paced online",
        "Credit types: 3.25 general/clinical",
        "American Psychological Association (APA) · No. APA-4471 · Approval period January 1, "
        "2024 – December 31, 2099 Approved by the APA to sponsor continuing education for "
        "psychologists.",
        "Association of Social Work Boards (ASWB ACE) · No. ACE 1234 · Approval period March 1, "
        f"2025 – February 28, 2099 {LONG_STATEMENT_PRINTED}",
        "Jordan Ellis, PsyD CE Administrator Helping Professions CE",
        "(555) 010-0100 · ce@example.org",
        "http://127.0.0.1:8000/verify/",
        f"Verification code {certificate.code}",
    ]:
        assert expected in text
    assert "REISSUED" not in text


def test_pdf_is_one_landscape_letter_page_with_embedded_fonts():
    data = certificate_pdf_render(_certificate())
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (792, 612)
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    assert len(fonts) == 2  # regular and bold, nothing left to the printer
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
    assert embedded_fonts(data) == {"DejaVuSans", "DejaVuSans-Bold"}


@pytest.mark.parametrize("name", NAMES)
def test_pdf_prints_names_beyond_latin_1(name):
    certificate = _certificate()
    certificate.learner_name = name  # the snapshot the PDF is drawn from

    data = certificate_pdf_render(certificate)

    # Vera, the old font, drew a box for each of "śễịȘ" and every Greek and Cyrillic letter.
    assert name in _text(data)
    assert missing_glyphs(data, name) == {}


def test_pdf_of_a_name_the_fonts_cannot_print_is_still_made_and_logged(caplog):
    certificate = _certificate()
    certificate.learner_name = "王秀英 Wang"  # an account from before the profile form checked

    data = certificate_pdf_render(certificate)

    assert certificate.code in _text(data)
    assert missing_glyphs(data, "王秀英 Wang") == {
        "DejaVuSans": "王秀英",
        "DejaVuSans-Bold": "王秀英",
    }
    assert f"Certificate {certificate.code}: the fonts cannot print '王秀英'" in caplog.text


def test_pdf_stays_one_page_with_long_content():
    certificate = _certificate(title="A Very Long Course Title " * 6)
    certificate.approvals = certificate.approvals * 4  # eight approval statements
    data = certificate_pdf_render(certificate)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert _text(data).count(LONG_STATEMENT_PRINTED) == 4
    assert certificate.code in _text(data)


def outside_the_margins(runs) -> list[str]:
    """The drawn strings that reach into the certificate's 54 pt margins (landscape)."""
    return [text for text, left, right, _ in runs if left < 54 - 0.5 or right > 792 - 54 + 0.5]


def _clashes(data: bytes) -> list[str]:
    """What a reader would notice: strings in the margins, strings over one another, and
    strings in the QR code's quiet zone (4 modules of white, which phones need to read it)."""
    boxes, rects = text_boxes(data), _qr_rects(data)
    quiet = 4 * min(h for *_, h in rects)
    zone = (
        min(x for x, *_ in rects) - quiet,
        min(y for _, y, *_ in rects) - quiet,
        max(x + w for x, _, w, _ in rects) + quiet,
        max(y + h for _, y, _, h in rects) + quiet,
    )

    def overlap(a, b):  # (left, bottom, right, top), half a point apart at least
        return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5

    return (
        [f"in the margin: {text}" for text in outside_the_margins(text_runs(data))]
        + [
            f"{a[0]!r} over {b[0]!r}"
            for a, b in itertools.combinations(boxes, 2)
            if overlap(a[1:], b[1:])
        ]
        + [f"by the QR code: {text}" for text, *box in boxes if overlap(box, zone)]
    )


def test_pdf_prints_long_licenses_in_full_inside_the_margins():
    learner = UserFactory(license=None)
    for kind, state in [("lpcc", "DC"), ("lmft", "MA"), ("lcsw", "TX"), ("psychologist", "NY")]:
        LicenseFactory(holder=learner, license_type=kind, state=state, number=f"{kind}-0001234567")
    certificate = certificate_issue(enrollment=CompletedEnrollmentFactory(learner=learner))

    data = certificate_pdf_render(certificate)

    runs = text_runs(data)
    assert outside_the_margins(runs) == []
    text = _text(data)
    assert (
        "Licensed Professional Clinical Counselor (LPCC) · License No. lpcc-0001234567 · "
        "District of Columbia" in text
    )
    assert (
        "Licensed Marriage and Family Therapist (LMFT) · License No. lmft-0001234567 · "
        "Massachusetts" in text
    )
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


@pytest.mark.parametrize("layout", [1, 2])
def test_pdf_wraps_a_long_name_and_provider_inside_their_space(layout):
    # 179 characters that the profile accepts (the field allows 200), a 199-character title.
    name = (
        "María de los Ángeles Fernández-Castellanos y Rodríguez-Villaseñor de la Concepción "
        "Montenegro-Santisteban, PhD, LCSW, LMFT, LPCC, Board Certified Diplomate in Clinical "
        "Social Work"
    )
    title = ("Trauma-Informed Supervision in Clinical Practice " * 4).strip()
    provider = (
        "Institute for Interdisciplinary Behavioral Health Education of the Pacific Northwest"
    )
    certificate = _certificate(title=title)
    certificate.layout = layout
    certificate.learner_name, certificate.provider_name = name, provider

    data = certificate_pdf_render(certificate)

    runs = text_runs(data)
    assert outside_the_margins(runs) == []
    text = _text(data)
    for stated in [name, title, provider.upper()]:
        assert stated in text
    # The provider's name at the top stays clear of the logo and the reissue mark.
    heading = [(left, right) for text, left, right, _ in runs if text in provider.upper()]
    assert heading
    assert all(left >= 396 - 210 and right <= 396 + 210 for left, right in heading)
    # The name's lines one under another in type that still reads as a name, and the
    # line after them moved down clear of the last.
    lines = [i for i, (text, *_) in enumerate(runs) if len(text) > 3 and text in name]
    baselines = [runs[i][3] for i in [*lines, lines[-1] + 1]]
    assert len(lines) > 1
    assert all(above - below >= 14 for above, below in itertools.pairwise(baselines))
    # The approvals still end above the signature and the verification code.
    footer = next(i for i, (text, *_) in enumerate(runs) if text == "Jordan Ellis, PsyD")
    assert min(y for *_, y in runs[:footer]) > FOOTER_TOP
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def _footer(data: bytes) -> list[tuple[str, float]]:
    """(text, type size) of each line under the signature."""
    return [
        (text, top - bottom)
        for text, left, bottom, _, top in text_boxes(data)
        if bottom < FOOTER_TOP and left < 792 / 2
    ]


@pytest.mark.parametrize("layout", [1, 2])
def test_pdf_footer_cuts_long_provider_lines_clear_of_the_code_and_qr_code(layout):
    # As long as the fields allow: 200 characters each, 400 for the contact line.
    provider = ("Institute for Interdisciplinary Behavioral Health Education " * 4)[:200]
    administrator = ("Alexandra Konstantinopoulou-Whitfield, PhD, ABPP, " * 4)[:200]
    title = ("Director of Continuing Education and Professional Development, " * 4)[:200]
    contact = f"(555) 010-0100 · ce@{'continuing-education.' * 18}example.org"[:400]
    certificate = _certificate()
    certificate.layout = layout
    certificate.provider_name, certificate.provider_contact = provider, contact
    certificate.administrator_name, certificate.administrator_title = administrator, title

    data = certificate_pdf_render(certificate)

    assert _clashes(data) == []
    # Each line shrinks, in type still legible, and then ends in an ellipsis.
    stated = [administrator, title, provider] + ([contact] if layout == 2 else [])
    for (line, size), full in zip(_footer(data), stated, strict=True):
        assert line.endswith("…") and full.startswith(line[:-1])
        assert size >= 6.5
    # The provider is named in full at the top, and the code is whole.
    text = _text(data)
    assert provider.upper() in text
    assert f"Verification code {certificate.code}" in text


@pytest.mark.parametrize("layout", [1, 2])
def test_pdf_wraps_a_long_fact_in_its_own_column(layout):
    delivery = (
        "Home study, self-paced online, with live interactive webinar follow-up sessions, "
        "a printed workbook, audio recordings and a supervised practicum at an approved site"
    )
    certificate = _certificate()
    certificate.layout = layout
    certificate.delivery_format = delivery

    data = certificate_pdf_render(certificate)

    assert _clashes(data) == []
    assert delivery in _text(data)
    # The approvals move down under it and still end above the signature.
    runs = text_runs(data)
    footer = next(i for i, (text, *_) in enumerate(runs) if text == "Jordan Ellis, PsyD")
    assert min(y for *_, y in runs[:footer]) > FOOTER_TOP


@pytest.mark.parametrize("layout", [1, 2])
def test_pdf_breaks_a_word_too_long_for_its_line(layout):
    # A surname as it was once registered, a provider and a title in compound words.
    name = (
        "Hubert Blaine Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaft"
        "schaferswessenschafewarenwohlgepflegeundsorgfaltigkeitbeschutzen Sr., PhD"
    )
    provider = (
        "Landesinstitut für Kinderundjugendlichenpsychotherapeutenweiterbildungsakkreditierung"
        " und Supervision in Nordrhein-Westfalen"
    )
    title = "Psychotherapeutenweiterbildungsakkreditierungsstellenqualitätssicherung in Practice"
    certificate = _certificate(title=title)
    certificate.layout = layout
    certificate.learner_name, certificate.provider_name = name, provider

    data = certificate_pdf_render(certificate)

    assert _clashes(data) == []
    # The heading's provider stays clear of the logo and the reissue mark.
    runs = text_runs(data)
    heading = [(left, right) for text, left, right, _ in runs if text in provider.upper()]
    assert heading
    assert all(left >= 396 - 210 and right <= 396 + 210 for left, right in heading)
    # Every letter is printed, the long words only broken across lines.
    letters = "".join(_text(data).split())
    for stated in [name, provider.upper(), title]:
        assert "".join(stated.split()) in letters


@pytest.mark.parametrize("layout", [1, 2])
def test_pdf_approvals_under_a_long_name_shrink_clear_of_the_footer(layout):
    name = (
        "María de los Ángeles Fernández-Castellanos y Rodríguez-Villaseñor de la Concepción "
        "Montenegro-Santisteban, PhD, LCSW, LMFT, LPCC, Board Certified Diplomate in Clinical "
        "Social Work"
    )
    certificate = _certificate(title=("Trauma-Informed Supervision in Clinical Practice " * 4))
    certificate.layout = layout
    certificate.learner_name = name
    certificate.approvals = certificate.approvals * 4  # eight boards' statements

    data = certificate_pdf_render(certificate)

    assert _clashes(data) == []
    runs = text_runs(data)
    footer = next(i for i, (text, *_) in enumerate(runs) if text == "Jordan Ellis, PsyD")
    assert min(y for *_, y in runs[:footer]) > FOOTER_TOP
    assert _text(data).count(LONG_STATEMENT_PRINTED) == 4
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


@pytest.mark.parametrize("layout", [1, 2])
def test_pdf_of_every_field_at_its_longest_keeps_the_statements_legible(layout):
    certificate = _certificate(
        title=("Trauma-Informed Supervision in Clinical Practice " * 5)[:200]
    )
    certificate.layout = layout
    certificate.provider_name = ("Institute for Behavioral Health Education " * 5)[:200]
    certificate.learner_name = ("María de los Ángeles Fernández-Castellanos y Rodríguez " * 4)[:200]
    certificate.delivery_format = ("Home study, self-paced online, with live webinars " * 4)[:200]
    certificate.licenses = [
        {
            "profession": p,
            "license_type": t,
            "state": "DC",
            "number": f"{p}-{'0123456789' * 5}"[:50],
        }
        for p, t in [("counseling", "LPCC"), ("mft", "LMFT"), ("social_work", "LCSW")]
    ]
    certificate.approvals = certificate.approvals * 4

    data = certificate_pdf_render(certificate)

    # No space is left above the footer: the statements shrink only so far, all there.
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert _text(data).count(LONG_STATEMENT_PRINTED) == 4
    statements = [top - bottom for text, _, bottom, _, top in text_boxes(data) if "ASWB" in text]
    assert min(statements) >= 3
    assert outside_the_margins(text_runs(data)) == []


def test_pdf_is_deterministic_and_dated_from_the_certificate():
    certificate = _certificate()
    first = certificate_pdf_render(certificate)
    assert certificate_pdf_render(certificate) == first
    info = PdfReader(io.BytesIO(first)).metadata
    assert info["/CreationDate"] == f"D:{certificate.issued_at:%Y%m%d%H%M%S}+00'00'"
    assert info["/Title"] == f"Certificate of Completion {certificate.code}"


def test_qr_payload_is_the_public_verification_url(settings):
    settings.SITE_URL = "https://ce.example.org/"
    certificate = _certificate()
    assert certificate_qr_payload(certificate) == (
        f"https://ce.example.org/verify/{certificate.code}/"
    )


def _qr_rects(data: bytes):
    """The (x, y, width, height) rectangles of the QR code: the one path made of many."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    paths, current = [], []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"re":
            current.append([float(v) for v in operands])
        elif operator in {b"f", b"f*", b"S", b"B", b"B*", b"n"} and current:
            paths.append(current)
            current = []
    return max(paths, key=len)


def _drawn_qr_matrix(data: bytes):
    """Rebuild the QR module grid from the rectangles in the page's content stream.

    The QR code is the one path made of many rectangles; its modules are the
    smallest rectangle height, and its top-left module is at (min x, max top).
    """
    rects = _qr_rects(data)
    module = min(h for _, _, _, h in rects)
    left, top = min(x for x, _, _, _ in rects), max(y + h for _, y, _, h in rects)
    size = round((top - min(y for _, y, _, _ in rects)) / module)
    matrix = [[False] * size for _ in range(size)]
    for x, y, w, h in rects:
        row, col = round((top - y - h) / module), round((x - left) / module)
        for c in range(col, col + round(w / module)):
            matrix[row][c] = True
    return matrix


def _reportlab_matrix_like(matrix, payload):
    """Encode `payload` with ReportLab's own QR encoder (independent of the qrcode
    package the certificate uses), with the version, error correction level and mask
    that the drawn symbol's format bits declare."""
    bits = [matrix[8][c] for c in (0, 1, 2, 3, 4, 5, 7, 8)] + [
        matrix[r][8] for r in (7, 5, 4, 3, 2, 1, 0)
    ]
    fmt = int("".join("1" if bit else "0" for bit in bits), 2) ^ 0b101010000010010
    level = {0b01: "L", 0b00: "M", 0b11: "Q", 0b10: "H"}[fmt >> 13]
    code = qrencoder.QRCode((len(matrix) - 17) // 4, getattr(qrencoder.QRErrorCorrectLevel, level))
    code.addData(payload)
    code.makeImpl(False, (fmt >> 10) & 0b111)
    return [[bool(m) for m in row] for row in code.modules]


def test_qr_code_drawn_encodes_the_verification_url():
    certificate = _certificate()
    matrix = _drawn_qr_matrix(certificate_pdf_render(certificate))
    url = f"http://127.0.0.1:8000/verify/{certificate.code}/"
    assert len(matrix) >= 21  # a real symbol, version 1 or more
    assert matrix == _reportlab_matrix_like(matrix, url)
    assert matrix != _reportlab_matrix_like(matrix, url.replace(certificate.code[:4], "ZZZZ"))


def test_reissued_certificate_is_marked():
    original = _certificate()
    learner = original.enrollment.learner
    learner.full_name = "Renée Baptiste, LCSW"
    learner.save()
    request = reissue_request_create(certificate=original, learner=learner, reason="Name")
    reissued = certificate_reissue(request=request, actor=StaffFactory())
    text = _text(certificate_pdf_render(reissued))
    assert "REISSUED" in text
    assert f"replaces {original.code}" in text
    assert "Renée Baptiste, LCSW" in text and reissued.code in text


def _provider_images():
    form = ProviderSettingsForm(
        data={
            "provider_name": "Helping Professions CE",
            "administrator_name": "Jordan Ellis, PsyD",
            "administrator_title": "CE Administrator",
            "delivery_format": "Home study, self-paced online",
        },
        files={"signature_image": _png(), "logo": _png((200, 80), name="logo.png")},
        instance=ProviderSettings.load(),
    )
    assert form.is_valid(), form.errors
    form.save()


def _image_count(data):
    resources = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]
    return sum(
        1 for x in resources.get("/XObject", {}).values() if x.get_object()["/Subtype"] == "/Image"
    )


def test_signature_and_logo_are_drawn_and_kept_as_issued():
    assert _image_count(certificate_pdf_render(_certificate())) == 0
    _provider_images()
    certificate = _certificate()
    data = certificate_pdf_render(certificate)
    assert _image_count(data) == 2
    # A later signature does not change an issued certificate.
    provider = ProviderSettings.load()
    provider.signature_image = _png((400, 100), name="sig.png")
    provider.save()
    assert provider.signature_image.name != certificate.signature_image.name
    assert certificate_pdf_render(certificate) == data


def test_missing_image_file_still_renders():
    _provider_images()
    certificate = _certificate()
    certificate.logo.storage.delete(certificate.logo.name)
    data = certificate_pdf_render(certificate)
    assert _image_count(data) == 1
    assert certificate.code in _text(data)


def _count_renders(monkeypatch):
    renders = []
    render = certificate_pdf_module._render

    def counted(certificate):
        renders.append(certificate.code)
        return render(certificate)

    monkeypatch.setattr(certificate_pdf_module, "_render", counted)
    return renders


def test_cached_pdf_is_rendered_once_and_is_the_same_bytes(monkeypatch):
    renders = _count_renders(monkeypatch)
    certificate, other = _certificate(), _certificate()

    first = certificate_pdf_cached(certificate)
    again = certificate_pdf_cached(certificate)
    assert other.code in _text(certificate_pdf_cached(other))

    assert renders == [certificate.code, other.code]
    assert first == again == certificate_pdf_render(certificate)


def test_cached_pdf_follows_the_site_address(monkeypatch, settings):
    renders = _count_renders(monkeypatch)
    certificate = _certificate()
    certificate_pdf_cached(certificate)

    settings.SITE_URL = "https://ce.example.org"
    data = certificate_pdf_cached(certificate)

    assert len(renders) == 2
    assert "https://ce.example.org/verify/" in _text(data)


def test_pdf_missing_an_image_is_not_cached(monkeypatch):
    renders = _count_renders(monkeypatch)
    _provider_images()
    certificate = _certificate()
    certificate.logo.storage.delete(certificate.logo.name)

    certificate_pdf_cached(certificate)
    certificate_pdf_cached(certificate)

    assert len(renders) == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (_png(fmt="GIF", name="sig.gif"), "PNG or JPEG"),
        (_png((1600, 200)), "1600×200 pixels"),
        (SimpleUploadedFile("sig.png", b"not an image"), "valid image"),
    ],
    ids=["gif", "too-wide", "not-an-image"],
)
def test_provider_images_must_be_small_png_or_jpeg(upload, message):
    form = ProviderSettingsForm(
        data={"provider_name": "P", "administrator_title": "T", "delivery_format": "F"},
        files={"signature_image": upload},
        instance=ProviderSettings.load(),
    )
    assert not form.is_valid()
    assert message in " ".join(form.errors["signature_image"])


def test_provider_image_over_the_size_cap_is_refused(monkeypatch):
    monkeypatch.setattr("courses.forms.certificates.IMAGE_MAX_BYTES", 100)
    form = ProviderSettingsForm(
        data={"provider_name": "P", "administrator_title": "T", "delivery_format": "F"},
        files={"logo": _png()},
        instance=ProviderSettings.load(),
    )
    assert not form.is_valid()
    assert "over 0 KB" in form.errors["logo"][0]


# Download --------------------------------------------------------------------


def test_owner_downloads_the_pdf(client, django_assert_num_queries):
    certificate = _certificate()
    client.force_login(certificate.enrollment.learner)
    url = reverse("courses:certificate_pdf", args=[certificate.code])
    assert url == f"/certificates/{certificate.code}.pdf"
    # session, user, certificate
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="certificate-{certificate.code}.pdf"' in response["Content-Disposition"]
    assert certificate.code in _text(b"".join(response.streaming_content))


def test_staff_may_download_any_certificate(staff_client):
    certificate = _certificate()
    response = staff_client.get(reverse("courses:staff_certificate_pdf", args=[certificate.code]))
    assert response["Content-Type"] == "application/pdf"


def test_another_learner_gets_404_and_anonymous_must_log_in(client, learner_client):
    certificate = _certificate()
    url = reverse("courses:certificate_pdf", args=[certificate.code])
    assert learner_client.get(url).status_code == 404
    learner_client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


def test_revoked_certificate_is_refused_not_rendered(client):
    certificate = _certificate()
    certificate_revoke(certificate=certificate, actor=StaffFactory(), reason="Fraud")
    client.force_login(certificate.enrollment.learner)
    response = client.get(reverse("courses:certificate_pdf", args=[certificate.code]))
    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    assert "was revoked on" in response.content.decode()


def test_replaced_certificate_points_to_the_reissue(client):
    original = _certificate()
    learner = original.enrollment.learner
    learner.full_name = "New Name"
    learner.save()
    request = reissue_request_create(certificate=original, learner=learner, reason="Name")
    reissued = certificate_reissue(request=request, actor=StaffFactory())
    client.force_login(learner)
    response = client.get(reverse("courses:certificate_pdf", args=[original.code]))
    assert response.status_code == 410
    html = response.content.decode()
    assert reverse("courses:certificate_pdf", args=[reissued.code]) in html
    assert re.search(r"Download the reissued certificate", html)


def test_reportlab_uses_its_c_accelerator():
    """rl-accel (requirements.txt) formats the PDF's numbers in C: same bytes, less CPU."""
    from reportlab.lib import rl_accel

    assert rl_accel.fp_str.__module__ == "_rl_accel"
