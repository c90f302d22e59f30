"""Exact query budgets for the reading pages, the same for small and large courses.

Each page's budget is written once below. A change that adds a query must update
the number here and say why.
"""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import ProviderSettings, SectionRead
from tests.factories import (
    ApprovalFactory,
    AuthorFactory,
    CourseFactory,
    QuestionFactory,
    ReferenceFactory,
    SectionFactory,
)
from tests.helpers import AUTH

pytestmark = pytest.mark.django_db

# The credit types of the filter + the count of courses (for the pages) + one page of
# courses (with section counts) + their authors.
CATALOG_QUERIES_ANONYMOUS = 4
# Per license, whether each course counts: the viewer's licenses + course_coverage()'s
# two (the courses' current approvals, their coverage).
LICENSE_COVERAGE_QUERIES = 3
CATALOG_QUERIES_LOGGED_IN = AUTH + CATALOG_QUERIES_ANONYMOUS + LICENSE_COVERAGE_QUERIES

# Course (+ authors, + current approvals, + credit split with credit types) + sections
# with read marks and question counts + the provider's name for the approval statements.
COURSE_QUERIES_ANONYMOUS = 6
# As anonymous, plus what enrollment_summary() costs (owned by the answer-booklet work):
# one query for a learner who has not enrolled.
ENROLLMENT_SUMMARY_QUERIES = 1
COURSE_QUERIES_LOGGED_IN = (
    AUTH + COURSE_QUERIES_ANONYMOUS + ENROLLMENT_SUMMARY_QUERIES + LICENSE_COVERAGE_QUERIES
)

# Section with its course (and its content version) and the viewer's read mark.
SECTION_QUERIES_ANONYMOUS = 1
# The first view of a content version renders the section's content (section text +
# references + active questions + previous section + next section) and caches it;
# later views read it from the cache.
SECTION_CONTENT_QUERIES = 5
# Viewing writes nothing: reading.js's beats mark a section read (tests/test_earned_hours.py).
SECTION_QUERIES_LOGGED_IN = AUTH + 1


def make_course(*, sections, per_section):
    ProviderSettings.load()  # the one row, as on any site that has issued a certificate
    course = CourseFactory(authors=[AuthorFactory(), AuthorFactory()])
    ApprovalFactory(course=course)
    ApprovalFactory(course=course)
    question_number = 1
    for number in range(1, sections + 1):
        section = SectionFactory(course=course, number=number)
        for _ in range(per_section):
            ReferenceFactory(section=section)
            QuestionFactory(section=section, number=question_number)
            question_number += 1
    return course


@pytest.mark.parametrize("courses", [1, 12])
def test_catalog_queries_anonymous(client, django_assert_num_queries, courses):
    for _ in range(courses):
        make_course(sections=2, per_section=1)

    with django_assert_num_queries(CATALOG_QUERIES_ANONYMOUS):
        response = client.get(reverse("courses:catalog"))

    assert len(response.context["page"]) == courses


@pytest.mark.parametrize("courses", [1, 12])
def test_catalog_queries_logged_in(learner_client, django_assert_num_queries, courses):
    for _ in range(courses):
        make_course(sections=2, per_section=1)

    with django_assert_num_queries(CATALOG_QUERIES_LOGGED_IN):
        response = learner_client.get(reverse("courses:catalog"))

    assert len(response.context["page"]) == courses


@pytest.mark.parametrize("sections", [3, 30])
def test_course_page_queries_anonymous(client, django_assert_num_queries, sections):
    course = make_course(sections=sections, per_section=2)

    with django_assert_num_queries(COURSE_QUERIES_ANONYMOUS):
        response = client.get(course.get_absolute_url())

    assert response.context["reading"].section_count == sections


@pytest.mark.parametrize("sections", [3, 30])
def test_course_page_queries_logged_in(learner_client, django_assert_num_queries, sections):
    course = make_course(sections=sections, per_section=2)
    for section in course.sections.all()[:2]:
        SectionRead.objects.create(learner=learner_client.user, section=section)

    with django_assert_num_queries(COURSE_QUERIES_LOGGED_IN):
        response = learner_client.get(course.get_absolute_url())

    assert response.context["reading"].read_count == 2
    assert response.context["reading"].section_count == sections


def reference_count(html):
    return html.count("<li>", html.index('id="references-heading"'))


@pytest.mark.parametrize("per_section", [2, 50])
def test_section_page_queries_anonymous(client, django_assert_num_queries, per_section):
    course = make_course(sections=3, per_section=per_section)
    section = course.sections.get(number=2)

    with django_assert_num_queries(SECTION_QUERIES_ANONYMOUS + SECTION_CONTENT_QUERIES):
        first = client.get(section.get_absolute_url()).content.decode()
    with django_assert_num_queries(SECTION_QUERIES_ANONYMOUS):
        again = client.get(section.get_absolute_url()).content.decode()

    assert first == again
    assert again.count("QUESTION ") == per_section
    assert reference_count(again) == per_section


@pytest.mark.parametrize("per_section", [2, 50])
def test_section_page_queries_logged_in(learner_client, django_assert_num_queries, per_section):
    course = make_course(sections=3, per_section=per_section)
    section = course.sections.get(number=2)

    with django_assert_num_queries(SECTION_QUERIES_LOGGED_IN + SECTION_CONTENT_QUERIES):
        response = learner_client.get(section.get_absolute_url())

    assert response.content.decode().count("QUESTION ") == per_section
    assert not SectionRead.objects.exists()


def test_section_page_revisit_writes_nothing(learner_client, django_assert_num_queries):
    section = make_course(sections=1, per_section=2).sections.get()
    learner_client.get(section.get_absolute_url())

    with django_assert_num_queries(SECTION_QUERIES_LOGGED_IN):
        response = learner_client.get(section.get_absolute_url())

    assert response.content.decode().count("QUESTION ") == 2
    assert not SectionRead.objects.exists()


def test_section_page_first_visit_of_cached_content(learner_client, django_assert_num_queries):
    """Another reader has already rendered the content: the page reads no more of it."""
    section = make_course(sections=1, per_section=2).sections.get()
    Client().get(section.get_absolute_url())

    with django_assert_num_queries(SECTION_QUERIES_LOGGED_IN):
        response = learner_client.get(section.get_absolute_url())

    assert response.content.decode().count("QUESTION ") == 2
