"""A reissue certifies what the registrar reviewed: the name and licenses the learner
asked for, stored with the request, never the profile as it is at approval time."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    Certificate,
    CertificateEventKind,
    CertificateStatus,
    ReissueRequestStatus,
)
from courses.services.certificates import (
    certificate_issue,
    certificate_revoke,
    reissue_request_create,
    reissue_request_decline,
)
from courses.services.licenses import license_create
from tests.factories import (
    ApprovalFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    StaffFactory,
    UserFactory,
)
from tests.second_factor import force_login_with_second_factor

pytestmark = pytest.mark.django_db


def _certificate(**learner):
    learner = UserFactory(
        full_name="Dana Rivera, LCSW",
        license__license_type="lcsw",
        license__state="TX",
        license__number="LCS-1",
        **learner,
    )
    enrollment = CompletedEnrollmentFactory(learner=learner, course=CourseFactory())
    return certificate_issue(enrollment=enrollment)


def test_the_approved_reissue_prints_the_reviewed_values_not_the_profile_changed_since(
    client, django_capture_on_commit_callbacks
):
    certificate = _certificate()
    learner = certificate.enrollment.learner
    learner.full_name = "Dana Rivera-Okafor, LCSW"
    learner.save()
    learner.licenses.update(number="LCS-1-A")
    reissue_request_create(certificate=certificate, learner=learner, reason="Married")
    # The attack: after asking, the learner makes their profile someone else's.
    learner.full_name = "Mallory Impostor, PhD"
    learner.save()
    learner.licenses.update(license_type="psychologist", number="PSY-STOLEN", state="CA")
    request = certificate.reissue_requests.get()

    force_login_with_second_factor(client, StaffFactory())
    review_url = reverse("admin:courses_reissuerequest_review", args=[request.pk])
    page = client.get(review_url).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review_url)

    # The registrar saw the certificate against the request, and nothing of the impostor.
    assert "Dana Rivera, LCSW" in page and "Dana Rivera-Okafor, LCSW" in page
    assert "License No. LCS-1 · Texas" in page and "License No. LCS-1-A · Texas" in page
    assert "Mallory" not in page and "PSY-STOLEN" not in page
    assert response.status_code == 302
    certificate.refresh_from_db()
    new = certificate.reissued_as
    assert (new.learner_name, new.license_number, new.license_state) == (
        "Dana Rivera-Okafor, LCSW",
        "LCS-1-A",
        "Texas",
    )
    assert new.license_type == "Licensed Clinical Social Worker (LCSW)"
    assert new.licenses == [
        {
            "profession": "social_work",
            "license_type": "Licensed Clinical Social Worker (LCSW)",
            "state": "TX",
            "number": "LCS-1-A",
        }
    ]
    assert [m.subject for m in mail.outbox] == [
        f"Your reissued certificate is ready: {new.course_title}"
    ]
    assert mail.outbox[0].to == [learner.email]


def test_a_license_added_later_can_be_asked_for_and_the_reissue_is_kept_in_history(client):
    certificate = _certificate()
    learner = certificate.enrollment.learner
    license_create(holder=learner, license_type="lmft", state="CA", number="LMFT-9")

    request = reissue_request_create(
        certificate=certificate, learner=learner, reason="Now licensed in California too"
    )

    assert request.requested_name == "Dana Rivera, LCSW"
    assert [(lic["license_type"], lic["state"]) for lic in request.requested_licenses] == [
        ("Licensed Clinical Social Worker (LCSW)", "TX"),
        ("Licensed Marriage and Family Therapist (LMFT)", "CA"),
    ]
    force_login_with_second_factor(client, StaffFactory())
    client.post(reverse("admin:courses_reissuerequest_review", args=[request.pk]))
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REISSUED
    assert certificate.reissued_as.is_reissue
    assert list(certificate.events.values_list("kind", flat=True)) == [
        CertificateEventKind.ISSUED,
        CertificateEventKind.REISSUE_REQUESTED,
        CertificateEventKind.REISSUED,
    ]


def test_a_reviewed_request_is_approved_once(client):
    certificate = _certificate()
    learner = certificate.enrollment.learner
    license_create(holder=learner, license_type="lmft", state="CA", number="LMFT-9")
    request = reissue_request_create(certificate=certificate, learner=learner, reason="CA")
    force_login_with_second_factor(client, StaffFactory())
    url = reverse("admin:courses_reissuerequest_review", args=[request.pk])

    client.post(url)
    again = client.post(url)

    assert again.status_code == 200
    assert "This request is approved." in again.content.decode()
    assert certificate.enrollment.certificates.count() == 2


def test_the_review_page_is_for_registrars_only(client):
    certificate = _certificate()
    learner = certificate.enrollment.learner
    license_create(holder=learner, license_type="lmft", state="CA", number="LMFT-9")
    request = reissue_request_create(certificate=certificate, learner=learner, reason="CA")
    client.force_login(learner)

    response = client.post(reverse("admin:courses_reissuerequest_review", args=[request.pk]))

    assert response.status_code == 302  # to the admin login
    request.refresh_from_db()
    assert request.status == ReissueRequestStatus.PENDING


def test_revoking_and_declining_email_the_learner(django_capture_on_commit_callbacks):
    revoked = _certificate()
    declined = _certificate(email="other@example.org")
    learner = declined.enrollment.learner
    license_create(holder=learner, license_type="lmft", state="CA", number="LMFT-9")
    request = reissue_request_create(certificate=declined, learner=learner, reason="CA")
    staff = StaffFactory()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=revoked, actor=staff, reason="Did not do the work.")
        reissue_request_decline(request=request, actor=staff, note="Send your CA license.")

    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([revoked.enrollment.learner.email], f"Your certificate {revoked.code} was revoked"),
        (["other@example.org"], f"Your reissue request for {declined.code}"),
    ]
    assert "Did not do the work." in mail.outbox[0].body
    assert "Send your CA license." in mail.outbox[1].body


def test_the_review_shows_the_approvals_the_reissue_would_cite_and_drop(client):
    course = CourseFactory()
    ApprovalFactory(course=course, number="APA-1")  # psychologists everywhere
    ApprovalFactory(
        course=course,
        body_name="Association of Social Work Boards",
        body_abbreviation="ASWB ACE",
        number="ACE-2",
        coverage=[("social_work", "")],
    )
    learner = UserFactory(license__license_type="lcsw", license__state="TX")
    license_create(holder=learner, license_type="psychologist", state="NY", number="PSY-9")
    certificate = certificate_issue(
        enrollment=CompletedEnrollmentFactory(learner=learner, course=course)
    )
    learner.licenses.filter(license_type="psychologist").delete()
    request = reissue_request_create(certificate=certificate, learner=learner, reason="Moved")
    force_login_with_second_factor(client, StaffFactory())
    review_url = reverse("admin:courses_reissuerequest_review", args=[request.pk])

    page = client.get(review_url).content.decode()
    client.post(review_url)

    row = page[page.index("Approvals cited") :]
    row = row[: row.index("</tr>")]
    assert "(changes)" in row
    assert row.count("APA-1") == 1  # on the certificate, not in the requested column
    assert row.count("ACE-2") == 2
    certificate.refresh_from_db()
    assert [a["provider_number"] for a in certificate.reissued_as.approvals] == ["ACE-2"]


def test_a_layout_1_reissue_states_the_one_license_its_layout_prints(client):
    certificate = _certificate()  # LCSW, Texas
    Certificate.objects.filter(pk=certificate.pk).update(layout=1, licenses=[])
    certificate.refresh_from_db()
    learner = certificate.enrollment.learner
    learner.licenses.update(number="LCS-2")  # renewed under a new number
    license_create(holder=learner, license_type="lmft", state="CA", number="M-7")
    learner.licenses.filter(license_type="lcsw").update(created_at=timezone.now())  # now last
    client.force_login(learner)
    page = client.get(reverse("courses:reissue_request", args=[certificate.code]))
    request = reissue_request_create(certificate=certificate, learner=learner, reason="Renewed")
    force_login_with_second_factor(client, StaffFactory())
    review = client.get(reverse("admin:courses_reissuerequest_review", args=[request.pk]))
    client.post(reverse("admin:courses_reissuerequest_review", args=[request.pk]))

    assert "earlier layout, which states one license" in page.content.decode()
    assert "M-7" not in review.content.decode()  # what approving prints, and nothing else
    certificate.refresh_from_db()
    new = certificate.reissued_as
    assert (new.layout, new.license_number, new.license_state) == (1, "LCS-2", "Texas")
    assert [held["number"] for held in new.licenses] == ["LCS-2"]
