"""Renewal reminders: 90, 30 and 7 days before a license's renewal date, one email
listing what is missing, to a clinician who still lacks hours; never twice."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from ceapp.celery import app as celery_app
from courses.models import RenewalReminder, RequirementMinimum, RequirementProfile
from courses.services.licenses import license_create, license_delete, license_update
from courses.services.reminders import reminder_mark, renewal_reminders_send
from tests.factories import ApprovalFactory, CourseFactory, CreditTypeFactory, UserFactory
from tests.report_data import certificate_on

pytestmark = pytest.mark.django_db

D = datetime.date
RENEWS_ON = D(2027, 6, 30)


@pytest.fixture
def law_and_ethics():
    return CreditTypeFactory(slug="law-and-ethics")


@pytest.fixture
def california_lmft(law_and_ethics):
    """36 hours every two years, 6 of them law and ethics."""
    profile = RequirementProfile.objects.create(
        state="CA", license_type="lmft", period_months=24, hours_required=Decimal("36")
    )
    RequirementMinimum.objects.create(profile=profile, credit_type=law_and_ethics, hours=6)
    return profile


def clinician(**license_fields):
    user = UserFactory(license__license_type="lmft", license__state="CA")
    license = user.licenses.get()
    license.renews_on = RENEWS_ON
    for field, value in license_fields.items():
        setattr(license, field, value)
    license.save()
    return user


def run(on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return renewal_reminders_send(on=on)


def days_before(n):
    return RENEWS_ON - datetime.timedelta(days=n)


def test_the_mark_due_is_the_smallest_at_or_above_the_days_left():
    assert [reminder_mark(n) for n in (91, 90, 31, 30, 8, 7, 1, 0)] == [
        None,
        90,
        90,
        30,
        30,
        7,
        7,
        7,
    ]


def test_a_clinician_short_of_hours_gets_one_email_at_90_30_and_7_days(
    outbox, california_lmft, django_capture_on_commit_callbacks
):
    learner = clinician()
    sent = []
    for day in range(100, -1, -1):  # every day from 100 days before to the renewal date
        if run(days_before(day), django_capture_on_commit_callbacks):
            sent.append(day)

    assert sent == [90, 30, 7]
    assert len(mail.outbox) == 3
    first = mail.outbox[0]
    assert first.to == [learner.email]
    assert first.subject == "Your license renewal: CE hours still needed"
    assert "renews on June 30, 2027, in 90 days" in first.body
    assert "0 of 36 hours earned; 36 hours still needed" in first.body
    assert "6 more hours of law and ethics (0 of 6)" in first.body
    assert "in 7 days" in mail.outbox[2].body
    assert set(RenewalReminder.objects.values_list("renews_on", "days_before")) == {
        (RENEWS_ON, 90),
        (RENEWS_ON, 30),
        (RENEWS_ON, 7),
    }


def test_a_run_that_starts_late_sends_only_the_nearest_reminder(
    outbox, california_lmft, django_capture_on_commit_callbacks
):
    clinician()
    assert run(days_before(20), django_capture_on_commit_callbacks) == 1
    assert run(days_before(19), django_capture_on_commit_callbacks) == 0
    assert [r.days_before for r in RenewalReminder.objects.all()] == [30]
    assert "in 20 days" in mail.outbox[0].body


def test_a_clinician_with_every_hour_gets_nothing(
    outbox, california_lmft, law_and_ethics, django_capture_on_commit_callbacks
):
    learner = clinician()
    general = CreditTypeFactory(slug="general-clinical")
    course = CourseFactory(
        ce_hours=Decimal("36"), credits=[(general.slug, Decimal("30")), (law_and_ethics.slug, 6)]
    )
    ApprovalFactory(course=course, coverage=[("marriage_family_therapy", "")])
    certificate_on(D(2026, 1, 5), learner=learner, course=course)

    assert run(days_before(30), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_two_licenses_due_make_one_email_listing_both(
    outbox, california_lmft, django_capture_on_commit_callbacks
):
    learner = clinician()
    RequirementProfile.objects.create(
        state="NV", license_type="lmft", period_months=24, hours_required=Decimal("40")
    )
    learner.licenses.create(license_type="lmft", state="NV", number="NV-123", renews_on=RENEWS_ON)

    assert run(days_before(30), django_capture_on_commit_callbacks) == 1
    [email] = mail.outbox
    assert "36 hours still needed" in email.body and "40 hours still needed" in email.body
    assert RenewalReminder.objects.count() == 2


def test_a_license_removed_and_added_back_is_not_reminded_again(
    outbox, california_lmft, django_capture_on_commit_callbacks
):
    learner = clinician()
    assert run(days_before(30), django_capture_on_commit_callbacks) == 1

    license_delete(license=learner.licenses.get())
    license_create(
        holder=learner, license_type="lmft", state="CA", number="M-2", renews_on=RENEWS_ON
    )

    assert run(days_before(29), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    assert run(days_before(7), django_capture_on_commit_callbacks) == 1  # the next mark


def test_an_edited_license_is_reminded_for_its_renewal_as_edited(
    outbox, california_lmft, django_capture_on_commit_callbacks
):
    """Reminders are recorded by the renewal date they were about, read from the license
    each run: a renewal date moved on, or a new state, is a renewal not reminded yet, and
    the old date's reminder neither blocks it nor is sent again."""
    RequirementProfile.objects.create(state="NV", license_type="lmft", hours_required=40)
    license = clinician().licenses.get()
    assert run(days_before(30), django_capture_on_commit_callbacks) == 1

    license_update(license=license, renews_on=D(2027, 8, 15))  # the board extended it
    assert run(days_before(29), django_capture_on_commit_callbacks) == 1
    assert "renews on August 15, 2027, in 75 days" in mail.outbox[-1].body
    assert run(days_before(28), django_capture_on_commit_callbacks) == 0

    license_update(license=license, state="NV")
    assert run(days_before(27), django_capture_on_commit_callbacks) == 1
    assert "LMFT (Nevada)" in mail.outbox[-1].body
    assert run(D(2027, 7, 16), django_capture_on_commit_callbacks) == 1  # 30 days before
    assert "in 30 days" in mail.outbox[-1].body
    assert len(mail.outbox) == 4


def test_two_other_licenses_in_one_state_are_each_reminded(
    outbox, django_capture_on_commit_callbacks
):
    """'Other' licenses may repeat in a state; their names tell them apart, so each is
    reminded (in one email)."""
    RequirementProfile.objects.create(state="OH", license_type="other", hours_required=10)
    learner = clinician(
        license_type="other", other_type="Art Therapist", profession="counseling", state="OH"
    )
    learner.licenses.create(
        license_type="other",
        other_type="Certified Addiction Counselor",
        profession="counseling",
        state="OH",
        renews_on=RENEWS_ON,
    )

    assert run(days_before(30), django_capture_on_commit_callbacks) == 1
    [email] = mail.outbox
    assert "Art Therapist (Ohio)" in email.body
    assert "Certified Addiction Counselor (Ohio)" in email.body
    assert RenewalReminder.objects.count() == 2
    assert run(days_before(29), django_capture_on_commit_callbacks) == 0


def test_no_renewal_date_or_no_requirements_means_no_reminder(
    outbox, django_capture_on_commit_callbacks
):
    clinician()  # no requirement profile for CA LMFT in this test
    clinician(renews_on=None)
    assert run(days_before(30), django_capture_on_commit_callbacks) == 0


def test_beat_runs_the_reminders_daily():
    entry = celery_app.conf.beat_schedule["renewal-reminders"]
    assert entry["task"] == "courses.tasks.renewal_reminders_send_due"
    assert entry["task"] in celery_app.tasks
