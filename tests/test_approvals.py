"""Approvals the way boards grant them: statements word for word, whom they cover, their
periods, and what publishing and certificates make of them."""

import io
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from courses.models import (
    ApprovalScope,
    CourseApproval,
    CourseCredit,
    CreditType,
    ProviderSettings,
)
from courses.models.approvals import date_text
from courses.pdf.certificate import certificate_pdf_render
from courses.selectors.approvals import approvals_covering, course_coverage
from courses.services.certificates import (
    certificate_issue,
    certificate_reissue,
    reissue_request_create,
)
from tests.factories import (
    ApprovalFactory,
    AuthorFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    CreditTypeFactory,
    LicenseFactory,
    QuestionFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
    make_publishable,
)
from tests.helpers import text_of
from tests.report_data import certificate_on

pytestmark = pytest.mark.django_db

# The statements as each body publishes them (courses/demo/manifest.json has the same).
APA = (
    "{provider_name} is approved by the American Psychological Association to sponsor "
    "continuing education for psychologists. {provider_name} maintains responsibility for "
    "this program and its content."
)
ASWB = (
    "{provider_name}, provider #{number}, is approved as an ACE provider to offer social work "
    "continuing education by the Association of Social Work Boards (ASWB) Approved Continuing "
    "Education (ACE) program. Regulatory boards are the final authority on courses accepted "
    "for continuing education credit. ACE provider approval period: {period}. Social workers "
    "completing this course receive {credit_types} continuing education credits."
)
NBCC = (
    "{provider_name} has been approved by NBCC as an Approved Continuing Education Provider, "
    "ACEP No. {number}. Programs that do not qualify for NBCC credit are clearly identified. "
    "{provider_name} is solely responsible for all aspects of the programs."
)
CAMFT = (
    "Course meets the qualifications for {hours} hours of continuing education credit for "
    "LMFTs, LCSWs, LPCCs, and/or LEPs as required by the California Board of Behavioral "
    "Sciences. CAMFT approved continuing education provider #{number}."
)


def lcsw(state="TX"):
    return SimpleNamespace(pk=f"lcsw-{state}", profession="social_work", state=state)


def split_course(**fields):
    """3 CE hours: 2 general/clinical and 1 law and ethics."""
    return CourseFactory(
        ce_hours=Decimal("3.00"),
        credits=[("general-clinical", Decimal("2.00")), ("law-and-ethics", Decimal("1.00"))],
        **fields,
    )


def statement_for(approval, course):
    credits = [(c.credit_type.name, c.hours) for c in course.credits.all()]
    return approval.statement(
        provider_name="Helping Professions CE", hours=course.ce_hours, credits=credits
    )


# Statements ------------------------------------------------------------------------


def test_apa_statement_names_the_provider_twice_in_apas_words():
    approval = ApprovalFactory(statement_template=APA)
    assert statement_for(approval, split_course()) == (
        "Helping Professions CE is approved by the American Psychological Association to "
        "sponsor continuing education for psychologists. Helping Professions CE maintains "
        "responsibility for this program and its content."
    )


def test_aswb_statement_carries_number_period_credits_and_credit_type():
    approval = ApprovalFactory(
        number="1234",
        starts_on=date(2025, 3, 1),
        ends_on=date(2028, 2, 29),
        statement_template=ASWB,
    )
    assert statement_for(approval, split_course()) == (
        "Helping Professions CE, provider #1234, is approved as an ACE provider to offer social "
        "work continuing education by the Association of Social Work Boards (ASWB) Approved "
        "Continuing Education (ACE) program. Regulatory boards are the final authority on "
        "courses accepted for continuing education credit. ACE provider approval period: "
        "March 1, 2025 – February 29, 2028. Social workers completing this course receive "
        "2 general/clinical and 1 law and ethics continuing education credits."
    )


def test_nbcc_statement_gives_the_acep_number():
    approval = ApprovalFactory(number="7021", statement_template=NBCC)
    assert statement_for(approval, split_course()) == (
        "Helping Professions CE has been approved by NBCC as an Approved Continuing Education "
        "Provider, ACEP No. 7021. Programs that do not qualify for NBCC credit are clearly "
        "identified. Helping Professions CE is solely responsible for all aspects of the "
        "programs."
    )


def test_hours_come_from_the_course_never_from_the_statement():
    approval = ApprovalFactory(number="PCE 99", statement_template=CAMFT)
    course = CourseFactory(ce_hours=Decimal("1.50"))
    assert "qualifications for 1.5 hours of continuing" in statement_for(approval, course)
    course = CourseFactory(ce_hours=Decimal("6.00"))
    assert "qualifications for 6 hours of continuing" in statement_for(approval, course)


def test_three_credit_types_are_listed_in_the_courses_order():
    approval = ApprovalFactory(statement_template="Credits: {credit_types}.")
    course = CourseFactory(
        ce_hours=Decimal("4.00"),
        credits=[
            ("general-clinical", Decimal("2.50")),
            ("ethics", Decimal("1.00")),
            ("cultural-diversity", Decimal("0.50")),
        ],
    )
    assert statement_for(approval, course) == (
        "Credits: 2.5 general/clinical, 1 ethics and 0.5 cultural diversity."
    )


def test_doubled_braces_print_as_the_board_wrote_them():
    approval = ApprovalFactory(statement_template="Approved {{as written}} for {hours} hours.")
    approval.full_clean()
    assert statement_for(approval, split_course()) == "Approved {as written} for 3 hours."


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "Approved for {hour} hours by {board}.",
            "Unknown placeholders {hour}, {board}. The statement may use: {provider_name}, "
            "{number}, {hours}, {credit_types}, {period}, {starts_on}, {ends_on}.",
        ),
        ("Approved for {0} hours.", "Unknown placeholder {0}."),
        ("Approved for {hours hours.", "The statement has an unmatched brace."),
        ("Approved } for 3 hours.", "The statement has an unmatched brace."),
        (
            "Provider #{number}, for {hours:.1f} credits.",
            "Write {hours} rather than {hours:.1f}: placeholders are filled in as text",
        ),
        ("Provider {number!r}.", "Write {number} rather than {number!r}:"),
    ],
)
def test_unknown_placeholders_and_stray_braces_are_refused(template, message):
    approval = ApprovalFactory.build(statement_template=template)
    with pytest.raises(ValidationError) as refused:
        approval.full_clean()
    assert message in refused.value.message_dict["statement_template"][0]


def test_an_approval_period_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalFactory(starts_on=date(2025, 1, 1), ends_on=date(2024, 12, 31))


# Coverage --------------------------------------------------------------------------


def test_coverage_matches_profession_and_state_or_every_state():
    course = CourseFactory()
    today = timezone.localdate()
    texas = ApprovalFactory(course=course, coverage=[("social_work", "TX")])
    everywhere = ApprovalFactory(course=course, coverage=[("social_work", "")])
    ApprovalFactory(course=course, coverage=[("psychology", "")])
    ApprovalFactory(coverage=[("social_work", "")])  # not offered for this course

    assert approvals_covering(course=course, license=lcsw("TX"), on=today) == [texas, everywhere]
    assert approvals_covering(course=course, license=lcsw("OR"), on=today) == [everywhere]
    counselor = SimpleNamespace(pk=3, profession="counseling", state="TX")
    assert approvals_covering(course=course, license=counselor, on=today) == []


def test_course_coverage_answers_for_a_page_of_courses_in_two_queries(
    django_assert_num_queries,
):
    today = timezone.localdate()
    courses = [CourseFactory() for _ in range(5)]
    aswb = ApprovalFactory(coverage=[("social_work", "")])
    camft = ApprovalFactory(coverage=[("marriage_family_therapy", "CA"), ("social_work", "CA")])
    lapsed = ApprovalFactory(coverage=[("social_work", "")], ends_on=today - timedelta(days=1))
    for course in courses[:3]:
        CourseApproval.objects.create(course=course, approval=aswb)
    CourseApproval.objects.create(course=courses[3], approval=camft)
    CourseApproval.objects.create(course=courses[4], approval=lapsed)
    licenses = [lcsw("CA"), lcsw("TX"), SimpleNamespace(pk=9, profession="psychology", state="CA")]

    # The courses' current approvals (with their approval) + the approvals' coverage.
    with django_assert_num_queries(2):
        coverage = course_coverage(courses=courses, licenses=licenses, on=today)

    assert coverage[courses[0].pk] == {"lcsw-CA": [aswb], "lcsw-TX": [aswb], 9: []}
    assert coverage[courses[3].pk] == {"lcsw-CA": [camft], "lcsw-TX": [], 9: []}
    # Approved for none of the clinician's licenses: its only approval has lapsed.
    assert coverage[courses[4].pk] == {"lcsw-CA": [], "lcsw-TX": [], 9: []}


def test_a_course_approval_belongs_to_one_course():
    approval = ApprovalFactory(scope=ApprovalScope.COURSE, course=CourseFactory())
    second = CourseApproval(course=CourseFactory(), approval=approval)
    with pytest.raises(ValidationError, match="individual course approval for another course"):
        second.full_clean()


def test_an_approval_shared_by_two_courses_cannot_become_a_course_approval(admin_client):
    approval = ApprovalFactory(scope=ApprovalScope.PROVIDER)
    for title in ("Ethics of Power", "Grief Work"):
        CourseApproval.objects.create(course=CourseFactory(title=title), approval=approval)
    url = reverse("admin:courses_approval_change", args=[approval.pk])
    data = admin_form(admin_client.get(url))
    data["scope"] = ApprovalScope.COURSE

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert (
        "An individual course approval is for one course, and 2 courses are offered under "
        "this one: Ethics of Power and Grief Work." in text_of(response)
    )
    approval.refresh_from_db()
    assert approval.scope == ApprovalScope.PROVIDER


def _earned_under(approval, completed_on):
    """A certificate of a course offered under `approval`, completed on `completed_on`."""
    course = CourseFactory()
    CourseApproval.objects.create(course=course, approval=approval)
    certificate_on(completed_on, course=course)


def test_an_approvals_period_keeps_the_days_certificates_were_earned_under_it(admin_client):
    approval = ApprovalFactory(starts_on=date(2024, 1, 1), ends_on=date(2026, 12, 31))
    _earned_under(approval, date(2024, 6, 3))
    url = reverse("admin:courses_approval_change", args=[approval.pk])
    data = admin_form(admin_client.get(url))
    data["starts_on"] = "2025-01-01"

    refused = admin_client.post(url, data)
    data["starts_on"], data["ends_on"] = "2024-06-03", "2028-12-31"  # still includes it
    accepted = admin_client.post(url, data)

    assert refused.status_code == 200
    assert "Certificates were earned under this approval from June 3, 2024" in text_of(refused)
    assert accepted.status_code == 302
    approval.refresh_from_db()
    assert (approval.starts_on, approval.ends_on) == (date(2024, 6, 3), date(2028, 12, 31))


def test_whom_an_approval_covers_is_kept_once_certificates_were_earned_under_it(admin_client):
    approval = ApprovalFactory()
    _earned_under(approval, date(2024, 6, 3))
    url = reverse("admin:courses_approval_change", args=[approval.pk])
    data = admin_form(admin_client.get(url))
    data["coverage-0-DELETE"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Certificates were earned under this approval" in text_of(response)
    assert approval.coverage.count() == 1


# Credit split ----------------------------------------------------------------------


def test_a_credit_type_appears_once_per_course_with_positive_hours():
    course = CourseFactory()
    ethics = CreditTypeFactory(slug="ethics")
    CourseCredit.objects.create(course=course, credit_type=ethics, hours=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseCredit.objects.create(course=course, credit_type=ethics, hours=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseCredit.objects.create(
            course=course, credit_type=CreditTypeFactory(slug="supervision"), hours=0
        )


def test_staff_can_add_a_credit_type_and_the_seeded_ones_are_there(admin_client):
    assert set(CreditType.objects.values_list("name", flat=True)) >= {
        "general/clinical",
        "ethics",
        "law and ethics",
        "cultural diversity",
        "suicide assessment",
        "supervision",
    }
    response = admin_client.post(
        reverse("admin:courses_credittype_add"),
        {"name": "pain management", "slug": "pain-management", "position": "9"},
    )
    assert response.status_code == 302
    assert CreditType.objects.filter(slug="pain-management").exists()


def test_admin_refuses_a_split_that_does_not_add_up(admin_client):
    course = CourseFactory(ce_hours=Decimal("3.00"), credits=[], is_published=False)
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = admin_form(admin_client.get(url))
    general = CreditTypeFactory(slug="general-clinical")
    law = CreditTypeFactory(slug="law-and-ethics")
    data.update(
        {
            "credits-TOTAL_FORMS": "2",
            "credits-0-credit_type": str(general.pk),
            "credits-0-hours": "2.00",
            "credits-1-credit_type": str(law.pk),
            "credits-1-hours": "0.75",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert (
        "The credit types add up to 2.75 hours, but the course is 3 CE hours."
        in response.content.decode()
    )
    assert not course.credits.exists()

    data["credits-1-hours"] = "1.00"
    assert admin_client.post(url, data).status_code == 302
    assert [(c.credit_type.slug, c.hours) for c in course.credits.all()] == [
        ("general-clinical", Decimal("2.00")),
        ("law-and-ethics", Decimal("1.00")),
    ]


def test_admin_refuses_deleting_the_whole_split_of_a_published_course(admin_client):
    course = ready_course()
    course.is_published = True
    course.save()
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = admin_form(admin_client.get(url))
    for row in range(int(data["credits-INITIAL_FORMS"])):
        data[f"credits-{row}-DELETE"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "3 CE hours into credit types." in response.content.decode()
    assert course.credits.exists()

    del data["is_published"]  # a draft's split may be empty while it is written
    assert admin_client.post(url, data).status_code == 302
    assert not course.credits.exists()


# Publishing ------------------------------------------------------------------------


@pytest.fixture
def admin_client(staff_client):
    return staff_client


def admin_form(response):
    from tests.helpers import page_data

    return page_data(response)


def ready_course(**fields):
    course = make_publishable(CourseFactory(is_published=False, **fields))
    section = SectionFactory(course=course, number=1)
    for number in range(1, 19):  # 6 per CE hour for 3 hours
        QuestionFactory(section=section, number=number)
    return course


def publish(admin_client, course):
    return admin_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "publish", "_selected_action": [course.pk]},
        follow=True,
    ).content.decode()


def test_a_ready_course_publishes_without_a_warning(admin_client):
    course = ready_course()
    page = publish(admin_client, course)
    assert "Published 1 course(s)." in page
    assert "APA recommends" not in page


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        (lambda c: c.authors.clear(), "The course has no author."),
        (lambda c: c.evaluation_items.all().delete(), "The course has no evaluation items."),
        (
            lambda c: CourseApproval.objects.filter(course=c).delete(),
            "No current approval covers the course",
        ),
        (
            lambda c: c.approvals.update(ends_on=timezone.localdate() - timedelta(days=1)),
            "No current approval covers the course",
        ),
        (
            lambda c: c.approvals.update(starts_on=timezone.localdate() + timedelta(days=1)),
            "No current approval covers the course",
        ),
        (
            lambda c: c.approvals.first().coverage.all().delete(),
            "No current approval covers the course",
        ),
        (
            lambda c: c.credits.update(hours=Decimal("2.00")),
            "The credit types add up to 2 hours, but the course is 3 CE hours.",
        ),
    ],
    ids=["author", "evaluation", "approval", "lapsed", "not-yet", "covers-nobody", "split"],
)
def test_publishing_is_refused_with_the_reason(admin_client, spoil, problem):
    course = ready_course()
    spoil(course)

    page = publish(admin_client, course)

    assert f"“{course}” was not published:" in page
    assert problem in page
    course.refresh_from_db()
    assert course.is_published is False


def test_the_published_box_gives_the_same_refusal(admin_client):
    course = ready_course()
    course.authors.clear()
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = admin_form(admin_client.get(url))
    data["is_published"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Cannot publish: The course has no author." in response.content.decode()


def test_too_few_questions_per_hour_warns_but_publishes(admin_client):
    course = ready_course()
    course.sections.get().questions.filter(number__gt=11).delete()  # 11 for 3 hours

    page = publish(admin_client, course)

    assert "Published 1 course(s)." in page
    assert (
        "The answer booklet asks 11 questions for 3 CE hours; APA recommends at least 6 per credit "
        "hour (18)." in page
    )
    course.refresh_from_db()
    assert course.is_published is True


@pytest.mark.parametrize(("drawn", "asked"), [(11, 11), (30, 18)])
def test_the_questions_per_hour_warning_counts_the_questions_an_attempt_asks(drawn, asked):
    """The section's 18 questions are a pool: an attempt asks `drawn` of them, or all 18."""
    course = ready_course()
    course.sections.update(questions_per_attempt=drawn)

    warnings = course.publish_warnings()

    assert warnings == (
        [
            f"The answer booklet asks {asked} questions for 3 CE hours; APA recommends at "
            "least 6 per credit hour (18)."
        ]
        if asked < 18
        else []
    )


def test_a_published_course_whose_approval_lapsed_can_still_be_edited(admin_client):
    course = ready_course()
    course.is_published = True
    course.save()
    course.approvals.update(ends_on=timezone.localdate() - timedelta(days=1))
    renewed = ApprovalFactory()
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = admin_form(admin_client.get(url))
    data[f"course_approvals-{int(data['course_approvals-TOTAL_FORMS']) - 1}-approval"] = str(
        renewed.pk
    )

    assert admin_client.post(url, data).status_code == 302
    assert renewed in course.approvals.all()


def test_saving_a_published_course_with_no_current_approval_warns(admin_client):
    course = ready_course()
    course.is_published = True
    course.save()
    course.approvals.update(ends_on=timezone.localdate() - timedelta(days=1))
    url = reverse("admin:courses_course_change", args=[course.pk])

    page = text_of(admin_client.post(url, admin_form(admin_client.get(url)), follow=True))

    assert f"“{course}”: No current approval covers the course" in page
    course.refresh_from_db()
    assert course.is_published is True  # staff decide; nothing is unpublished for them


# Lapsing ---------------------------------------------------------------------------


def test_an_approval_lapsing_mid_course_is_not_cited_after():
    today = timezone.localdate()
    course = split_course()
    lapsing = ApprovalFactory(
        course=course,
        body_name="Lapsing Board",
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=1),
    )
    ApprovalFactory(course=course, body_name="Lasting Board")
    # Enrolled while both were current; completed the day after the first one ended.
    enrollment = CompletedEnrollmentFactory(course=course)
    enrollment.enrolled_at = timezone.now() - timedelta(days=30)
    enrollment.save()
    assert lapsing.is_current(today - timedelta(days=30))

    certificate = certificate_issue(enrollment=enrollment)

    assert [a["board"] for a in certificate.approvals] == ["Lasting Board"]
    assert "Lapsing Board" not in pdf_text(certificate)


def test_an_approval_is_cited_on_its_last_day():
    today = timezone.localdate()
    course = split_course()
    ApprovalFactory(course=course, body_name="Last Day Board", ends_on=today)
    ApprovalFactory(course=course, body_name="First Day Board", starts_on=today)
    ApprovalFactory(course=course, body_name="Tomorrow Board", starts_on=today + timedelta(1))

    certificate = certificate_issue(enrollment=CompletedEnrollmentFactory(course=course))

    assert [a["board"] for a in certificate.approvals] == ["First Day Board", "Last Day Board"]


def test_dashboard_lists_approvals_lapsing_within_90_days_of_a_live_course(staff_client):
    today = timezone.localdate()
    live = CourseFactory(title="Live course", is_published=True)
    draft = CourseFactory(title="Draft course", is_published=False)
    soon = ApprovalFactory(body_name="Soon Board", ends_on=today + timedelta(days=90))
    later = ApprovalFactory(body_name="Later Board", ends_on=today + timedelta(days=91))
    unknown = ApprovalFactory(body_name="Unknown End Board", ends_on=None)
    draft_only = ApprovalFactory(body_name="Draft Board", ends_on=today + timedelta(days=10))
    for approval in (soon, later, unknown):
        CourseApproval.objects.create(course=live, approval=approval)
    CourseApproval.objects.create(course=draft, approval=draft_only)
    CourseApproval.objects.create(course=draft, approval=soon)

    response = staff_client.get(reverse("courses:approvals_lapsing"))

    page = response.content.decode()
    assert response.status_code == 200
    assert [a.body_name for a in response.context["approvals"]] == [
        "Unknown End Board",
        "Soon Board",
    ]
    assert [c.title for c in response.context["approvals"][1].live] == ["Live course"]
    assert "No end date on record" in page
    assert "Draft course" not in page


def test_dashboard_lists_lapsed_approvals_first_and_courses_left_with_none(staff_client):
    today = timezone.localdate()
    lapsed_only = CourseFactory(title="Lapsed only course")
    renewed = CourseFactory(title="Renewed course")
    CourseFactory(title="Course never approved")
    CourseFactory(title="Draft never approved", is_published=False)
    ended = ApprovalFactory(body_name="Ended Board", ends_on=today - timedelta(days=1))
    older = ApprovalFactory(body_name="Older Board", ends_on=today - timedelta(days=400))
    soon = ApprovalFactory(body_name="Soon Board", ends_on=today + timedelta(days=10))
    for course, approval in [(lapsed_only, ended), (renewed, older), (renewed, soon)]:
        CourseApproval.objects.create(course=course, approval=approval)
    ApprovalFactory(body_name="Draft Ended Board", ends_on=today - timedelta(days=1)).courses.add(
        CourseFactory(title="Draft course", is_published=False)
    )

    response = staff_client.get(reverse("courses:approvals_lapsing"))

    page = text_of(response)
    assert [a.body_name for a in response.context["approvals"]] == [
        "Older Board",
        "Ended Board",
        "Soon Board",
    ]
    assert f"Ended {date_text(today - timedelta(days=1))} (1 day ago)" in page
    assert 'class="text-danger' in response.content.decode()
    assert [c.title for c in response.context["unapproved"]] == [
        "Course never approved",
        "Lapsed only course",
    ]
    assert "Published courses with no current approval" in page
    assert "Draft" not in page


def test_dashboard_flags_an_individual_course_approval_offered_with_two_courses(staff_client):
    """Saved before Approval.clean refused it (courses.add() skips clean, as old data did):
    the report names the approval and every course offered under it, drafts too."""
    ethics = CourseFactory(title="Ethics in Practice")
    boundaries = CourseFactory(title="Boundaries", is_published=False)
    shared = ApprovalFactory(
        body_name="State Board", body_abbreviation="SB", number="IC-17", scope=ApprovalScope.COURSE
    )
    shared.courses.add(ethics, boundaries)
    ApprovalFactory(body_name="Own Board", scope=ApprovalScope.COURSE, course=ethics)
    ApprovalFactory(body_name="Provider Board").courses.add(ethics, boundaries)

    response = staff_client.get(reverse("courses:approvals_lapsing"))

    page = text_of(response)
    assert response.status_code == 200
    assert "Individual course approvals offered with more than one course" in page
    assert "State Board (SB) IC-17 : Boundaries ; Ethics in Practice" in page  # tags are spaces
    assert reverse("admin:courses_approval_change", args=[shared.pk]) in (response.content.decode())
    assert "Own Board" not in page
    assert "Provider Board" not in page
    assert not response.context["approvals"]  # none lapsing


def test_dashboard_is_for_staff_only(client):
    url = reverse("courses:approvals_lapsing")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


# Certificates ----------------------------------------------------------------------


def pdf_text(certificate):
    data = certificate_pdf_render(certificate)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


BODIES = [
    ("American Psychological Association", "APA", APA, [("psychology", "")]),
    ("Association of Social Work Boards", "ASWB ACE", ASWB, [("social_work", "")]),
    ("National Board for Certified Counselors", "NBCC", NBCC, [("counseling", "")]),
    (
        "California Association of Marriage and Family Therapists",
        "CAMFT CEPA",
        CAMFT,
        [("marriage_family_therapy", "CA"), ("social_work", "CA")],
    ),
]


def certificate_with(approvals: int, *, learner=None):
    """A certificate citing the first `approvals` bodies: every body covers the learner."""
    provider = ProviderSettings.load()
    provider.administrator_name = "Jordan Ellis, PsyD"
    provider.contact_address = "100 Main Street, Suite 4, Sacramento, CA 95814"
    provider.contact_phone = "(916) 555-0100"
    provider.contact_email = "ce@example.org"
    provider.save()
    course = split_course(
        title="Power in the Helping Relationship", authors=[AuthorFactory(name="Miriam Hale")]
    )
    for position, (name, abbreviation, template, _) in enumerate(BODIES[:approvals]):
        ApprovalFactory(
            course=course,
            body_name=name,
            body_abbreviation=abbreviation,
            number=f"{abbreviation.split()[0]}-{1000 + position}",
            position=position,
            starts_on=date(2025, 1, 1),
            ends_on=date(2099, 12, 31),
            statement_template=template,
            # Whatever the body covers, these certificates show it covering this learner.
            coverage=[("psychology", "CA")],
        )
    learner = learner or UserFactory(
        full_name="Renée O'Connor-Baptiste, PsyD", license__number="PSY 88213"
    )
    return certificate_issue(enrollment=CompletedEnrollmentFactory(course=course, learner=learner))


@pytest.mark.parametrize("approvals", [1, 2, 4])
def test_certificate_states_every_approval_with_number_period_and_statement(approvals):
    certificate = certificate_with(approvals)

    text = pdf_text(certificate)

    for position, (name, abbreviation, _, _) in enumerate(BODIES[:approvals]):
        number = f"{abbreviation.split()[0]}-{1000 + position}"
        assert (
            f"{name} ({abbreviation}) · No. {number} · Approval period January 1, 2025 – "
            "December 31, 2099" in text
        )
        assert certificate.approvals[position]["statement"] in text
    for name, _, _, _ in BODIES[approvals:]:
        assert name not in text
    for fact in [
        "Psychologist · License No. PSY 88213 · California",
        "Credit types: 2 general/clinical · 1 law and ethics",
        "CE HOURS 3",
        "LEVEL Intermediate",
        "DATE COMPLETED",
        "DATE ISSUED",
        "100 Main Street, Suite 4, Sacramento, CA 95814 · (916) 555-0100 · ce@example.org",
        "Jordan Ellis, PsyD",
        certificate.code,
    ]:
        assert fact in text


def test_certificate_cites_only_the_approvals_covering_the_licenses_held():
    course = split_course()
    ApprovalFactory(course=course, body_name="Psychology Board", coverage=[("psychology", "")])
    ApprovalFactory(course=course, body_name="Social Work Board", coverage=[("social_work", "")])
    ApprovalFactory(course=course, body_name="Texas Board", coverage=[("psychology", "TX")])
    learner = UserFactory(license__license_type="psychologist", license__state="CA")

    certificate = certificate_issue(
        enrollment=CompletedEnrollmentFactory(course=course, learner=learner)
    )

    assert [a["board"] for a in certificate.approvals] == ["Psychology Board"]
    text = pdf_text(certificate)
    assert "Social Work Board" not in text and "Texas Board" not in text


def test_a_learner_with_no_license_on_file_gets_every_current_approval():
    course = split_course()
    ApprovalFactory(course=course, body_name="Psychology Board", coverage=[("psychology", "")])
    ApprovalFactory(course=course, body_name="Social Work Board", coverage=[("social_work", "")])
    learner = UserFactory(license=None)

    certificate = certificate_issue(
        enrollment=CompletedEnrollmentFactory(course=course, learner=learner)
    )

    assert certificate.licenses == []
    assert [a["board"] for a in certificate.approvals] == ["Psychology Board", "Social Work Board"]


def test_issuing_costs_the_same_queries_for_one_or_four_approvals(django_assert_num_queries):
    """Issue: its savepoint + lock the enrollment (with learner and course) + look for an
    existing certificate + the learner's licenses + provider settings + credit split +
    current approvals + their coverage + authors + savepoint, insert, release + the ISSUED
    event + release."""
    counts = []
    for approvals in (1, 4):
        course = split_course()
        for _ in range(approvals):
            ApprovalFactory(course=course)
        enrollment = CompletedEnrollmentFactory(course=course)
        ProviderSettings.load()
        with django_assert_num_queries(14) as captured:
            certificate_issue(enrollment=enrollment)
        counts.append(len(captured))
    assert counts == [14, 14]


def test_downloading_a_certificate_pdf_is_two_queries_after_login(
    client, django_assert_num_queries
):
    certificate = certificate_with(4)
    client.force_login(certificate.enrollment.learner)
    url = reverse("courses:certificate_pdf", args=[certificate.code])
    # Session + user + the certificate (with reissue_of and reissued_as).
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.status_code == 200


def test_the_verification_page_shows_the_certificates_facts(client, django_assert_num_queries):
    certificate = certificate_with(2)

    # The client's miss counter (the database cache, without Redis); the certificate
    # with its replacement, if any.
    with django_assert_num_queries(2):
        response = client.get(reverse("verify_code", args=[certificate.code]))

    page = " ".join(response.content.decode().split())
    for fact in [
        "Psychologist · License No. …8213 · California",
        "2 general/clinical · 1 law and ethics",
        "Intermediate",
        "American Psychological Association (APA)",
        "No. APA-1000 · Approval period January 1, 2025 – December 31, 2099",
        "Association of Social Work Boards (ASWB ACE)",
        certificate.approvals[1]["statement"],
        "100 Main Street, Suite 4, Sacramento, CA 95814 · (916) 555-0100 · ce@example.org",
    ]:
        assert fact in page
    assert "PSY 88213" not in page


def test_a_staff_member_sees_the_statement_in_the_certificate_admin(staff_client):
    certificate = certificate_with(1)
    page = staff_client.get(
        reverse("admin:courses_certificate_change", args=[certificate.pk])
    ).content.decode()
    assert "APA-1000" in page


def test_a_reissue_for_a_license_added_later_cites_the_approval_covering_it():
    course = split_course()
    ApprovalFactory(course=course, body_name="Psychology Board", coverage=[("psychology", "")])
    ApprovalFactory(course=course, body_name="Social Work Board", coverage=[("social_work", "TX")])
    learner = UserFactory()  # a California psychologist
    original = certificate_issue(
        enrollment=CompletedEnrollmentFactory(course=course, learner=learner)
    )
    assert [a["board"] for a in original.approvals] == ["Psychology Board"]

    LicenseFactory(holder=learner, license_type="lcsw", state="TX", number="LCSW-1")
    request = reissue_request_create(certificate=original, learner=learner, reason="New license")
    reissued = certificate_reissue(request=request, actor=StaffFactory())

    assert [held["license_type"] for held in reissued.licenses] == [
        "Psychologist",
        "Licensed Clinical Social Worker (LCSW)",
    ]
    assert [a["board"] for a in reissued.approvals] == ["Psychology Board", "Social Work Board"]
    assert "Social Work Board" in pdf_text(reissued)


def test_staff_enter_the_providers_contact_that_certificates_print(staff_client):
    url = reverse("admin:courses_providersettings_change", args=[ProviderSettings.load().pk])
    data = admin_form(staff_client.get(url))
    data.update(
        administrator_name="Jordan Ellis, PsyD",
        contact_address="100 Main Street, Sacramento, CA 95814",
        contact_phone="(916) 555-0100",
        contact_email="ce@example.org",
    )

    assert staff_client.post(url, data).status_code == 302

    assert ProviderSettings.load().contact_line == (
        "100 Main Street, Sacramento, CA 95814 · (916) 555-0100 · ce@example.org"
    )
