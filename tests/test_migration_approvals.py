"""Migration 0007 turns each course's approval into an approval the course is offered
under, with nothing lost, and leaves issued certificates exactly as issued."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from courses.models import Approval, Certificate, CourseCredit
from courses.pdf.certificate import certificate_pdf_render
from tests.helpers import migrate

BEFORE = [("courses", "0008_earned_hours")]
AFTER = [("courses", "0009_approvals")]

# The PDF of OLD_CERTIFICATE as the renderer drew it before this migration existed
# (rendered from main at f35371d, under the settings below). Layout 1 must keep these bytes.
OLD_PDF = Path(__file__).parent / "data" / "certificate-layout-1.pdf"
SITE = {"SITE_URL": "https://ce.example.org", "SITE_NAME": "Helping Professions CE"}
APA = (
    "Helping Professions CE is approved by the American Psychological Association to sponsor "
    "continuing education for psychologists. Helping Professions CE maintains responsibility "
    "for this program and its content. This course offers 3 CE hours."
)
OLD_CERTIFICATE = {
    "code": "7KQ4-MX2P-9TRA",
    "status": "valid",
    "learner_name": "Renée O'Connor-Baptiste, LCSW",
    "license_type": "Licensed Clinical Social Worker (LCSW)",
    "license_number": "LCS 88213",
    "license_state": "California",
    "course_title": "Power in the Helping Relationship",
    "ce_hours": Decimal("3.00"),
    "completed_on": dt.date(2025, 3, 14),
    "delivery_format": "Home study, self-paced online",
    "approvals": [
        {
            "board": "American Psychological Association",
            "provider_number": "APA-4471",
            "statement": APA,
        },
        {
            "board": "ASWB",
            "provider_number": "ACE 1234",
            "statement": "Approved {for} 3 hours of social work CE.",
        },
    ],
    "authors": ["Miriam Hale, PhD", "Samuel Ortiz, LCSW"],
    "provider_name": "Helping Professions CE",
    "administrator_name": "Jordan Ellis, PsyD",
    "administrator_title": "CE Administrator",
}
ISSUED_AT = dt.datetime(2025, 3, 14, 15, 9, 26, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_approvals_migrate_with_nothing_lost_and_certificates_keep_their_bytes():
    old = migrate(BEFORE)
    course = old.get_model("courses", "Course").objects.create(
        title="Power in the Helping Relationship",
        slug="power",
        summary="S",
        learning_objectives="O",
        ce_hours=Decimal("3.00"),
    )
    other = old.get_model("courses", "Course").objects.create(
        title="Grief", slug="grief", summary="S", learning_objectives="O", ce_hours=Decimal("1.50")
    )
    OldApproval = old.get_model("courses", "Approval")
    apa = OldApproval.objects.create(
        course=course,
        board="American Psychological Association",
        provider_number="APA-4471",
        statement=APA,
        position=0,
    )
    aswb = OldApproval.objects.create(
        course=course,
        board="ASWB",
        provider_number="ACE 1234",
        statement="Approved {for} 3 hours of social work CE.",
        position=1,
    )
    old.get_model("courses", "HistoricalApproval").objects.create(
        id=aswb.pk,
        course_id=course.pk,
        board="ASWB",
        provider_number="ACE 1234",
        statement="An earlier statement.",
        position=1,
        history_date=ISSUED_AT,
        history_type="~",
    )
    learner = old.get_model("courses", "User").objects.create(email="renee@example.org")
    enrollment = old.get_model("courses", "Enrollment").objects.create(
        learner=learner, course=course, passed_at=ISSUED_AT, completed_at=ISSUED_AT
    )
    OldCertificate = old.get_model("courses", "Certificate")
    certificate = OldCertificate.objects.create(enrollment=enrollment, **OLD_CERTIFICATE)
    OldCertificate.objects.filter(pk=certificate.pk).update(issued_at=ISSUED_AT)

    migrate(AFTER)
    try:
        # The old approvals, under the same ids, as approvals the course is offered under.
        migrated = list(Approval.objects.filter(courses__id=course.pk).order_by("position"))
        assert [a.pk for a in migrated] == [apa.pk, aswb.pk]
        first, second = migrated
        assert (first.body_name, first.number, first.scope) == (
            "American Psychological Association",
            "APA-4471",
            "provider",
        )
        # The statement word for word: a brace in it prints as a brace.
        assert first.statement_template == APA
        assert second.statement_template == "Approved {{for}} 3 hours of social work CE."
        assert second.statement(provider_name="X", hours=9, credits=[]) == (
            "Approved {for} 3 hours of social work CE."
        )
        # No period was kept: it starts when the course was created and has no end on record.
        assert first.starts_on == timezone.localdate(first.courses.get().created_at)
        assert first.ends_on is None
        # Every approval was on every certificate: it covers every profession everywhere.
        assert sorted(first.coverage.values_list("profession", "state")) == [
            ("counseling", ""),
            ("marriage_family_therapy", ""),
            ("psychology", ""),
            ("social_work", ""),
        ]
        assert not Approval.objects.filter(courses__id=other.pk).exists()
        # The course's hours, all general/clinical; the credit types boards count exist.
        assert [
            (c.course_id, c.credit_type.slug, c.hours)
            for c in CourseCredit.objects.order_by("course_id")
        ] == [
            (course.pk, "general-clinical", Decimal("3.00")),
            (other.pk, "general-clinical", Decimal("1.50")),
        ]
        # The change history carried over in the new terms.
        earlier = second.history.order_by("history_date").first()
        assert (earlier.body_name, earlier.statement_template) == ("ASWB", "An earlier statement.")

        # The certificate is untouched and renders the bytes it rendered before.
        issued = Certificate.objects.get(pk=certificate.pk)
        assert issued.layout == 1
        assert issued.approvals == OLD_CERTIFICATE["approvals"]
        assert (issued.licenses, issued.ce_credits, issued.level) == ([], [], "")
        with override_settings(**SITE):
            assert certificate_pdf_render(issued) == OLD_PDF.read_bytes()
    finally:
        migrate()


def test_layout_1_still_draws_the_old_bytes():
    """The same check without a database: a layout-1 snapshot draws the recorded PDF."""
    certificate = Certificate(layout=1, issued_at=ISSUED_AT, **OLD_CERTIFICATE)
    with override_settings(**SITE):
        assert certificate_pdf_render(certificate) == OLD_PDF.read_bytes()
