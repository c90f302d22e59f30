"""Enrolment, numbered attempts, attempt limits, drafts, and the course-page panel."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from courses.models import Attempt, AttemptState, EnrollmentStatus
from courses.selectors.learning import enrollment_summary
from courses.services.certificates import certificate_issue
from courses.services.enrollment import enrollment_create
from courses.services.grading import (
    AttemptNotAllowed,
    attempt_save_draft,
    attempt_start,
    attempt_submit,
)
from tests.factories import (
    CompletedEnrollmentFactory,
    CourseFactory,
    UserFactory,
    booklet_answers,
    booklet_course,
)

pytestmark = pytest.mark.django_db


def _fail(attempt, course):
    attempt_submit(attempt=attempt, answers=booklet_answers(course, 0))


def test_enrollment_create_is_idempotent():
    learner, course = UserFactory(), CourseFactory()

    first = enrollment_create(learner=learner, course=course)
    second = enrollment_create(learner=learner, course=course)

    assert first.pk == second.pk


def test_enrollment_create_refuses_an_unpublished_course():
    with pytest.raises(ValidationError, match="not open for enrolment"):
        enrollment_create(learner=UserFactory(), course=CourseFactory(is_published=False))


def test_attempts_are_numbered_and_only_one_is_in_progress():
    course = booklet_course(2)
    enrollment = enrollment_create(learner=UserFactory(), course=course)

    first = attempt_start(enrollment=enrollment)
    again = attempt_start(enrollment=enrollment)
    _fail(first, course)
    second = attempt_start(enrollment=enrollment)

    assert again.pk == first.pk
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(enrollment=enrollment, number=3)  # a second in-progress one


@pytest.mark.parametrize("max_attempts", [1, 3])
def test_maximum_attempts_is_enforced(max_attempts):
    course = booklet_course(2, max_attempts=max_attempts)
    enrollment = enrollment_create(learner=UserFactory(), course=course)
    for _ in range(max_attempts):
        _fail(attempt_start(enrollment=enrollment), course)

    with pytest.raises(AttemptNotAllowed, match=f"used all {max_attempts} attempt"):
        attempt_start(enrollment=enrollment)

    assert enrollment.attempts.count() == max_attempts


def test_unlimited_attempts_when_max_attempts_is_blank():
    course = booklet_course(1, max_attempts=None)
    enrollment = enrollment_create(learner=UserFactory(), course=course)
    for _ in range(5):
        _fail(attempt_start(enrollment=enrollment), course)

    assert attempt_start(enrollment=enrollment).number == 6


def test_no_new_attempt_after_passing():
    course = booklet_course(2)
    enrollment = enrollment_create(learner=UserFactory(), course=course)
    attempt_submit(attempt=attempt_start(enrollment=enrollment), answers=booklet_answers(course, 2))

    with pytest.raises(AttemptNotAllowed, match="already passed"):
        attempt_start(enrollment=enrollment)


def test_draft_save_merges_into_the_draft_and_stops_once_graded():
    course = booklet_course(3)
    enrollment = enrollment_create(learner=UserFactory(), course=course)
    attempt = attempt_start(enrollment=enrollment)
    answers = booklet_answers(course, 3)
    one = dict(list(answers.items())[:1])

    assert attempt_save_draft(attempt=attempt, answers=one)
    assert Attempt.objects.get(pk=attempt.pk).draft == one
    assert attempt_save_draft(attempt=attempt, answers=answers)
    assert Attempt.objects.get(pk=attempt.pk).draft == answers

    attempt_submit(attempt=attempt, answers=answers)
    assert not attempt_save_draft(attempt=attempt, answers={})
    assert Attempt.objects.get(pk=attempt.pk).draft == answers


def test_draft_resumes_on_another_device(client):
    course = booklet_course(2)
    learner = UserFactory()
    enrollment = enrollment_create(learner=learner, course=course)
    attempt = attempt_start(enrollment=enrollment)
    answers = booklet_answers(course, 2)
    attempt_save_draft(attempt=attempt, answers=dict(list(answers.items())[:1]))

    client.force_login(learner)  # a fresh session, as on another device
    html = client.get(reverse("courses:booklet", kwargs={"slug": course.slug})).content.decode()

    chosen = next(iter(answers.values()))[0]
    assert f'value="{chosen}" checked' in html
    assert html.count(" checked") == 1


def _summary(learner, course):
    return enrollment_summary(learner=learner, course=course)


def test_summary_follows_the_learner_through_the_course():
    course = booklet_course(2, max_attempts=2)
    learner = UserFactory()
    assert _summary(learner, course) is None

    enrollment = enrollment_create(learner=learner, course=course)
    assert _summary(learner, course).status == EnrollmentStatus.READING

    attempt = attempt_start(enrollment=enrollment)
    attempt_save_draft(attempt=attempt, answers=dict(list(booklet_answers(course, 2).items())[:1]))
    summary = _summary(learner, course)
    assert summary.status == EnrollmentStatus.TESTING
    assert (summary.answered_count, summary.question_count) == (1, 2)

    _fail(attempt, course)
    summary = _summary(learner, course)
    assert summary.status == EnrollmentStatus.READING
    assert summary.last_graded.pk == attempt.pk and summary.attempts_left == 1

    attempt_submit(attempt=attempt_start(enrollment=enrollment), answers=booklet_answers(course, 2))
    assert _summary(learner, course).status == EnrollmentStatus.EVALUATION_DUE


def test_summary_out_of_attempts_and_complete():
    course = booklet_course(1, max_attempts=1)
    learner = UserFactory()
    enrollment = enrollment_create(learner=learner, course=course)
    _fail(attempt_start(enrollment=enrollment), course)
    assert _summary(learner, course).status == EnrollmentStatus.OUT_OF_ATTEMPTS

    done = CompletedEnrollmentFactory()
    certificate = certificate_issue(enrollment=done)
    summary = _summary(done.learner, done.course)
    assert summary.status == EnrollmentStatus.COMPLETE
    assert summary.certificate_code == certificate.code


def test_course_page_panel_shows_each_state(learner_client):
    course = booklet_course(2, max_attempts=1)
    url = course.get_absolute_url()

    html = learner_client.get(url).content.decode()
    assert "Enrol in this course" in html
    assert reverse("courses:enrol", kwargs={"slug": course.slug}) in html

    learner_client.post(reverse("courses:enrol", kwargs={"slug": course.slug}))
    html = learner_client.get(url).content.decode()
    assert "Enrolled · reading" in html and "Open the answer booklet" in html

    learner_client.get(reverse("courses:booklet", kwargs={"slug": course.slug}))
    html = learner_client.get(url).content.decode()
    assert "Test in progress" in html and "0 of 2 answered" in html

    attempt = Attempt.objects.get(state=AttemptState.IN_PROGRESS)
    _fail(attempt, course)
    html = learner_client.get(url).content.decode()
    assert "No attempts left" in html and reverse("accessibility") in html


def test_course_page_panel_when_passed_and_complete(learner_client):
    course = booklet_course(2)
    enrollment = enrollment_create(learner=learner_client.user, course=course)
    attempt_submit(attempt=attempt_start(enrollment=enrollment), answers=booklet_answers(course, 2))

    html = learner_client.get(course.get_absolute_url()).content.decode()
    assert "Passed · evaluation due" in html
    assert reverse("courses:evaluation", kwargs={"slug": course.slug}) in html

    done = CompletedEnrollmentFactory(learner=learner_client.user)
    code = certificate_issue(enrollment=done).code
    html = learner_client.get(done.course.get_absolute_url()).content.decode()
    assert "Complete" in html
    assert reverse("courses:certificate_pdf", kwargs={"code": code}) in html
    assert reverse("courses:transcript") in html


def test_every_page_tells_an_out_of_attempts_learner_the_same(learner_client):
    """The course page, results, My CE and attempt_start share one state rule."""
    course = booklet_course(1, max_attempts=1)
    enrollment = enrollment_create(learner=learner_client.user, course=course)
    attempt = attempt_start(enrollment=enrollment)
    _fail(attempt, course)

    course_page = learner_client.get(course.get_absolute_url()).content.decode()
    results = learner_client.get(reverse("courses:results", args=[attempt.pk])).content.decode()
    my_ce = learner_client.get(reverse("courses:transcript")).content.decode()

    assert 'data-enrollment-status="out_of_attempts"' in course_page
    assert "No attempts left" in results and "Start attempt" not in results
    assert "Not passed; no attempts left (1 used)" in my_ce
    with pytest.raises(AttemptNotAllowed, match="used all 1 attempt"):
        attempt_start(enrollment=enrollment)


def test_every_page_offers_a_retake_while_attempts_are_left(learner_client):
    course = booklet_course(1, max_attempts=2)
    enrollment = enrollment_create(learner=learner_client.user, course=course)
    attempt = attempt_start(enrollment=enrollment)
    _fail(attempt, course)

    course_page = learner_client.get(course.get_absolute_url()).content.decode()
    results = learner_client.get(reverse("courses:results", args=[attempt.pk])).content.decode()
    my_ce = learner_client.get(reverse("courses:transcript")).content.decode()

    assert 'data-enrollment-status="reading"' in course_page and "1 attempt left" in course_page
    assert "You have 1 attempt left." in results and "Start attempt 2" in results
    assert "a retake is available" in my_ce
    assert attempt_start(enrollment=enrollment).number == 2
