"""My CE: the learner's transcript page, its totals, and the PDF and CSV downloads."""

import datetime
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from courses.models import Certificate
from courses.selectors.transcript import transcript_for
from tests.factories import (
    ApprovalFactory,
    CourseFactory,
    EnrollmentFactory,
    LicenseFactory,
    QuestionFactory,
    SectionFactory,
    UserFactory,
)
from tests.pdf_fonts import NAMES, missing_glyphs, text_runs
from tests.report_data import certificate_on, graded_attempt, reissue, revoke

D = datetime.date


@pytest.fixture
def record(learner):
    """Certificates around a renewal period of 2024-01-01 to 2025-12-31."""
    hours = {
        "before": (D(2023, 12, 31), "4.00"),
        "first day": (D(2024, 1, 1), "1.25"),
        "last day": (D(2025, 12, 31), "2.00"),
        "after": (D(2026, 1, 1), "8.00"),
        "revoked": (D(2024, 6, 1), "16.00"),
        "reissued": (D(2024, 7, 1), "0.50"),
    }
    certificates = {
        name: certificate_on(
            day,
            learner=learner,
            course=CourseFactory(title=f"Course {name}", ce_hours=Decimal(h)),
        )
        for name, (day, h) in hours.items()
    }
    revoke(certificates["revoked"])
    certificates["replacement"] = reissue(certificates["reissued"], learner_name="New Name")
    return certificates


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_totals_count_both_ends_of_the_period_and_only_valid_certificates(learner, record):
    everything = transcript_for(learner=learner)
    period = transcript_for(learner=learner, start=D(2024, 1, 1), end=D(2025, 12, 31))

    # 4 + 1.25 + 2 + 8 + 0.5 (the reissue once; the revoked 16 not at all)
    assert everything.total_hours == Decimal("15.75")
    assert everything.total_courses == 5
    # first day 1.25 + last day 2 + reissue 0.5
    assert period.period_hours == Decimal("3.75")
    assert period.period_courses == 3
    assert period.total_hours == Decimal("15.75")
    assert {c.course_title for c in period.credited} == {
        "Course first day",
        "Course last day",
        "Course reissued",
    }
    # The period shows the revoked and the replaced certificates too, marked as not counting.
    assert {c.code: c.counts for c in period.certificates} == {
        record["first day"].code: True,
        record["last day"].code: True,
        record["revoked"].code: False,
        record["reissued"].code: False,
        record["replacement"].code: True,
    }


def test_an_open_ended_period(learner, record):
    since = transcript_for(learner=learner, start=D(2025, 12, 31))
    until = transcript_for(learner=learner, end=D(2024, 1, 1))

    assert since.period_hours == Decimal("10")  # 2 + 8
    assert until.period_hours == Decimal("5.25")  # 4 + 1.25


def test_page_shows_certificates_with_links_codes_and_status(learner_client, record):
    response = learner_client.get("/my-ce/", {"start": "2024-01-01", "end": "2025-12-31"})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="display-6 mb-0" id="period-hours">3.75 <span' in html
    assert '<p class="display-6 mb-0" id="total-hours">15.75 <span' in html
    assert f'href="/certificates/{record["first day"].code}.pdf"' in html
    assert record["first day"].code in html
    # The revoked certificate is shown as revoked, with no download link.
    assert record["revoked"].code in html and "Revoked" in html
    assert f'href="/certificates/{record["revoked"].code}.pdf"' not in html
    # The replaced original points to its replacement.
    assert f"Replaced by {record['replacement'].code}" in html
    assert f'href="/certificates/{record["replacement"].code}.pdf"' in html
    assert "Course before" not in html and "Course after" not in html
    assert "ce-transcript" not in html  # filenames are for downloads only
    assert "/my-ce/transcript.pdf?start=2024-01-01&amp;end=2025-12-31" in html


def test_another_learners_record_is_never_shown(learner_client, record):
    other = UserFactory(full_name="Someone Else")
    theirs = certificate_on(
        D(2024, 5, 5), learner=other, course=CourseFactory(title="Their private course")
    )
    EnrollmentFactory(learner=other, course=CourseFactory(title="Their course in progress"))

    page = learner_client.get("/my-ce/").content.decode()
    csv_text = _csv(learner_client.get("/my-ce/transcript.csv"))
    pdf_text = _pdf_text(learner_client.get("/my-ce/transcript.pdf").content)

    for text in (page, csv_text, pdf_text):
        assert "Their private course" not in text
        assert theirs.code not in text
        assert "Someone Else" not in text
    assert "Their course in progress" not in page


def test_courses_in_progress_show_sections_read_and_attempt_state(learner_client):
    learner = learner_client.user
    reading = EnrollmentFactory(learner=learner, course=CourseFactory(title="Still reading"))
    sections = SectionFactory.create_batch(3, course=reading.course)
    learner.sections_read.create(section=sections[0])
    retaking = EnrollmentFactory(learner=learner, course=CourseFactory(title="Needs a retake"))
    question = QuestionFactory(section=SectionFactory(course=retaking.course))
    graded_attempt(retaking, number=1, answers=[(question, False)])

    html = learner_client.get("/my-ce/").content.decode()

    assert "Still reading" in html and "1 of 3 sections read" in html
    assert 'max="3" value="1"' in html
    assert "Not passed yet (attempt 1 scored 0%); a retake is available" in html
    assert f'href="/courses/{retaking.course.slug}/booklet/"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2025-01-01", "end": "2024-01-01"}, "The end date must be on or after"),
        ({"start": "2024-02-30"}, "Enter a valid date."),
        ({"end": "next year"}, "Enter a valid date."),
    ],
)
@pytest.mark.parametrize("path", ["/my-ce/", "/my-ce/transcript.pdf", "/my-ce/transcript.csv"])
def test_bad_dates_give_a_clear_message(learner_client, record, path, query, message):
    response = learner_client.get(path, query)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "15.75" in html  # the record itself is still shown


@pytest.mark.parametrize("path", ["/my-ce/", "/my-ce/transcript.pdf", "/my-ce/transcript.csv"])
def test_transcript_needs_a_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_pdf_total_of_one_course_and_one_hour_is_in_the_singular(learner_client):
    certificate_on(D(2024, 3, 5), learner=learner_client.user, course=CourseFactory(ce_hours=1))

    text = _pdf_text(learner_client.get("/my-ce/transcript.pdf").content)

    assert "Total: 1 CE hour (1 course)" in text


def test_csv_contents_are_exact_and_formula_safe(learner_client):
    learner = learner_client.user
    plain = certificate_on(
        D(2024, 3, 5),
        learner=learner,
        course=CourseFactory(title="Trauma-informed care, part 1", ce_hours=Decimal("1.25")),
    )
    risky = certificate_on(
        D(2024, 4, 1),
        learner=learner,
        course=CourseFactory(title='=HYPERLINK("http://evil.example","x")', ce_hours=3),
    )
    certificate_on(D(2023, 1, 1), learner=learner, course=CourseFactory(title="Too early"))

    response = learner_client.get("/my-ce/transcript.csv", {"start": "2024-01-01"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="ce-transcript-from-2024-01-01.csv"'
    )
    assert _csv(response) == (
        "\ufeffCourse,CE hours,Credit types,Completion date,Certificate code,Provider\r\n"
        f'"\'=HYPERLINK(""http://evil.example"",""x"")",3,3 general/clinical,2024-04-01,'
        f"{risky.code},Helping Professions CE\r\n"
        f'"Trauma-informed care, part 1",1.25,1.25 general/clinical,2024-03-05,{plain.code},'
        "Helping Professions CE\r\n"
    )


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_has_the_learner_courses_and_totals(learner_client, record):
    learner = learner_client.user

    response = learner_client.get(
        "/my-ce/transcript.pdf", {"start": "2024-01-01", "end": "2025-12-31"}
    )

    assert response["Content-Type"] == "application/pdf"
    assert "ce-transcript-from-2024-01-01-to-2025-12-31.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = _pdf_text(response.content)
    assert learner.full_name in text
    assert learner.licenses.get().number in text and "California" in text
    assert "Jan 1, 2024 to Dec 31, 2025" in text
    for name in ("first day", "last day", "reissued"):
        assert f"Course {name}" in text
    assert record["replacement"].code in text
    for name in ("before", "after", "revoked"):
        assert f"Course {name}" not in text
    assert record["reissued"].code not in text  # the replaced original
    assert "Total for this period: 3.75 CE hours (3 courses)" in text
    assert "All-time total: 15.75 CE hours (5 courses)" in text
    assert "Page 1 of 1" in text
    assert (
        "Only valid certificates Helping Professions CE issued are listed and counted"
        in " ".join(text.split())
    )
    assert "Credit the learner reported from other providers is not listed." in " ".join(
        text.split()
    )
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("DejaVuSans" in font for font in fonts)  # embedded, not the base 14


@pytest.mark.parametrize("name", NAMES)
def test_pdf_prints_names_and_titles_beyond_latin_1(db, client, name):
    learner = UserFactory(full_name=name)
    title = f"Ethics for {name}"  # a course title in the same script, in a table cell
    certificate_on(D(2024, 3, 1), learner=learner, course=CourseFactory(title=title))
    client.force_login(learner)

    data = client.get("/my-ce/transcript.pdf").content

    text = _pdf_text(data)
    assert name in text and title in text
    assert missing_glyphs(data, name) == {}


def test_pdf_header_prints_each_license_on_its_own_lines_within_the_page(db, client):
    learner = UserFactory(license=None)
    numbers = [f"{prefix}-{'7' * 45}" for prefix in ("LCSW", "LMFT", "LPCC")]  # 50 characters
    for number, (kind, state) in zip(
        numbers, [("lcsw", "TX"), ("lmft", "DC"), ("lpcc", "CA")], strict=True
    ):
        LicenseFactory(holder=learner, license_type=kind, state=state, number=number)
    certificate_on(D(2024, 3, 1), learner=learner, course=CourseFactory(title="Listed course"))
    client.force_login(learner)

    data = client.get("/my-ce/transcript.pdf").content

    runs = text_runs(data)
    page_right = 612 - 54  # US Letter less the 0.75 in margin
    assert [text for text, _, right, _ in runs if right > page_right + 0.5] == []
    labels = [text for text, *_ in runs if text in ("License", "Licenses")]
    assert labels == ["Licenses"]
    for number in numbers:
        assert sum(number in text for text, *_ in runs) == 1
    assert "District of Columbia" in _pdf_text(data)
    lines = {text: y for text, _, _, y in runs}
    assert lines["Course"] < lines["Issued"] - 20  # the course table starts below the header


def test_pdf_puts_25_courses_on_a_page_and_totals_on_the_last(learner_client):
    learner = learner_client.user
    for n in range(26):
        certificate_on(
            D(2024, 1, 1) + datetime.timedelta(days=n),
            learner=learner,
            course=CourseFactory(title=f"Listed course {n:02d}", ce_hours=1),
        )

    reader = PdfReader(io.BytesIO(learner_client.get("/my-ce/transcript.pdf").content))

    assert len(reader.pages) == 2
    first, second = (page.extract_text() for page in reader.pages)
    assert sum(f"Listed course {n:02d}" in first for n in range(26)) == 25
    assert "Listed course 00" in second  # oldest last
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "Total: 26 CE hours (26 courses)" in second
    assert "Total" not in first
    assert learner.full_name in first and learner.full_name in second


def test_period_form_keeps_the_dates_and_points_at_its_error(learner_client):
    response = learner_client.get("/my-ce/", {"start": "2024-01-01", "end": "next year"})
    html = response.content.decode()

    assert '<label for="id_start" class="form-label">Renewal period from</label>' in html
    assert 'name="start" value="2024-01-01"' in html
    # The refused field names its message, so a screen reader reads it with the field.
    assert 'aria-invalid="true" aria-describedby="id_end_error"' in html
    assert '<div id="id_end_error" class="invalid-feedback d-block">Enter a valid date.' in html


def test_pdf_header_is_the_learners_details_now_and_a_row_shows_what_its_certificate_states(
    db, client
):
    """Robin Old, PSY-1111, was certified in 2024; she then changed her name and her
    license number. The header states her details today and says so; the 2024 row shows
    the name and number its certificate states, the 2025 row (certified since) nothing."""
    learner = UserFactory(full_name="Robin Old", license__number="PSY-1111")
    before, after = CourseFactory(title="Before the change"), CourseFactory(title="After")
    for course in (before, after):
        ApprovalFactory(course=course)  # so both count toward the license in the cut one
    certificate_on(D(2024, 3, 1), learner=learner, course=before)
    learner.full_name = "Robin New"
    learner.save()
    learner.licenses.update(number="PSY-2222")
    certificate_on(D(2025, 3, 1), learner=learner, course=after)
    client.force_login(learner)

    text = " ".join(_pdf_text(client.get("/my-ce/transcript.pdf").content).split())
    cut = " ".join(
        _pdf_text(
            client.get("/my-ce/transcript.pdf", {"license": learner.licenses.get().pk}).content
        ).split()
    )

    for pdf in (text, cut):
        assert "Learner Robin New" in pdf and "PSY-2222" in pdf
        assert "Name and license as on file" in pdf
        assert pdf.count("As certified:") == 1
        assert (
            "Before the change As certified: Robin Old · Psychologist · License No. PSY-1111" in pdf
        )


def test_pdf_rows_of_layout_1_certificates_compare_their_one_license(learner_client):
    """Layout 1 certificates state one license in their own fields, the state by name:
    the first states today's license and adds nothing, the second an older number."""
    learner = learner_client.user
    today = learner.licenses.get()
    same = certificate_on(D(2024, 3, 1), learner=learner, course=CourseFactory(title="Same"))
    older = certificate_on(D(2024, 4, 1), learner=learner, course=CourseFactory(title="Older"))
    Certificate.objects.filter(pk__in=[same.pk, older.pk]).update(layout=1, licenses=[])
    Certificate.objects.filter(pk=older.pk).update(license_number="PSY-0001")

    text = " ".join(_pdf_text(learner_client.get("/my-ce/transcript.pdf").content).split())

    assert today.number in text and "California" in text
    assert text.count("As certified:") == 1
    assert "Older As certified: Psychologist · License No. PSY-0001 · California" in text


def test_pdf_and_csv_state_each_courses_credit_types_and_the_periods_total_by_type(
    learner_client,
):
    # A board checks the ethics (or law and ethics) hours a renewal needs, course by course.
    learner = learner_client.user
    ethics = certificate_on(
        D(2024, 3, 5),
        learner=learner,
        course=CourseFactory(
            title="Boundaries", ce_hours=3, credits=[("general-clinical", 2), ("ethics", 1)]
        ),
    )
    general = certificate_on(
        D(2024, 4, 1), learner=learner, course=CourseFactory(title="Alliance", ce_hours="1.5")
    )
    certificate_on(
        D(2023, 1, 1), learner=learner, course=CourseFactory(credits=[("ethics", 1)])
    )  # before the period

    query = {"start": "2024-01-01"}
    page = learner_client.get("/my-ce/", query).content.decode()
    text = " ".join(_pdf_text(learner_client.get("/my-ce/transcript.pdf", query).content).split())
    csv_text = _csv(learner_client.get("/my-ce/transcript.csv", query))

    assert "Boundaries 3 2 general/clinical 1 ethics Mar 5, 2024" in text
    assert "Alliance 1.5 1.5 general/clinical Apr 1, 2024" in text
    assert "By credit type: 3.5 general/clinical · 1 ethics" in text
    assert (
        'Boundaries<small class="d-block text-body-secondary">2 general/clinical · 1 ethics' in page
    )
    assert csv_text == (
        "\ufeffCourse,CE hours,Credit types,Completion date,Certificate code,Provider\r\n"
        f"Alliance,1.5,1.5 general/clinical,2024-04-01,{general.code},Helping Professions CE\r\n"
        f"Boundaries,3,2 general/clinical · 1 ethics,2024-03-05,{ethics.code},"
        "Helping Professions CE\r\n"
    )


def test_pdf_row_names_the_provider_only_where_its_certificate_states_another(learner_client):
    learner = learner_client.user
    renamed = certificate_on(D(2024, 3, 5), learner=learner, course=CourseFactory(title="Old"))
    certificate_on(D(2024, 4, 1), learner=learner, course=CourseFactory(title="New"))
    Certificate.objects.filter(pk=renamed.pk).update(provider_name="Former Name Institute")

    text = " ".join(_pdf_text(learner_client.get("/my-ce/transcript.pdf").content).split())

    assert "As certified: issued by Former Name Institute" in text
    assert text.count("As certified") == 1
