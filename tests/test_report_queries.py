"""Query budgets: the transcript and report pages cost the same for 3 records as for 30.

Each test runs at both sizes with the same pinned count.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses.models import ApprovalScope, RequirementMinimum, RequirementProfile
from courses.services.renewals import self_reported_credit_create
from tests.factories import (
    ApprovalFactory,
    CourseFactory,
    CreditTypeFactory,
    EnrollmentFactory,
    EvaluationItemFactory,
    QuestionFactory,
    SectionFactory,
)
from tests.helpers import AUTH, STAFF
from tests.report_data import certificate_on, evaluation, graded_attempt, reissue, revoke

SIZES = [3, 30]


def _learner_record(learner, size):
    for n in range(size):
        certificate = certificate_on(
            datetime.date(2024, 1, 1) + datetime.timedelta(days=n), learner=learner
        )
        if n == 0:
            revoke(certificate)
        if n == 1:
            reissue(certificate)
        enrollment = EnrollmentFactory(learner=learner)
        section = SectionFactory(course=enrollment.course)
        learner.sections_read.create(section=section)
        graded_attempt(enrollment, number=1, answers=[(QuestionFactory(section=section), False)])


def _course_with_learners(size):
    course = CourseFactory()
    section = SectionFactory(course=course)
    questions = QuestionFactory.create_batch(4, section=section)
    items = EvaluationItemFactory.create_batch(3, course=course)
    for n in range(size):
        enrollment = EnrollmentFactory(course=course)
        answers = [(q, (n + i) % 3 != 0) for i, q in enumerate(questions)]
        graded_attempt(enrollment, number=1, answers=answers)
        if n % 2:
            graded_attempt(enrollment, number=2, answers=[(q, True) for q in questions])
        evaluation(enrollment, ratings=dict.fromkeys(items, 1 + n % 5), comments=f"Note {n}")
    return course


@pytest.mark.parametrize("size", SIZES)
def test_transcript_page(learner_client, django_assert_num_queries, size):
    _learner_record(learner_client.user, size)

    license = learner_client.user.licenses.get()
    license.renews_on = datetime.date(2026, 6, 30)
    license.save()
    profile = RequirementProfile.objects.create(
        state=license.state, license_type=license.license_type, hours_required=40
    )
    ethics = CreditTypeFactory(slug="ethics")
    RequirementMinimum.objects.create(profile=profile, credit_type=ethics, hours=6)
    for n in range(size):
        self_reported_credit_create(
            holder=learner_client.user,
            licenses=[license],
            title=f"Elsewhere {n}",
            provider_name="Other CE Co.",
            completed_on=timezone.localdate(),  # in the current renewal period
            hours=1,
            credit_type=ethics,
            certificate_file=SimpleUploadedFile("cert.pdf", b"%PDF-1.4\n%%EOF\n"),
        )

    # in progress, the learner's certificates (the totals are summed from them), licenses,
    # self-reported credit (with the licenses it counts toward), requirement profiles and
    # their minimums, the certified courses' approvals (their coverage is fetched only
    # when a course has approvals)
    with django_assert_num_queries(AUTH + 7):
        response = learner_client.get("/my-ce/", {"start": "2024-01-01", "end": "2030-01-01"})

    assert response.status_code == 200
    assert response.content.decode().count("Open the answer booklet") == size
    assert f"{size} self-reported." in response.content.decode()


@pytest.mark.parametrize("size", SIZES)
def test_transcript_downloads(learner_client, django_assert_num_queries, size):
    _learner_record(learner_client.user, size)

    # in progress, certificates, licenses
    with django_assert_num_queries(AUTH + 3):
        csv_response = learner_client.get("/my-ce/transcript.csv")
        lines = b"".join(csv_response.streaming_content).decode().splitlines()
    # + the provider's name
    with django_assert_num_queries(AUTH + 3 + 1):
        pdf_response = learner_client.get("/my-ce/transcript.pdf")

    assert len(lines) == 1 + size - 1  # header; the revoked certificate is not listed
    assert pdf_response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_completions_roster(staff_client, django_assert_num_queries, size):
    course = CourseFactory()
    for n in range(size):
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=n)
        certificate_on(day, **({"course": course} if n % 2 else {}))

    # course choices for the filter, the count, the page
    with django_assert_num_queries(STAFF + 3):
        response = staff_client.get("/staff/reports/completions/")
    # + the chosen course
    with django_assert_num_queries(STAFF + 3 + 1):
        filtered = staff_client.get("/staff/reports/completions/", {"course": course.pk})
    with django_assert_num_queries(STAFF + 1):
        csv_response = staff_client.get("/staff/reports/completions.csv")
        lines = b"".join(csv_response.streaming_content).decode().splitlines()

    assert f"{size} certificates" in response.content.decode()
    assert f"{size // 2} certificate" in filtered.content.decode()
    assert len(lines) == 1 + size


@pytest.mark.parametrize("size", SIZES)
def test_course_report(staff_client, django_assert_num_queries, size):
    course = _course_with_learners(size)

    # course with outcomes, item analysis, evaluation means, comments, tracked and
    # self-reported minutes
    with django_assert_num_queries(STAFF + 5):
        response = staff_client.get(f"/staff/reports/courses/{course.slug}/")

    assert response.status_code == 200
    assert response.context["course"].attempted == size
    assert len(response.context["items"]) == 4
    assert response.context["comments_total"] == size


@pytest.mark.parametrize("size", SIZES)
def test_report_index(staff_client, django_assert_num_queries, size):
    for _ in range(size):
        _course_with_learners(1)

    with django_assert_num_queries(STAFF + 1):
        response = staff_client.get("/staff/reports/")

    assert len(response.context["courses"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_approvals_lapsing_report(staff_client, django_assert_num_queries, size):
    today = timezone.localdate()
    for n in range(size):
        # Ended, ending within the window and ending past it, in turn; each offers two
        # published courses, and one more published course is offered under none.
        ends_on = today + datetime.timedelta(days=(-1, 30, 365)[n % 3])
        ApprovalFactory(ends_on=ends_on).courses.add(CourseFactory(), CourseFactory())
        CourseFactory()
        # An individual course approval offered with two courses, as saved before
        # Approval.clean refused it.
        shared = ApprovalFactory(scope=ApprovalScope.COURSE)
        shared.courses.add(CourseFactory(), CourseFactory(is_published=False))

    # lapsed and lapsing approvals and shared individual ones, their courses, the
    # published courses with no current approval
    with django_assert_num_queries(STAFF + 3):
        response = staff_client.get("/staff/reports/approvals/")

    ended = len(range(0, size, 3))
    assert len(response.context["approvals"]) == ended + len(range(1, size, 3))
    assert len(response.context["shared"]) == size
    assert len(response.context["unapproved"]) == size + 2 * ended
