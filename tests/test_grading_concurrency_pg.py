"""Double submission on PostgreSQL: real threads, real connections, real row locks.

Several requests submit the same attempt at once (a double click, two tabs, two app
servers). Exactly one grades it; the others get that result, and none errors.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from courses.models import Answer, Attempt, AttemptState
from courses.services.enrollment import enrollment_create
from courses.services.grading import attempt_save_draft, attempt_start, attempt_submit
from tests.factories import UserFactory, booklet_answers, booklet_course

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
THREADS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite has no row locks and one writer at a time")


def _run_together(work):
    """Run work(i) in THREADS threads released at the same instant; return results, errors."""
    barrier = threading.Barrier(THREADS)
    results, errors = [None] * THREADS, []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # every failure is reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_concurrent_service_submissions_grade_exactly_once():
    course = booklet_course(20)
    attempt = attempt_start(enrollment=enrollment_create(learner=UserFactory(), course=course))
    # Each thread sends different answers, so the stored result shows whose won.
    variants = [booklet_answers(course, right=i * 2) for i in range(THREADS)]

    results, errors = _run_together(
        lambda i: attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), answers=variants[i])
    )

    assert errors == []
    assert sum(not result.already_graded for result in results) == 1
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED
    assert {result.attempt.correct_count for result in results} == {attempt.correct_count}
    assert Answer.objects.filter(attempt=attempt).count() == 20
    stored = {str(entry["question_id"]): entry["selected"] for entry in attempt.booklet_record}
    assert stored in variants  # one thread's answers, whole, never a mix
    assert {str(a.question_id): a.is_correct for a in Answer.objects.all()} == {
        str(entry["question_id"]): entry["is_correct"] for entry in attempt.booklet_record
    }


def test_concurrent_draft_saves_of_different_questions_all_land():
    """Devices that loaded the same draft each save a different answer at once: every
    answer is kept (the merge re-reads the row under lock when another save won)."""
    course = booklet_course(THREADS)
    attempt = attempt_start(enrollment=enrollment_create(learner=UserFactory(), course=course))
    answers = list(booklet_answers(course).items())
    copies = [Attempt.objects.get(pk=attempt.pk) for _ in range(THREADS)]

    results, errors = _run_together(
        lambda i: attempt_save_draft(attempt=copies[i], answers=dict([answers[i]]))
    )

    assert errors == [] and all(results)
    attempt.refresh_from_db()
    assert attempt.draft == dict(answers)


def test_concurrent_http_submissions_all_land_on_the_one_result():
    course = booklet_course(10)
    learner = UserFactory()
    attempt = attempt_start(enrollment=enrollment_create(learner=learner, course=course))
    data = {"attempt": attempt.pk, "action": "submit"}
    data.update({f"question-{q}": ids for q, ids in booklet_answers(course, right=10).items()})
    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(learner)
        clients.append(client)
    url = reverse("courses:booklet", kwargs={"slug": course.slug})

    responses, errors = _run_together(lambda i: clients[i].post(url, data))

    assert errors == []
    results_url = reverse("courses:results", kwargs={"attempt_id": attempt.pk})
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, results_url)] * THREADS
    assert Answer.objects.filter(attempt=attempt).count() == 10


def test_concurrent_retakes_open_one_attempt():
    course = booklet_course(3, max_attempts=5)
    enrollment = enrollment_create(learner=UserFactory(), course=course)
    attempt_submit(attempt=attempt_start(enrollment=enrollment), answers=booklet_answers(course, 0))

    results, errors = _run_together(lambda i: attempt_start(enrollment=enrollment))

    assert errors == []
    assert {attempt.pk for attempt in results} == {results[0].pk}
    assert results[0].number == 2
    assert enrollment.attempts.count() == 2


def test_booklet_records_are_compressed_with_lz4():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'courses_attempt'::regclass AND attname = 'booklet_record'"
        )
        assert cursor.fetchone() == ("l",)
