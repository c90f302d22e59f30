"""A clinician licensed in two states sees, on a course page, which of their licenses
the course counts for, and on My CE how far each renewal has come."""

import datetime
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from courses.models import (
    Approval,
    ApprovalCoverage,
    Certificate,
    CourseApproval,
    RequirementMinimum,
    RequirementProfile,
)
from courses.services.certificates import reissue_request_create
from courses.services.licenses import license_create
from tests.e2e.conftest import axe_violations, screenshot
from tests.factories import CourseFactory, CreditTypeFactory, StaffFactory, UserFactory
from tests.report_data import certificate_on
from tests.second_factor import browser_log_in, totp_activate


def _setup():
    today = timezone.localdate()
    ethics = CreditTypeFactory(slug="ethics")
    aswb = Approval.objects.create(
        body_name="Association of Social Work Boards",
        body_abbreviation="ASWB ACE",
        number="1234",
        scope="provider",
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today + datetime.timedelta(days=700),
        statement_template="{provider_name}, provider #{number}, is approved by ASWB ACE.",
    )
    ApprovalCoverage.objects.create(approval=aswb, profession="social_work", state="")
    course = CourseFactory(
        title="Ethics in Rural Practice",
        ce_hours=Decimal("3"),
        credits=[("general-clinical", Decimal("2")), ("ethics", Decimal("1"))],
    )
    CourseApproval.objects.create(course=course, approval=aswb)

    profile = RequirementProfile.objects.create(
        state="TX", license_type="lcsw", hours_required=Decimal("30"), is_sample=True
    )
    RequirementMinimum.objects.create(profile=profile, credit_type=ethics, hours=Decimal("6"))
    RequirementProfile.objects.create(
        state="CA", license_type="lmft", hours_required=Decimal("36"), is_sample=True
    )

    clinician = UserFactory(
        full_name="Sam Rivera, LCSW, LMFT",
        license__license_type="lcsw",
        license__state="TX",
        license__number="LCSW-1234",
    )
    clinician.licenses.update(renews_on=today + datetime.timedelta(days=200))
    certificate_on(today - datetime.timedelta(days=30), learner=clinician, course=course)
    # Licensed in California since: the certificate states the Texas license only.
    license_create(
        holder=clinician,
        license_type="lmft",
        state="CA",
        number="LMFT-5678",
        renews_on=today + datetime.timedelta(days=420),
    )
    return clinician, course


def test_two_licenses_in_two_states_on_the_course_page_and_my_ce(page, log_in):
    clinician, course = _setup()
    log_in(page.context, clinician)

    page.goto("/?state=TX")
    expect(page.locator(".license-coverage").first).to_contain_text(
        "Counts for your LCSW (Texas) through ASWB ACE"
    )
    screenshot(page, "licenses-00-catalog")

    page.goto("/accounts/profile/")
    expect(page.locator(".license-table")).to_contain_text("LMFT-5678")
    screenshot(page, "licenses-00-profile")

    page.goto(course.get_absolute_url())
    coverage = page.locator(".license-coverage").first
    expect(coverage).to_contain_text("Counts for your LCSW (Texas) through ASWB ACE")
    expect(coverage).to_contain_text("Not approved for your LMFT (California)")
    screenshot(page, "licenses-01-course-page")
    assert axe_violations(page) == []

    page.goto("/my-ce/")
    texas = page.locator("article.renewal", has_text="LCSW (Texas)")
    expect(texas).to_contain_text("200 days left")
    expect(texas).to_contain_text("3 of 30 CE hours: 27 still needed")
    expect(texas.get_by_role("row", name="Ethics")).to_contain_text("5")
    expect(texas.get_by_role("link", name="Find courses with ethics credit")).to_be_visible()
    california = page.locator("article.renewal", has_text="LMFT (California)")
    # ASWB ACE covers social workers only: the LMFT has nothing from this course.
    expect(california).to_contain_text("0 of 36 CE hours: 36 still needed")
    expect(california).to_contain_text("420 days left")
    screenshot(page, "licenses-02-my-ce")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Add credit earned elsewhere").click()
    expect(page.get_by_label("Certificate")).to_be_visible()
    screenshot(page, "licenses-03-self-reported-form")
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_the_registrar_reviews_a_reissue_with_a_license_added_later(page):
    clinician, course = _setup()
    certificate = Certificate.objects.get(enrollment__learner=clinician)
    request = reissue_request_create(
        certificate=certificate, learner=clinician, reason="Licensed in California now"
    )
    registrar = StaffFactory()
    page.goto(f"/admin/courses/reissuerequest/{request.pk}/review/")
    browser_log_in(page, registrar, secret=totp_activate(registrar))
    expect(page.locator(".reissue-review")).to_contain_text("LMFT-5678")
    screenshot(page, "licenses-04-reissue-review")
    page.get_by_role("button", name="Approve: issue with the requested values").click()
    expect(page.get_by_text(f"Reissued {certificate.code} as")).to_be_visible()
