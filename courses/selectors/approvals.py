"""Which approvals count for whom: a course's approvals matched to a clinician's licenses.

A license here is anything with `.profession` (a Profession value) and `.state` (a
two-letter code); an approval covers it when one of its coverage rows names that
profession in that state or in every state, and its period includes the day asked about.
"""

from collections import defaultdict
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, Subquery, When

from courses.models import Approval, ApprovalCoverage, ApprovalScope, Course, CourseApproval


class HeldLicense(NamedTuple):
    """A license as a certificate states it (License.snapshot())."""

    profession: str  # a Profession value, or "" for a license type that names none
    license_type: str  # as printed, e.g. "Licensed Clinical Social Worker (LCSW)"
    state: str  # two-letter code
    number: str


def covers(approval: Approval, license) -> bool:
    """Whether the approval's (prefetched) coverage includes the license."""
    return any(
        row.profession == license.profession and row.state in ("", license.state)
        for row in approval.coverage.all()
    )


def approvals_covering(*, course: Course, license, on: date) -> list[Approval]:
    """The course's approvals, current on `on`, that cover the license (one query)."""
    rows = ApprovalCoverage.objects.filter(
        approval=OuterRef("pk"), profession=license.profession, state__in=["", license.state]
    )
    return list(course.approvals.current(on).filter(Exists(rows)))


def approvals_by_course(courses, *, current_on: date | None = None) -> dict[int, list[Approval]]:
    """{course id: [approvals]} with their coverage prefetched, in two queries (none for
    no courses); with `current_on`, only the approvals current that day."""
    links = CourseApproval.objects.filter(course__in=courses)
    if current_on is not None:
        links = links.filter(approval__in=Approval.objects.current(current_on))
    links = links.select_related("approval").prefetch_related(
        Prefetch("approval__coverage", queryset=ApprovalCoverage.objects.order_by())
    )
    by_course = defaultdict(list)
    for link in links:
        by_course[link.course_id].append(link.approval)
    return by_course


def course_coverage(*, courses, licenses, on: date) -> dict[int, dict[int, list[Approval]]]:
    """{course id: {license id: [approvals]}} for a page of courses, in two queries.

    Every course and license has an entry; an empty list means the course is not
    approved for that license on `on`.
    """
    by_course = approvals_by_course(courses, current_on=on)
    result = {}
    for course in courses:
        course_id = getattr(course, "pk", course)
        result[course_id] = {
            license.pk: [a for a in by_course[course_id] if covers(a, license)]
            for license in licenses
        }
    return result


def certificate_approvals(*, course: Course, licenses, on: date) -> list[Approval]:
    """The approvals a certificate cites: current on the day of completion and covering
    one of the licenses held. Without any license on file there is nothing to match,
    so every current approval of the course is cited. Two queries."""
    approvals = course.approvals.current(on).prefetch_related("coverage")
    if not licenses:
        return [a for a in approvals if a.coverage.all()]
    return [a for a in approvals if any(covers(a, license) for license in licenses)]


class ApprovalsToReview(NamedTuple):
    """What the approvals report flags (approvals_to_review)."""

    # Offered with a published course and ended (`lapsed`), ending soon or with no end on
    # record; `live` lists those courses. The ended ones first, then the soonest to end.
    lapsing: list[Approval]
    # Individual course approvals offered with more than one course, saved before
    # Approval.clean refused it; `linked` lists every course offered under one.
    shared: list[Approval]


def approvals_to_review(*, on: date, days: int = 90) -> ApprovalsToReview:
    """The approvals to renew or to correct, with their courses, in two queries: those a
    published course is offered under that have ended or end within `days` of `on`, and
    individual course approvals shared by several courses."""
    live = Course.objects.published()
    links = CourseApproval.objects.filter(approval=OuterRef("pk")).order_by()
    approvals = list(
        Approval.objects.alias(
            linked_count=Subquery(links.values("approval").annotate(n=Count("*")).values("n"))
        )
        .annotate(
            lapsing=Q(Exists(links.filter(course__in=live)))
            & (Q(ends_on__isnull=True) | Q(ends_on__lte=on + timedelta(days))),
            shared=Q(scope=ApprovalScope.COURSE, linked_count__gt=1),
            lapsed=Case(When(ends_on__lt=on, then=True), default=False),
        )
        .filter(Q(lapsing=True) | Q(shared=True))
        .order_by("-lapsed", F("ends_on").asc(nulls_first=True), "body_name", "id")
        .prefetch_related(
            Prefetch(
                "courses",
                queryset=Course.objects.annotate(is_live=Q(pk__in=live)).order_by("title"),
                to_attr="linked",
            )
        )
    )
    for approval in approvals:
        approval.live = [course for course in approval.linked if course.is_live]
    return ApprovalsToReview(
        lapsing=[approval for approval in approvals if approval.lapsing],
        shared=[approval for approval in approvals if approval.shared],
    )


def courses_unapproved(*, on: date):
    """Published courses that no approval current on `on` covers (as publishing asks):
    still open for enrolment, but their certificates cite no approval."""
    links = CourseApproval.objects.filter(
        course=OuterRef("pk"), approval__in=Approval.objects.citable(on)
    )
    return Course.objects.published().exclude(Exists(links)).order_by("title")
