"""Staff records and reports. Staff with the right to view certificates only."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from courses.charts import Bar, PercentBarChart
from courses.exports import csv_response
from courses.forms.reports import CompletionFilterForm
from courses.models import Certificate, CertificateStatus
from courses.models.content import hours_text
from courses.models.credit import license_phrase
from courses.permissions import RECORDS_PERMISSION
from courses.selectors.approvals import approvals_to_review, courses_unapproved
from courses.selectors.evidence import course_time_spent
from courses.selectors.reports import (
    LOW_DISCRIMINATION,
    TOO_EASY,
    TOO_HARD,
    completions_roster,
    courses_with_outcomes,
    evaluation_comments,
    evaluation_summary,
    group_size,
    item_analysis,
)

ROSTER_PAGE_SIZE = 50
LAPSE_WARNING_DAYS = 90
ROSTER_HEADER = [
    "Learner name",
    "License type",
    "License number",
    "License state",
    "Course",
    "CE hours",
    "Completion date",
    "Certificate code",
    "Status",
    "Reissue of",
    "Other licenses held",
]


def staff_required(permission):
    """Anonymous users go to the login page; anyone else without the right gets a 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.is_active and user.is_staff and user.has_perm(permission)):
                raise PermissionDenied("Reports are for CE staff.")
            return view(request, *args, **kwargs)

        return require_GET(wrapper)

    return decorator


records_staff_required = staff_required(RECORDS_PERMISSION)


@records_staff_required
def report_index(request):
    courses = list(courses_with_outcomes())
    chart = PercentBarChart(
        chart_id="pass-rates",
        title="Pass rate per course",
        description="Percent of learners with a graded attempt who passed, first attempt "
        "and overall, per course. The same numbers are in the table below.",
        bars=[
            Bar(
                c.title,
                c.pass_rate,
                note=f"first {c.first_pass_rate:.0f}%" if c.first_pass_rate is not None else "",
            )
            for c in courses
        ],
        empty_text="no graded attempts",
    )
    return render(request, "courses/reports/index.html", {"courses": courses, "chart": chart})


def _filter_form(request):
    form = CompletionFilterForm(request.GET or None)
    return form, (400 if form.is_bound and not form.is_valid() else 200)


@records_staff_required
def completions(request):
    form, status = _filter_form(request)
    # Refused filters list nothing: the whole roster would pass for a filtered one.
    roster = completions_roster(**form.filters) if status == 200 else Certificate.objects.none()
    page = Paginator(roster, ROSTER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/reports/completions.html",
        {"form": form, "page": page, "csv_query": request.GET.urlencode() if status == 200 else ""},
        status=status,
    )


@records_staff_required
def completions_csv(request):
    form, status = _filter_form(request)
    if status != 200:
        return completions(request)
    statuses = dict(CertificateStatus.choices)
    rows = (
        [
            *row[:5],  # name, license type, number and state, course: as recorded
            hours_text(row[5]),
            row[6].isoformat(),
            row[7],
            statuses.get(row[8], row[8]),
            row[9] or "",
            "; ".join(license_phrase(held) for held in row[10][1:]),
        ]
        for row in completions_roster(**form.filters)
        .values_list(
            "learner_name",
            "license_type",
            "license_number",
            "license_state",
            "course_title",
            "ce_hours",
            "completed_on",
            "code",
            "status",
            "replaces_code",
            "licenses",
        )
        .iterator(chunk_size=2000)
    )
    return csv_response(
        filename=f"completions-{timezone.localdate():%Y-%m-%d}.csv", header=ROSTER_HEADER, rows=rows
    )


@records_staff_required
def course_report(request, slug):
    course = get_object_or_404(courses_with_outcomes(), slug=slug)
    items = item_analysis(course=course, learners=course.attempted)
    comments, comments_total = evaluation_comments(course=course)
    chart = PercentBarChart(
        chart_id="item-difficulty",
        title=f"Percent correct per question, {course.title}",
        description=f"Percent of learners answering each question correctly on their first "
        f"attempt, with the upper-lower discrimination index D. Dashed lines at "
        f"{TOO_HARD:.0f}% and {TOO_EASY:.0f}% mark the review limits. "
        f"The same numbers are in the item analysis table.",
        bars=[
            Bar(
                f"QUESTION {item.number}: {item.stem}",
                item.difficulty,
                note=(
                    f"D {item.discrimination:.2f}" if item.discrimination is not None else "D n/a"
                )
                + (" · review" if item.needs_review else ""),
                alert=item.needs_review,
            )
            for item in items
        ],
        guides=(TOO_HARD, TOO_EASY),
    )
    context = {
        "course": course,
        "items": items,
        "chart": chart,
        "group_size": group_size(course.attempted),
        "evaluation_items": evaluation_summary(course=course),
        "comments": comments,
        "comments_total": comments_total,
        "time_spent": course_time_spent(course=course),
        "limits": {"easy": TOO_EASY, "hard": TOO_HARD, "discrimination": LOW_DISCRIMINATION},
    }
    return render(request, "courses/reports/course.html", context)


@staff_required("courses.view_approval")
def approvals_lapsing_report(request):
    """Approvals that have ended or end within LAPSE_WARNING_DAYS while a live course is
    offered under them, individual course approvals shared by several courses, and live
    courses that no current approval covers."""
    today = timezone.localdate()
    approvals = approvals_to_review(on=today, days=LAPSE_WARNING_DAYS)
    return render(
        request,
        "courses/reports/approvals.html",
        {
            "approvals": approvals.lapsing,
            "shared": approvals.shared,
            "unapproved": courses_unapproved(on=today),
            "days": LAPSE_WARNING_DAYS,
            "today": today,
        },
    )
