"""Exact query counts of the answer booklet's hot paths, the same for 5 and 200 questions.

Counts include the session and user lookups of a logged-in request. Inside a test each
service's transaction is a SAVEPOINT / RELEASE pair; in production those two are the
transaction's BEGIN / COMMIT, which the query log does not show.

Each count is taken "cold" (the first request after the course's questions changed: the
booklet is read and cached) and "warm" (every later request: they are cached per content
version), which costs one query less.
"""

import pytest
from django.core.cache import caches
from django.urls import reverse

from courses.content_cache import booklet_questions
from courses.models import Answer, Course
from courses.services.enrollment import enrollment_create
from courses.services.grading import attempt_save_draft, attempt_start, attempt_submit
from tests.factories import UserFactory, booklet_answers, booklet_course

pytestmark = pytest.mark.django_db
SIZES = [5, 200]


@pytest.fixture(params=["cold", "warm"])
def booklet_cache(request):
    """Called with a course: empties the booklet cache and, when warm, fills it for the
    course. Returns the queries that saves a request (0 or 1)."""

    def prepare(course):
        caches["content"].clear()
        if request.param == "cold":
            return 0
        booklet_questions(course=Course.objects.get(pk=course.pk))
        return 1

    return prepare


def _setup(learner, questions, **course_fields):
    course = booklet_course(questions, sections=5, **course_fields)
    enrollment = enrollment_create(learner=learner, course=course)
    attempt = attempt_start(enrollment=enrollment)
    return course, attempt


def _post_data(course, attempt, action, right=None):
    """Every question answered, the first `right` of them correctly (default: all)."""
    answers = booklet_answers(course, right)
    return {
        "attempt": attempt.pk,
        "action": action,
        **{f"question-{pk}": ids for pk, ids in answers.items()},
    }


def _url(course):
    return reverse("courses:booklet", kwargs={"slug": course.slug})


@pytest.mark.parametrize("questions", SIZES)
def test_booklet_page(learner_client, django_assert_num_queries, questions, booklet_cache):
    course, attempt = _setup(learner_client.user, questions)
    attempt_save_draft(attempt=attempt, answers=booklet_answers(course))
    cached = booklet_cache(course)

    # session, user, enrollment+course, attempt in progress, questions with their choices
    with django_assert_num_queries(5 - cached):
        response = learner_client.get(_url(course))

    assert response.content.decode().count("<fieldset") == questions
    assert f"{questions} of {questions} answered" in response.content.decode().replace(
        "<span data-answered-count>", ""
    ).replace("</span>", "")


@pytest.mark.parametrize("questions", SIZES)
@pytest.mark.parametrize("json", [False, True])
def test_draft_save(learner_client, django_assert_num_queries, questions, json, booklet_cache):
    course, attempt = _setup(learner_client.user, questions)
    headers = {"Accept": "application/json"} if json else {}
    data = _post_data(course, attempt, "save")
    cached = booklet_cache(course)

    # session, user, attempt+enrollment+course, questions with choices (to validate),
    # then the service: SAVEPOINT, one UPDATE of the draft, RELEASE
    with django_assert_num_queries(7 - cached):
        response = learner_client.post(_url(course), data, headers=headers)

    assert response.status_code == (200 if json else 302)
    attempt.refresh_from_db()
    assert len(attempt.draft) == questions


@pytest.mark.parametrize("questions", SIZES)
def test_submit_and_grade_a_failing_booklet(
    learner_client, django_assert_num_queries, questions, booklet_cache
):
    course, attempt = _setup(learner_client.user, questions)
    data = _post_data(course, attempt, "submit", right=0)
    cached = booklet_cache(course)

    # session, user, attempt, questions with choices (to validate), then the service:
    # SAVEPOINT, attempt FOR UPDATE, UPDATE attempt, INSERT answers, RELEASE (the service
    # grades against the questions the view just read)
    with django_assert_num_queries(9 - cached):
        response = learner_client.post(_url(course), data)

    assert response.status_code == 302
    assert Answer.objects.filter(attempt=attempt).count() == questions


@pytest.mark.parametrize("questions", SIZES)
def test_submit_and_grade_a_passing_booklet(
    learner_client, django_assert_num_queries, questions, booklet_cache
):
    course, attempt = _setup(learner_client.user, questions)
    data = _post_data(course, attempt, "submit")
    cached = booklet_cache(course)

    # The 9 of a failing booklet, plus the UPDATE of enrollment.passed_at
    with django_assert_num_queries(10 - cached):
        learner_client.post(_url(course), data)

    assert Answer.objects.filter(attempt=attempt, is_correct=True).count() == questions
    attempt.enrollment.refresh_from_db()
    assert attempt.enrollment.passed_at is not None


@pytest.mark.parametrize("questions", SIZES)
def test_grading_service_alone(django_assert_num_queries, questions, booklet_cache):
    course, attempt = _setup(UserFactory(), questions)
    answers = booklet_answers(course, right=0)
    cached = booklet_cache(course)

    # SAVEPOINT, attempt FOR UPDATE, questions with choices, UPDATE, one INSERT, RELEASE
    with django_assert_num_queries(6 - cached) as captured:
        attempt_submit(attempt=attempt, answers=answers)

    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1 and inserts[0].startswith('INSERT INTO "courses_answer"')


@pytest.mark.parametrize("questions", SIZES)
@pytest.mark.parametrize("right", [0, None])
def test_results_page(learner_client, django_assert_num_queries, questions, right):
    course, attempt = _setup(learner_client.user, questions)
    learner_client.post(_url(course), _post_data(course, attempt, "submit", right=right))
    url = reverse("courses:results", kwargs={"attempt_id": attempt.pk})

    # session, user, attempt+enrollment+course (with its booklet record), attempt counts
    with django_assert_num_queries(4):
        response = learner_client.get(url)

    html = response.content.decode()
    if right is None:  # passed: every answer shown with its key
        assert html.count("✓ Correct answer") == questions
    else:  # failed: every question listed for review
        assert html.count("Review Section") == questions
