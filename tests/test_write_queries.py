"""Exact query counts of the learner's writes: enrol, retake, the evaluation submit
(which issues the certificate), the reissue request and the profile page.

Counts include the session and user lookups of a logged-in request. Inside a test each
transaction is a SAVEPOINT / RELEASE pair; in production those are BEGIN / COMMIT,
which the query log does not show.
"""

import pytest
from django.urls import reverse

from courses.models import Certificate, ProviderSettings
from courses.services.certificates import certificate_issue
from courses.services.enrollment import enrollment_create
from courses.services.grading import attempt_start, attempt_submit
from tests.factories import (
    CompletedEnrollmentFactory,
    EvaluationItemFactory,
    booklet_answers,
    booklet_course,
)
from tests.helpers import AUTH

pytestmark = pytest.mark.django_db


def test_enrol(learner_client, django_assert_num_queries):
    course = booklet_course(2)

    # AUTH + course; enrollment_create: SAVEPOINT, a verified email address (allauth's
    # EmailAddress), the enrollment (none yet), SAVEPOINT, INSERT the enrollment,
    # RELEASE, RELEASE.
    with django_assert_num_queries(AUTH + 1 + 7):
        response = learner_client.post(reverse("courses:enrol", args=[course.slug]))

    assert response.status_code == 302
    assert course.enrollments.filter(learner=learner_client.user).exists()


def test_retake(learner_client, django_assert_num_queries):
    course = booklet_course(2, max_attempts=3)
    enrollment = enrollment_create(learner=learner_client.user, course=course)
    attempt_submit(attempt=attempt_start(enrollment=enrollment), answers=booklet_answers(course, 0))

    # AUTH + the enrollment with its course; attempt_start: SAVEPOINT, the enrollment
    # locked, the attempt in progress (none), the count of attempts, the sections'
    # questions per attempt, INSERT the attempt, RELEASE.
    with django_assert_num_queries(AUTH + 1 + 7):
        response = learner_client.post(reverse("courses:retake", args=[course.slug]))

    assert response.status_code == 302
    assert enrollment.attempts.filter(number=2).exists()


@pytest.mark.parametrize("items", [3, 12])
def test_evaluation_submit_issues_the_certificate(learner_client, django_assert_num_queries, items):
    course = booklet_course(2)
    enrollment = enrollment_create(learner=learner_client.user, course=course)
    attempt_submit(attempt=attempt_start(enrollment=enrollment), answers=booklet_answers(course))
    for _ in range(items):
        EvaluationItemFactory(course=course)
    ProviderSettings.load()
    url = reverse("courses:evaluation", args=[course.slug])
    data = {"minutes_spent": "90", "comments": ""} | {
        f"item-{item.pk}": "5" for item in course.evaluation_items.all()
    }

    # AUTH + the enrollment with its course;
    # evaluation_items_ensure: SAVEPOINT, the items, RELEASE;
    # evaluation_submit: SAVEPOINT, the enrollment locked, any earlier response,
    #   (SAVEPOINT, the items, RELEASE), INSERT the response, INSERT the ratings,
    #   UPDATE the enrollment's completed_at;
    # certificate_issue: SAVEPOINT, the enrollment locked, any certificate, the
    #   licenses held, the provider settings, the credit types' hours, the approvals,
    #   the authors, (SAVEPOINT, INSERT the certificate, RELEASE), INSERT its issued
    #   event, RELEASE;
    # RELEASE.
    with django_assert_num_queries(AUTH + 1 + 3 + 9 + 13 + 1):
        response = learner_client.post(url, data)

    assert response.status_code == 302
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_profile_page(learner_client, django_assert_num_queries):
    # AUTH + a fresh copy of the user for the form, the user's licenses.
    with django_assert_num_queries(AUTH + 2):
        response = learner_client.get(reverse("profile"))

    assert response.status_code == 200
    assert learner_client.user.email in response.content.decode()


def test_reissue_request(learner_client, django_assert_num_queries):
    learner = learner_client.user
    certificate = certificate_issue(enrollment=CompletedEnrollmentFactory(learner=learner))
    learner.full_name = "Dana Rivera-Okafor, LCSW"  # what the reissue is for
    learner.save()
    url = reverse("courses:reissue_request", args=[certificate.code])

    # AUTH + the certificate (the learner's own); reissue_request_create: SAVEPOINT, the
    # certificate locked, no request pending, the learner's licenses (to snapshot),
    # INSERT the request, INSERT its event in the certificate's history, RELEASE.
    with django_assert_num_queries(AUTH + 1 + 7):
        response = learner_client.post(url, {"reason": "My name changed when I married."})

    assert response.status_code == 302
    assert certificate.reissue_requests.get().reason == "My name changed when I married."
