"""The evidence behind a credit (a certificate's record) and a course's hours justified."""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from courses.models import Attempt, Certificate, Enrollment, LicenseType, SectionRead
from courses.services.certificates import certificate_issue
from courses.services.evaluation import evaluation_items_ensure, evaluation_submit
from courses.services.grading import attempt_start, attempt_submit
from courses.services.reading import reading_beat, section_mark_read
from tests.factories import (
    CompletedEnrollmentFactory,
    EnrollmentFactory,
    LicenseFactory,
    SectionFactory,
    UserFactory,
    booklet_answers,
    booklet_course,
)
from tests.helpers import STAFF, text_of

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def certified():
    """A learner who read sections 1 (measured, 12.5 min) and 2 (self-declared, 3 min),
    failed attempt 1 (1 of 3), passed attempt 2 (3 of 3), and claimed 95 minutes."""
    course = booklet_course(3, sections=3)
    learner = UserFactory(full_name="Robin Registrar-Check")
    one, two, _ = course.sections.order_by("number")
    enrollment = EnrollmentFactory(learner=learner, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        tracked_seconds=41 * 60 + 20,
        section_seconds={str(one.pk): 750, str(two.pk): 180},
    )
    SectionRead.objects.create(learner=learner, section=one)
    SectionRead.objects.create(learner=learner, section=two, self_declared=True)
    enrollment.refresh_from_db()
    attempt_submit(attempt=attempt_start(enrollment=enrollment), answers=booklet_answers(course, 1))
    second = attempt_start(enrollment=enrollment)
    Attempt.objects.filter(pk=second.pk).update(started_at=timezone.now() - timedelta(minutes=7))
    attempt_submit(attempt=second, answers=booklet_answers(course))
    items = evaluation_items_ensure(course=course)
    evaluation_submit(
        enrollment=enrollment, ratings={i.pk: 5 for i in items}, minutes_spent=95, comments="Good."
    )
    return Certificate.objects.get(enrollment=enrollment)


def test_the_evidence_page_figures_match_the_records(staff_client, certified):
    enrollment = certified.enrollment
    attempts = list(enrollment.attempts.order_by("number"))

    page = text_of(staff_client.get(reverse("courses:evidence", args=[certified.code])))

    assert "Robin Registrar-Check" in page
    assert "Tracked on the course 41 min" in page  # 41 min 20 s
    assert "Claimed in the evaluation 95 min" in page
    assert "Sections read (2 of 3)" in page
    assert re.search(r"Section 1: [^|]*? Time measured 12\.5", page)
    assert re.search(r"Section 2: [^|]*? Self-declared 3\.0", page)
    assert re.search(r"Section 3: Section title \d+ Not read 0\.0", page)
    assert f"{attempts[0].score:.0f}% (1 of 3) Not passed" in page
    assert "100% (3 of 3) Passed" in page
    assert re.search(r" 7 100% \(3 of 3\)", page)  # attempt 2 took 7 minutes
    assert page.count("The course met this learning objective") == 2
    assert "Good." in page
    assert "Issued" in page


def test_the_evidence_pdf_shows_the_record_and_no_correct_answer(staff_client, certified):
    response = staff_client.get(reverse("courses:evidence_pdf", args=[certified.code]))

    text = pdf_text(response)
    assert response["Content-Type"] == "application/pdf"
    assert f"Evidence behind certificate {certified.code}" in text
    assert "41 minutes on the course" in text and "95 minutes in the evaluation" in text
    assert "Self-declared" in text and "Time measured" in text
    assert "choice" not in text and "Question stem" not in text  # no items, no answers


def test_reading_after_the_certificate_leaves_its_evidence_as_it_stood(staff_client, certified):
    """After the certificate the learner rereads section 1 for a 20 s beat (41:40 in all,
    12.8 min on it) and declares section 3 read: the record keeps 41 min, 12.5, 2 of 3."""
    enrollment = certified.enrollment
    learner, slug = enrollment.learner, enrollment.course.slug
    reading_beat(learner=learner, slug=slug, number=1, start=True)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        last_beat_at=timezone.now() - timedelta(seconds=20)
    )
    reading_beat(learner=learner, slug=slug, number=1)
    section_mark_read(
        learner=learner, section=enrollment.course.sections.get(number=3), self_declared=True
    )

    page = text_of(staff_client.get(reverse("courses:evidence", args=[certified.code])))
    pdf = pdf_text(staff_client.get(reverse("courses:evidence_pdf", args=[certified.code])))

    assert "Tracked on the course 41 min" in page
    assert re.search(r"Section 1: [^|]*? Time measured 12\.5", page)
    assert "Sections read (2 of 3)" in page
    assert "41 minutes on the course" in pdf and "Sections read (2 of 3)" in pdf
    assert re.search(r"Section 1: [^|]*?Time measured\s12\.5", pdf)


def test_a_section_added_after_the_certificate_is_not_in_its_evidence(staff_client, certified):
    SectionFactory(course=certified.enrollment.course, number=4, title="Addendum")

    page = text_of(staff_client.get(reverse("courses:evidence", args=[certified.code])))
    pdf = pdf_text(staff_client.get(reverse("courses:evidence_pdf", args=[certified.code])))

    assert "Sections read (2 of 3)" in page and "Sections read (2 of 3)" in pdf
    assert "Addendum" not in page and "Addendum" not in pdf


def test_the_evidence_shows_the_time_tracked_when_the_course_was_completed(staff_client, certified):
    """The enrollment's total says 51 min, counted after completion; the evaluation
    recorded 41 min on completion, and that is the record."""
    Enrollment.objects.filter(pk=certified.enrollment_id).update(tracked_seconds=51 * 60)

    page = text_of(staff_client.get(reverse("courses:evidence", args=[certified.code])))

    assert "Tracked on the course 41 min" in page


def test_the_evidence_states_every_license_the_certificate_states(staff_client):
    learner = UserFactory(license__state="TX", license__number="PSY-TX-4411")
    LicenseFactory(holder=learner, license_type=LicenseType.LMFT, state="DC", number="LMFT-DC-7730")
    certificate = certificate_issue(enrollment=CompletedEnrollmentFactory(learner=learner))
    pdf_url = reverse("courses:evidence_pdf", args=[certificate.code])

    page = text_of(staff_client.get(reverse("courses:evidence", args=[certificate.code])))
    pdf = " ".join(pdf_text(staff_client.get(pdf_url)).split())  # a long line wraps
    Certificate.objects.filter(pk=certificate.pk).update(layout=1)  # as issued before licenses
    old_pdf = pdf_text(staff_client.get(pdf_url))

    for text in (page, pdf):
        assert "PSY-TX-4411" in text and "Texas" in text
        assert "LMFT-DC-7730" in text and "District of Columbia" in text
    assert "Licenses" in pdf
    # A layout 1 certificate printed one license; its evidence says that one only.
    assert "PSY-TX-4411" in old_pdf and "LMFT-DC-7730" not in old_pdf


def test_the_evidence_page_queries(staff_client, certified, django_assert_num_queries):
    # certificate with enrollment, learner and course; sections, with the titles read
    # as a subquery; reads; attempts; evaluation; its ratings; the events with their actors
    with django_assert_num_queries(STAFF + 7):
        response = staff_client.get(reverse("courses:evidence", args=[certified.code]))

    assert response.status_code == 200


def test_the_evidence_is_for_records_staff_only(learner_client, certified):
    response = learner_client.get(reverse("courses:evidence", args=[certified.code]))
    missing = learner_client.get(reverse("courses:evidence", args=["NOPE"]))

    assert response.status_code == 403 and missing.status_code == 403


def _justified_course(ce_hours, *, questions=4):
    """Two sections: 3,000 words (15 min at 200/min) and 1,000 words with 9 min of audio
    (5 min of reading, so the audio's 9 count); 4 questions at 1.5 min: 15 + 9 + 6 = 30."""
    course = booklet_course(questions, sections=2, ce_hours=ce_hours)
    one, two = course.sections.order_by("number")
    one.body = " ".join(["word"] * 3000)
    one.save()
    two.body = " ".join(["word"] * 1000)
    two.save()
    two.__class__.objects.filter(pk=two.pk).update(audio_duration=540)
    course.refresh_from_db()
    return course


def test_the_hours_justification_shows_the_content_and_the_estimate(staff_client):
    course = _justified_course(Decimal("0.50"))

    page = text_of(staff_client.get(reverse("courses:hours", args=[course.slug])))

    assert "Words 4000" in page
    assert "Audio 9.0 min" in page
    assert "Questions 4" in page
    assert "Estimated study time 0.50 hours" in page
    assert "The CE hours are within 20%" in page
    assert "exceed" not in page


def test_the_hours_justification_warns_when_the_hours_exceed_the_estimate(staff_client):
    course = _justified_course(Decimal("1.00"))  # 0.50 h estimated, 0.60 h allowed

    page = text_of(staff_client.get(reverse("courses:hours", args=[course.slug])))
    slower = text_of(staff_client.get(reverse("courses:hours", args=[course.slug]) + "?rate=100"))

    assert "exceed the estimated study time by more than 20%" in page
    assert "at most 0.60 hours" in page
    assert "Estimated study time 0.77 hours" in slower  # at 100/min: 30 + 10 + 6 = 46 min
    assert "exceed" in slower


def test_the_hours_justification_counts_the_questions_an_attempt_asks(staff_client):
    """Each section draws 2 of its 20 questions an attempt: 4 answered, so 15 + 9 + 6 = 30
    min (0.50 hours), not 15 + 9 + 60. One CE hour is more than the 0.60 supported."""
    course = _justified_course(Decimal("1.00"), questions=40)
    course.sections.update(questions_per_attempt=2)

    page = text_of(staff_client.get(reverse("courses:hours", args=[course.slug])))

    assert "Questions 4 Reading rate" in page
    assert "Estimated study time 0.50 hours" in page
    assert "exceed the estimated study time by more than 20%" in page


def test_the_hours_justification_downloads_as_csv_and_a_one_page_pdf(staff_client):
    course = _justified_course(Decimal("1.00"))

    response = staff_client.get(reverse("courses:hours_csv", args=[course.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    pdf = staff_client.get(reverse("courses:hours_pdf", args=[course.slug]))

    assert rows[0] == ["Section", "Words", "Reading minutes", "Audio minutes", "Questions"]
    assert rows[1][1:] == ["3000", "15.0", "0.0", "2"]
    assert rows[2][1:] == ["1000", "5.0", "9.0", "2"]
    assert rows[3] == ["Total", "4000", "20.0", "9.0", "4"]
    assert ["Estimated study hours", "0.50"] in rows
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 1
    assert "exceed the estimate by more than 20%" in pdf_text(pdf)


def test_the_course_report_shows_tracked_beside_self_reported_time(staff_client, certified):
    course = certified.enrollment.course

    page = text_of(staff_client.get(reverse("courses:course_report", args=[course.slug])))

    assert "Median tracked 41 min" in page
    assert "Median self-reported 95 min" in page
    assert "30–59 min 1 0" in page and "60–119 min 0 1" in page


def test_the_evidence_shows_each_section_titled_as_the_learner_read_it(staff_client, certified):
    """Section 1 was renamed after the completion: the record keeps the title read.
    Section 2 was renamed while the learner studied (its rename is dated before the
    completion): the record shows that title, not the one it was created with."""
    one, two, _ = certified.enrollment.course.sections.order_by("number")
    completed_at = certified.enrollment.completed_at
    read_as = one.title
    two.history.update(history_date=completed_at - timedelta(hours=2))  # created long before
    two.title = "Consent, renamed mid-course"
    two.save()
    two.history.filter(title=two.title).update(history_date=completed_at - timedelta(hours=1))
    one.title = "Power, retitled by staff later"
    one.save()

    page = text_of(staff_client.get(reverse("courses:evidence", args=[certified.code])))
    pdf = pdf_text(staff_client.get(reverse("courses:evidence_pdf", args=[certified.code])))

    for text in (page, " ".join(pdf.split())):
        assert f"Section 1: {read_as}" in text
        assert "Section 2: Consent, renamed mid-course" in text
        assert "retitled by staff later" not in text


def test_the_evidence_numbers_each_section_as_the_learner_read_it(staff_client, certified):
    """Staff moved section 1 to the end after the completion: the record keeps its place."""
    one = certified.enrollment.course.sections.get(number=1)
    one.number = 4
    one.save()

    page = text_of(staff_client.get(reverse("courses:evidence", args=[certified.code])))

    assert f"Section 1: {one.title}" in page
    assert "Section 4" not in page


def test_a_section_with_no_history_from_the_completion_shows_its_title(staff_client, certified):
    """Sections older than their history (rows removed here) fall back to today's title."""
    three = certified.enrollment.course.sections.get(number=3)
    three.history.all().delete()
    three.title = "Section three as it stands"
    three.__class__.objects.filter(pk=three.pk).update(title=three.title)  # no history row

    page = text_of(staff_client.get(reverse("courses:evidence", args=[certified.code])))

    assert "Section 3: Section three as it stands Not read" in page


@pytest.mark.parametrize("view", ["courses:hours", "courses:hours_pdf", "courses:hours_csv"])
@pytest.mark.parametrize("rate", ["%C2%B2", "%E2%91%A0", "0", "-1", "1e100", "700", "abc"])
def test_an_invalid_reading_rate_is_refused_with_a_message(staff_client, view, rate):
    """Superscript and circled digits pass str.isdigit() but not int(); out-of-range
    rates used to be dropped silently, so staff could not tell their rate was ignored."""
    course = _justified_course(Decimal("0.50"))

    response = staff_client.get(reverse(view, args=[course.slug]) + f"?rate={rate}")

    assert response.status_code == 400
    assert "Reading rate" in text_of(response)
    assert "whole number from 50 to 600" in text_of(response)


def test_a_reading_rate_at_either_limit_is_used(staff_client):
    course = _justified_course(Decimal("0.50"))

    for rate in (50, 600):
        response = staff_client.get(reverse("courses:hours", args=[course.slug]) + f"?rate={rate}")
        assert response.status_code == 200
        assert f"Reading rate {rate} words/min" in text_of(response)
