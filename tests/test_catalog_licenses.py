"""The catalog and course page say, license by license, whether a course counts and
through which body; the catalog filters by profession, state, credit type and hours and
searches titles, with a constant number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Approval, ApprovalCoverage, CourseApproval
from courses.services.licenses import license_create
from tests.factories import CourseFactory, CreditTypeFactory, UserFactory
from tests.helpers import AUTH

pytestmark = pytest.mark.django_db


def _approval(abbreviation, *coverage, ends_in_days=365):
    today = timezone.localdate()
    approval = Approval.objects.create(
        body_name=f"{abbreviation} body",
        body_abbreviation=abbreviation,
        number=f"{abbreviation}-1",
        scope="provider",
        starts_on=today - datetime.timedelta(days=365),
        ends_on=today + datetime.timedelta(days=ends_in_days),
        statement_template="{provider_name} is approved.",
    )
    for profession, state in coverage:
        ApprovalCoverage.objects.create(approval=approval, profession=profession, state=state)
    return approval


def _course(title, *approvals, hours="3", credits=None):
    course = CourseFactory(title=title, ce_hours=Decimal(hours), credits=credits)
    for approval in approvals:
        CourseApproval.objects.create(course=course, approval=approval)
    return course


@pytest.fixture
def clinician():
    user = UserFactory(license__license_type="lcsw", license__state="TX")
    license_create(holder=user, license_type="lpc", state="OR", number="LPC-7")
    return user


@pytest.fixture
def ethics():
    return CreditTypeFactory(slug="ethics")


@pytest.fixture
def courses(ethics):
    aswb = _approval("ASWB ACE", ("social_work", ""))
    apa = _approval("APA", ("psychology", ""))
    camft = _approval("CAMFT CEPA", ("marriage_family_therapy", "CA"), ("counseling", "CA"))
    lapsed = _approval("NBCC", ("counseling", ""), ends_in_days=-1)
    return {
        "social work": _course(
            "Boundaries in social work", aswb, credits=[(ethics.slug, Decimal("3"))]
        ),
        "psychology": _course("Assessment for psychologists", apa, hours="6"),
        "california": _course("California law and ethics", camft, lapsed, hours="1.5"),
    }


def _coverage_lines(html, title):
    card = html.split(title, 1)[1].split("</article>", 1)[0]
    return re.findall(r'<span aria-hidden="true">.</span> (.*?)</li>', card)


def test_each_course_says_for_each_license_whether_and_through_whom_it_counts(
    client, clinician, courses
):
    client.force_login(clinician)

    html = client.get(reverse("courses:catalog")).content.decode()

    assert _coverage_lines(html, "Boundaries in social work") == [
        "Counts for your LCSW (Texas) through ASWB ACE",
        "Not approved for your LPC (Oregon)",
    ]
    none = ["Not approved for your LCSW (Texas)", "Not approved for your LPC (Oregon)"]
    # Approved for none of the clinician's licenses.
    assert _coverage_lines(html, "Assessment for psychologists") == none
    # CAMFT covers counselors in California only, and NBCC's approval has lapsed.
    assert _coverage_lines(html, "California law and ethics") == none


def test_the_course_page_says_it_too(client, clinician, courses):
    client.force_login(clinician)
    url = reverse("courses:course", args=[courses["social work"].slug])

    html = client.get(url).content.decode()

    assert "Counts for your LCSW (Texas) through ASWB ACE" in html
    assert "Not approved for your LPC (Oregon)" in html


def test_anonymous_visitors_see_no_license_lines(client, courses):
    html = client.get(reverse("courses:catalog")).content.decode()

    assert "Counts for your" not in html and "Not approved for your" not in html


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"profession": "social_work"}, ["Boundaries in social work"]),
        ({"profession": "counseling", "state": "CA"}, ["California law and ethics"]),
        ({"profession": "counseling", "state": "OR"}, []),  # NBCC has lapsed
        ({"state": "TX"}, ["Assessment for psychologists", "Boundaries in social work"]),
        ({"credit_type": "ethics"}, ["Boundaries in social work"]),
        ({"min_hours": "3", "max_hours": "3"}, ["Boundaries in social work"]),
        ({"max_hours": "2"}, ["California law and ethics"]),
        ({"q": "ASSESSMENT"}, ["Assessment for psychologists"]),
        ({"utm_source": "newsletter"}, None),  # unknown parameters are ignored
    ],
)
def test_the_catalog_filters(client, courses, query, titles):
    every = sorted(course.title for course in courses.values())

    response = client.get(reverse("courses:catalog"), query)

    assert response.status_code == 200
    assert [c.title for c in response.context["page"]] == (every if titles is None else titles)


@pytest.mark.parametrize(
    "query",
    [
        {"min_hours": "lots"},
        {"credit_type": "no-such-type"},
        {"profession": "astrology"},
        {"state": "XX"},
        {"min_hours": "5", "max_hours": "1"},
        {"q": "x" * 101},
        {"min_hours": "NaN"},
    ],
)
def test_bad_filters_are_a_clear_400_with_the_whole_catalog(client, courses, query):
    response = client.get(reverse("courses:catalog"), query)

    assert response.status_code == 400
    assert len(response.context["page"]) == 3
    assert "invalid-feedback" in response.content.decode() or "alert-danger" in (
        response.content.decode()
    )


@pytest.mark.parametrize("size", [3, 12])
def test_the_catalog_costs_the_same_for_3_or_12_courses(
    client, clinician, ethics, django_assert_num_queries, size
):
    aswb = _approval("ASWB ACE", ("social_work", ""))
    for n in range(size):
        _course(f"Course {n:02}", aswb, credits=[(ethics.slug, Decimal("3"))])
    client.force_login(clinician)

    # the credit types for the filter, the count of courses, a page of courses (with
    # section counts), their authors, the viewer's licenses, the courses' current
    # approvals, and those approvals' coverage
    with django_assert_num_queries(AUTH + 7):
        response = client.get(reverse("courses:catalog"), {"profession": "social_work"})

    assert response.content.decode().count("Counts for your LCSW (Texas) through ASWB ACE") == size
