"""The catalog's search and filters, and whether each course counts for the viewer's
licenses (courses.selectors.approvals does the matching)."""

import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.text import get_text_list

from courses.models import ApprovalCoverage, Course, CourseCredit, License
from courses.selectors.approvals import course_coverage
from courses.selectors.reading import catalog_courses


def catalog_search(
    *,
    on: datetime.date,
    q: str = "",
    profession: str = "",
    state: str = "",
    credit_type: str = "",
    min_hours: Decimal | None = None,
    max_hours: Decimal | None = None,
) -> QuerySet[Course]:
    """Published courses whose title contains `q`, approved on `on` for the profession
    and/or state asked for (an approval covering every state counts everywhere), with
    some hours of the credit type (its slug), and CE hours within the bounds."""
    courses = catalog_courses()
    if q:
        courses = courses.filter(title__icontains=q)
    if profession or state:
        coverage = ApprovalCoverage.objects.filter(
            Q(approval__ends_on__isnull=True) | Q(approval__ends_on__gte=on),
            approval__courses=OuterRef("pk"),
            approval__starts_on__lte=on,
        )
        if profession:
            coverage = coverage.filter(profession=profession)
        if state:
            coverage = coverage.filter(Q(state="") | Q(state=state))
        courses = courses.filter(Exists(coverage))
    if credit_type:
        courses = courses.filter(
            Exists(
                CourseCredit.objects.filter(course=OuterRef("pk"), credit_type__slug=credit_type)
            )
        )
    if min_hours is not None:
        courses = courses.filter(ce_hours__gte=min_hours)
    if max_hours is not None:
        courses = courses.filter(ce_hours__lte=max_hours)
    return courses


class LicenseCoverage(NamedTuple):
    """One line of 'Counts for your LCSW (Texas) through ASWB ACE'."""

    license: License
    approvals: list  # the approvals covering it; empty: not approved for it

    @property
    def bodies(self) -> str:
        return get_text_list(list(dict.fromkeys(a.short_name for a in self.approvals)), "and")


def viewer_licenses(viewer) -> list[License]:
    if not viewer.is_authenticated:
        return []
    return list(License.objects.filter(holder=viewer))


def license_coverage(
    *, courses: list[Course], licenses: list[License], on: datetime.date
) -> dict[int, list[LicenseCoverage]]:
    """{course id: [LicenseCoverage per license]}: two queries, whatever the number of
    courses and licenses; none without licenses."""
    if not licenses or not courses:
        return {course.pk: [] for course in courses}
    coverage = course_coverage(courses=courses, licenses=licenses, on=on)
    return {
        course.pk: [LicenseCoverage(lic, coverage[course.pk][lic.pk]) for lic in licenses]
        for course in courses
    }
