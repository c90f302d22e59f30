"""A CE coordinator authors an approval as the board granted it, and a course whose hours
are split into credit types, in the admin; then publishes the course."""

from datetime import date
from decimal import Decimal

from playwright.sync_api import expect

from courses.models import Approval, Course
from tests.e2e.conftest import screenshot
from tests.e2e.test_admin_journey import log_in_with_form
from tests.factories import (
    AuthorFactory,
    CreditTypeFactory,
    QuestionFactory,
    SectionFactory,
    StaffFactory,
)
from tests.second_factor import totp_activate

ASWB = (
    "{provider_name}, provider #{number}, is approved as an ACE provider to offer social work "
    "continuing education by the Association of Social Work Boards (ASWB) Approved Continuing "
    "Education (ACE) program. Regulatory boards are the final authority on courses accepted "
    "for continuing education credit. ACE provider approval period: {period}. Social workers "
    "completing this course receive {credit_types} continuing education credits."
)
TITLE = "Ethics of Dual Relationships"


def test_coordinator_authors_an_approval_and_a_split_course_and_publishes_it(page, live_server):
    coordinator = StaffFactory()
    log_in_with_form(page, coordinator, "/admin/", secret=totp_activate(coordinator))
    author = AuthorFactory(name="Nora Quill", credentials="LCSW")
    for slug in ("general-clinical", "law-and-ethics"):
        CreditTypeFactory(slug=slug)  # migration 0007's, gone if an earlier test flushed

    # The approval, word for word; a mistyped placeholder is refused and says why.
    page.goto("/admin/courses/approval/add/")
    page.get_by_label("Approving body:").fill("Association of Social Work Boards")
    page.get_by_label("Abbreviation:").fill("ASWB ACE")
    page.get_by_label("Approval or provider number:").fill("1234")
    page.get_by_label("Scope:").select_option(label="Provider (every course offered under it)")
    page.locator("#id_starts_on").fill("2025-03-01")
    page.locator("#id_ends_on").fill("2028-02-29")
    page.get_by_label("Statement:").fill(ASWB.replace("{credit_types}", "{credits}"))
    page.locator("select[name=coverage-0-profession]").select_option(label="Social work")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("Unknown placeholder {credits}.")
    page.get_by_label("Statement:").fill(ASWB)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    approval = Approval.objects.get(number="1234")
    assert (approval.starts_on, approval.ends_on) == (date(2025, 3, 1), date(2028, 2, 29))
    assert list(approval.coverage.values_list("profession", "state")) == [("social_work", "")]

    # The course: 3 hours, 2 general/clinical and 1 law and ethics, under that approval.
    page.goto("/admin/courses/course/add/")
    page.get_by_label("Title:").press_sequentially(TITLE)
    page.get_by_label("Summary:").fill("Where roles overlap, and what the codes of ethics say.")
    page.get_by_label("Learning objectives:").fill("Identify three dual-relationship risks.")
    page.locator("#id_authors_from").select_option(label=str(author))
    page.locator("#id_authors_add").click()
    page.get_by_label("CE hours:").fill("3")
    page.locator("select[name=course_approvals-0-approval]").select_option(value=str(approval.pk))
    page.locator("select[name=credits-0-credit_type]").select_option(label="general/clinical")
    page.locator("input[name=credits-0-hours]").fill("2")
    page.locator("#credits-group .add-row a").click()
    page.locator("select[name=credits-1-credit_type]").select_option(label="law and ethics")
    page.locator("input[name=credits-1-hours]").fill("0.5")
    page.locator("#evaluation_items-group .add-row a").click()
    page.locator("input[name=evaluation_items-0-text]").fill("The objectives were met.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(
        page.get_by_text("The credit types add up to 2.5 hours, but the course is 3 CE hours.")
    ).to_be_visible()
    screenshot(page, "journey-approvals-01-split-refused")
    page.locator("input[name=credits-1-hours]").fill("1")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    course = Course.objects.get(title=TITLE)
    assert [(c.credit_type.name, c.hours) for c in course.credits.all()] == [
        ("general/clinical", Decimal("2.00")),
        ("law and ethics", Decimal("1.00")),
    ]
    assert list(course.approvals.all()) == [approval]

    # Its text and test, written on their own pages (covered by the authoring journey).
    section = SectionFactory(course=course, number=1, title="Overlapping roles")
    QuestionFactory(section=section, number=1)

    # Publish: accepted, with the board-style warning about too few questions.
    page.reload()
    page.get_by_label("Published").check()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator(".messagelist")).to_contain_text(
        "The answer booklet asks 1 question for 3 CE hours; APA recommends at least 6 per "
        "credit hour (18)."
    )
    screenshot(page, "journey-approvals-02-published-with-warning")
    course.refresh_from_db()
    assert course.is_published

    # The course page quotes the statement with this course's hours and credit types.
    page.goto(course.get_absolute_url())
    expect(
        page.get_by_text("receive 2 general/clinical and 1 law and ethics continuing")
    ).to_be_visible()
    screenshot(page, "journey-approvals-03-course-page")
    assert page.console_errors == []
