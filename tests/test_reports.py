"""Staff reports: who may see them, the completions roster and its CSV, evaluations, charts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.template import Context, Template

from courses.charts import Bar, PercentBarChart
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    EvaluationItemFactory,
    LicenseFactory,
    QuestionFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
)
from tests.report_data import certificate_on, evaluation, graded_attempt, reissue, revoke
from tests.second_factor import force_login_with_second_factor

D = datetime.date
REPORT_PATHS = [
    "/staff/reports/",
    "/staff/reports/completions/",
    "/staff/reports/completions.csv",
    "/staff/reports/courses/{slug}/",
]


@pytest.fixture
def course(db):
    return CourseFactory(slug="alliance", title="The therapeutic alliance")


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


# Who may see the reports ----------------------------------------------------------------


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_anonymous_users_are_sent_to_log_in(client, course, path):
    response = client.get(path.format(slug=course.slug))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/staff/reports/")


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_learners_are_refused(learner_client, course, path):
    assert learner_client.get(path.format(slug=course.slug)).status_code == 403


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_staff_without_the_permission_are_refused(client, course, path):
    force_login_with_second_factor(client, StaffFactory(is_superuser=False))

    assert client.get(path.format(slug=course.slug)).status_code == 403


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_staff_with_the_permission_see_the_report(client, course, path):
    clerk = StaffFactory(is_superuser=False)
    clerk.user_permissions.add(Permission.objects.get(codename="view_certificate"))
    force_login_with_second_factor(client, clerk)

    assert client.get(path.format(slug=course.slug)).status_code == 200


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_a_superuser_sees_the_report(staff_client, course, path):
    assert staff_client.user.is_superuser
    assert staff_client.get(path.format(slug=course.slug)).status_code == 200


def test_a_non_staff_user_with_the_permission_is_still_refused(client, course):
    learner = UserFactory()
    learner.user_permissions.add(Permission.objects.get(codename="view_certificate"))
    client.force_login(learner)

    assert client.get("/staff/reports/").status_code == 403


def test_unknown_course_is_a_404(staff_client):
    assert staff_client.get("/staff/reports/courses/no-such-course/").status_code == 404


# The completions roster -----------------------------------------------------------------


@pytest.fixture
def roster(course):
    """Three certificates of `course`, one revoked, one reissued; one of another course."""
    dana = UserFactory(
        full_name="Dana Rivera, LMFT",
        license__license_type="lmft",
        license__number="LMFT 123",
        license__state="CA",
    )
    LicenseFactory(holder=dana, license_type="lcsw", number="LCSW 9", state="NV")
    evil = UserFactory(full_name="=cmd|' /C calc'!A0", license__number="-1+1", license__state="NY")
    sam = UserFactory(
        full_name="Sam Lee", license__license_type="lcsw", license__number="", license__state=""
    )
    kept = certificate_on(D(2024, 3, 1), learner=dana, course=course)
    revoked = revoke(certificate_on(D(2024, 2, 1), learner=evil, course=course))
    original = certificate_on(D(2024, 1, 15), learner=sam, course=course)
    replacement = reissue(original, learner_name="Sam Lee-Park")
    other = certificate_on(D(2024, 3, 2), course=CourseFactory(title="Ethics for all"))
    return {
        "kept": kept,
        "revoked": revoked,
        "original": original,
        "replacement": replacement,
        "other": other,
    }


def test_roster_csv_is_exact_from_the_snapshot(staff_client, course, roster):
    # Later edits never change what the roster says.
    course.title = "Renamed course"
    course.ce_hours = Decimal("9")
    course.save()

    response = staff_client.get(
        "/staff/reports/completions.csv", {"course": course.pk, "start": "2024-01-15"}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    r = roster
    assert _csv(response) == (
        "\ufeffLearner name,License type,License number,License state,Course,CE hours,"
        "Completion date,Certificate code,Status,Reissue of,Other licenses held\r\n"
        f'"Dana Rivera, LMFT",Licensed Marriage and Family Therapist (LMFT),LMFT 123,California,'
        f"The therapeutic alliance,3,2024-03-01,{r['kept'].code},Valid,,"
        "Licensed Clinical Social Worker (LCSW) · License No. LCSW 9 · Nevada\r\n"
        f"'=cmd|' /C calc'!A0,Psychologist,'-1+1,New York,The therapeutic alliance,3,2024-02-01,"
        f"{r['revoked'].code},Revoked,,\r\n"
        f"Sam Lee-Park,Licensed Clinical Social Worker (LCSW),,,The therapeutic alliance,3,"
        f"2024-01-15,{r['replacement'].code},Valid,{r['original'].code},\r\n"
        f"Sam Lee,Licensed Clinical Social Worker (LCSW),,,The therapeutic alliance,3,"
        f"2024-01-15,{r['original'].code},Replaced by a reissued certificate,,\r\n"
    )


def test_roster_filters_by_date_range_inclusive(staff_client, roster):
    response = staff_client.get(
        "/staff/reports/completions/", {"start": "2024-02-01", "end": "2024-03-01"}
    )

    html = response.content.decode()
    assert "2 certificates" in html
    assert roster["kept"].code in html and roster["revoked"].code in html
    assert roster["other"].code not in html and roster["original"].code not in html


def test_roster_page_shows_status_and_the_record_keeping_note(staff_client, roster):
    html = staff_client.get("/staff/reports/completions/").content.decode()

    assert "5 certificates" in html
    assert "California BBS asks for 4 years, some boards for 6" in html
    assert "never deleted" in html
    assert "Revoked" in html and "Replaced" in html
    assert f'Reissue of <span class="text-nowrap">{roster["original"].code}</span>' in html
    assert "=cmd|&#x27; /C calc&#x27;!A0" in html  # escaped, shown as typed
    # Dana's second license, beside the first
    assert 'LMFT 123, California</small><small class="d-block mt-1">Licensed Clinical' in html


def test_roster_is_paginated_50_a_page(staff_client, course):
    learner = UserFactory()
    for n in range(51):
        certificate_on(D(2024, 1, 1) + datetime.timedelta(days=n), learner=learner)

    first = staff_client.get("/staff/reports/completions/").content.decode()
    second = staff_client.get("/staff/reports/completions/", {"page": 2}).content.decode()

    assert first.count('<th scope="row"') == 50
    assert second.count('<th scope="row"') == 1
    assert "51 certificates, page 2 of 2" in second
    assert 'href="?page=2"' in first


def test_roster_bad_filters_give_a_clear_message(staff_client, roster):
    response = staff_client.get(
        "/staff/reports/completions/", {"start": "2024-05-01", "end": "2024-01-01"}
    )
    csv_response = staff_client.get("/staff/reports/completions.csv", {"course": "999999"})

    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()
    assert '<th scope="row"' not in response.content.decode()  # not the whole roster
    assert csv_response.status_code == 400
    assert "Select a valid choice" in csv_response.content.decode()


# Report index and course report ---------------------------------------------------------


def test_report_index_lists_courses_with_pass_rates_and_a_chart(staff_client, course):
    question = QuestionFactory(section=SectionFactory(course=course))
    passed = EnrollmentFactory(course=course)
    graded_attempt(passed, number=1, answers=[(question, True)])
    failed = EnrollmentFactory(course=course)
    graded_attempt(failed, number=1, answers=[(question, False)])
    EnrollmentFactory(course=course)
    CourseFactory(title="Nobody yet")

    html = staff_client.get("/staff/reports/").content.decode()

    row = re.search(r"The therapeutic alliance</a>.*?</tr>", html, re.S).group(0)
    cells = re.findall(r'<td class="text-end"><span class="d-sm-none">[^<]*</span>(.*?)</td>', row)
    assert cells == ["3", "0", "2", "50%", "50%", "1.00"]
    assert "<svg" in html and 'role="img"' in html
    assert '<title id="pass-rates-title">Pass rate per course</title>' in html
    assert "The therapeutic alliance: 50% · first 50%" in html
    assert "Nobody yet: no graded attempts" in html


def test_course_report_summarises_the_evaluation(staff_client, course):
    clear = EvaluationItemFactory(course=course, text="Objectives were clear")
    useful = EvaluationItemFactory(course=course, text="Useful in my practice")
    EvaluationItemFactory(course=course, text="Nobody rated this")
    for ratings, comment in [((5, 4), "Great examples."), ((4, 2), ""), ((3, 3), "Too long.")]:
        evaluation(
            EnrollmentFactory(course=course),
            ratings={clear: ratings[0], useful: ratings[1]},
            comments=comment,
        )

    html = staff_client.get(f"/staff/reports/courses/{course.slug}/").content.decode()

    # Objectives: (5 + 4 + 3) / 3 = 4.00; useful: (4 + 2 + 3) / 3 = 3.00
    assert re.search(r"Objectives were clear</th>\s*<td[^>]*>4.00</td>\s*<td[^>]*>3</td>", html)
    assert re.search(r"Useful in my practice</th>\s*<td[^>]*>3.00</td>\s*<td[^>]*>3</td>", html)
    assert re.search(r"Nobody rated this</th>\s*<td[^>]*>–</td>\s*<td[^>]*>0</td>", html)
    assert "2 comments, newest first." in html
    assert html.index("Too long.") < html.index("Great examples.")


def test_course_report_caps_the_comments_with_a_count(staff_client, course):
    for n in range(52):
        evaluation(EnrollmentFactory(course=course), ratings={}, comments=f"Comment number {n}.")

    html = staff_client.get(f"/staff/reports/courses/{course.slug}/").content.decode()

    assert "The newest 50 of 52 comments." in html
    assert "Comment number 51." in html and "Comment number 2." in html
    assert "Comment number 1." not in html and "Comment number 0." not in html


# Charts ---------------------------------------------------------------------------------


def test_chart_is_accessible_escaped_and_free_of_style_attributes():
    chart = PercentBarChart(
        chart_id="demo",
        title="Pass <rates>",
        description="Two courses",
        bars=[Bar("A & B", 75.0, note="first 50%"), Bar("Empty", None, alert=True)],
        guides=(30,),
    )
    template = Template("{% load chart_tags %}{% percent_bar_chart chart %}")
    svg = template.render(Context({"chart": chart}))

    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"')
    assert 'aria-labelledby="demo-title demo-desc"' in svg
    assert '<title id="demo-title">Pass &lt;rates&gt;</title>' in svg
    assert '<desc id="demo-desc">Two courses</desc>' in svg
    assert ">A &amp; B</text>" in svg and ">75% · first 50%</text>" in svg
    assert 'width="240.0"' in svg  # 75% of the 320-unit track
    assert ">no data</text>" in svg and 'fill="#b02a37"' in svg
    assert svg.count('stroke-dasharray="3 2"') == 2 and ">30%</text>" in svg  # a mark per bar
    assert "style=" not in svg and "<script" not in svg
