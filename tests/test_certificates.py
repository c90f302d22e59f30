"""Issuing, revoking and reissuing certificates, the trail they leave, and the admin."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from courses.models import (
    Certificate,
    CertificateEventKind,
    CertificateStatus,
    OutboundEmail,
    OutboundEmailStatus,
    ProviderSettings,
    ReissueRequestStatus,
)
from courses.pdf.certificate import certificate_pdf_render
from courses.services import certificates as service
from courses.services.certificates import (
    CODE_ALPHABET,
    certificate_code_generate,
    certificate_code_normalize,
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
    reissue_request_create,
    reissue_request_decline,
)
from tests.factories import (
    ApprovalFactory,
    AuthorFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    EnrollmentFactory,
    LicenseFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def _completed_enrollment():
    course = CourseFactory(
        title="Power in the Helping Relationship",
        ce_hours=Decimal("3.25"),
        authors=[AuthorFactory(name="Miriam Hale", credentials="PhD")],
    )
    ApprovalFactory(
        course=course,
        number="APA-77",
        starts_on=date(2020, 1, 1),
        ends_on=date(2099, 12, 31),
        statement_template="{provider_name} is approved for {hours} hours.",
    )
    return CompletedEnrollmentFactory(course=course)


def _rename(learner, name="Dana Newname, PhD"):
    learner.full_name = name
    learner.save()


# Issuing -------------------------------------------------------------------


def test_issue_snapshots_everything_stated():
    provider = ProviderSettings.load()
    provider.administrator_name = "Jordan Ellis, PsyD"
    provider.save()
    enrollment = _completed_enrollment()
    certificate = certificate_issue(enrollment=enrollment)
    learner = enrollment.learner
    assert certificate.learner_name == learner.full_name
    assert certificate.license_type == "Psychologist"
    assert certificate.license_number == learner.licenses.get().number
    assert certificate.license_state == "California"
    assert certificate.course_title == "Power in the Helping Relationship"
    assert certificate.ce_hours == Decimal("3.25")
    assert certificate.delivery_format == "Home study, self-paced online"
    assert certificate.approvals == [
        {
            "board": "American Psychological Association",
            "abbreviation": "APA",
            "provider_number": "APA-77",
            "starts_on": "2020-01-01",
            "ends_on": "2099-12-31",
            "statement": "Helping Professions CE is approved for 3.25 hours.",
        }
    ]
    assert certificate.licenses == [
        {
            "profession": "psychology",
            "license_type": "Psychologist",
            "state": "CA",
            "number": learner.licenses.get().number,
        }
    ]
    assert certificate.ce_credits == [{"type": "general/clinical", "hours": "3.25"}]
    assert certificate.level == "Intermediate"
    assert certificate.layout == 2
    assert certificate.authors == ["Miriam Hale, PhD"]
    assert certificate.provider_name == "Helping Professions CE"
    assert certificate.administrator_name == "Jordan Ellis, PsyD"
    assert certificate.status == CertificateStatus.VALID
    assert [e.kind for e in certificate.events.all()] == [CertificateEventKind.ISSUED]


def test_issue_is_once_per_enrollment():
    enrollment = _completed_enrollment()
    first = certificate_issue(enrollment=enrollment)
    assert certificate_issue(enrollment=enrollment).pk == first.pk
    assert Certificate.objects.count() == 1
    assert first.events.count() == 1


def test_database_refuses_a_second_original():
    certificate = certificate_issue(enrollment=_completed_enrollment())
    fields = {
        f.name: getattr(certificate, f.name)
        for f in Certificate._meta.concrete_fields
        if f.name not in {"id", "code"}
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(code="2222-3333-4444", **fields)


def test_issue_refuses_an_incomplete_enrollment():
    with pytest.raises(ValueError, match="completed"):
        certificate_issue(enrollment=EnrollmentFactory())
    assert Certificate.objects.count() == 0


def test_issued_certificate_ignores_later_course_and_profile_edits(client):
    enrollment = _completed_enrollment()
    certificate = certificate_issue(enrollment=enrollment)
    pdf_before = certificate_pdf_render(certificate)
    page_before = client.get(certificate.get_absolute_url()).content

    course = enrollment.course
    course.title = "Renamed course"
    course.ce_hours = Decimal("9.00")
    course.save()
    course.approvals.update(statement_template="A new statement.", number="NEW-1")
    course.credits.update(hours=Decimal("9.00"))
    course.authors.set([AuthorFactory(name="Someone Else")])
    learner = enrollment.learner
    learner.full_name = "Totally Different"
    learner.save()
    learner.licenses.update(number="LMFT999", state="NY")
    provider = ProviderSettings.load()
    provider.provider_name = "New Provider Name"
    provider.save()

    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.course_title == "Power in the Helping Relationship"
    assert certificate.ce_hours == Decimal("3.25")
    assert certificate.learner_name != "Totally Different"
    assert certificate_pdf_render(certificate) == pdf_before
    assert client.get(certificate.get_absolute_url()).content == page_before


# Codes ---------------------------------------------------------------------


def test_code_is_grouped_random_and_unambiguous():
    codes = {certificate_code_generate() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
        assert not set(code.replace("-", "")) & set("01OILU")
    assert set("".join(codes).replace("-", "")) <= set(CODE_ALPHABET)


def test_code_normalize_accepts_what_people_type():
    assert certificate_code_normalize(" 7kq4 mx2p 9tra ") == "7KQ4-MX2P-9TRA"
    assert certificate_code_normalize("7KQ4MX2P9TRA") == "7KQ4-MX2P-9TRA"
    assert certificate_code_normalize("7kq4-mx2p-9tra") == "7KQ4-MX2P-9TRA"


def test_code_collision_is_retried(monkeypatch):
    taken = certificate_issue(enrollment=_completed_enrollment()).code
    codes = iter([taken, "ZZZZ-YYYY-XXXX"])
    monkeypatch.setattr(service, "certificate_code_generate", lambda: next(codes))
    certificate = certificate_issue(enrollment=_completed_enrollment())
    assert certificate.code == "ZZZZ-YYYY-XXXX"
    assert Certificate.objects.count() == 2


# Email ---------------------------------------------------------------------


def test_certificate_ready_email_is_sent_on_commit(outbox, django_capture_on_commit_callbacks):
    enrollment = _completed_enrollment()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        certificate = certificate_issue(enrollment=enrollment)
    # Nothing before the transaction commits: the email is an outbox row in it.
    assert mail.outbox == []
    assert OutboundEmail.objects.get().status == OutboundEmailStatus.PENDING
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.get().status == OutboundEmailStatus.SENT
    message = mail.outbox[0]
    assert message.to == [enrollment.learner.email]
    assert "Power in the Helping Relationship" in message.subject
    assert f"http://127.0.0.1:8000/certificates/{certificate.code}.pdf" in message.body
    assert "http://127.0.0.1:8000/my-ce/" in message.body
    assert "3.25 CE hours" in message.body


def test_idempotent_issue_sends_one_email(outbox, django_capture_on_commit_callbacks):
    enrollment = _completed_enrollment()
    with django_capture_on_commit_callbacks(execute=True):
        certificate_issue(enrollment=enrollment)
        certificate_issue(enrollment=enrollment)
    assert len(mail.outbox) == 1


# Revoke --------------------------------------------------------------------


def test_revoke_needs_a_reason_and_leaves_a_trail():
    certificate = certificate_issue(enrollment=_completed_enrollment())
    staff = StaffFactory()
    with pytest.raises(ValidationError, match="reason"):
        certificate_revoke(certificate=certificate, actor=staff, reason="  ")
    certificate = certificate_revoke(certificate=certificate, actor=staff, reason="Plagiarised")
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_at is not None
    event = certificate.events.last()
    assert (event.kind, event.actor, event.note) == (
        CertificateEventKind.REVOKED,
        staff,
        "Plagiarised",
    )
    with pytest.raises(ValidationError, match="only a valid certificate"):
        certificate_revoke(certificate=certificate, actor=staff, reason="Again")


def test_revoke_declines_a_pending_reissue_request():
    certificate = certificate_issue(enrollment=_completed_enrollment())
    learner = certificate.enrollment.learner
    _rename(learner)
    request = reissue_request_create(certificate=certificate, learner=learner, reason="Married")
    certificate_revoke(certificate=certificate, actor=StaffFactory(), reason="Fraud")
    request.refresh_from_db()
    assert request.status == ReissueRequestStatus.DECLINED


# Reissue -------------------------------------------------------------------


def test_licenses_in_another_order_are_no_reason_to_reissue(client):
    enrollment = _completed_enrollment()
    learner = enrollment.learner
    LicenseFactory(holder=learner, license_type="lmft", state="NV", number="LMFT-NV-31")
    certificate = certificate_issue(enrollment=enrollment)
    first = learner.licenses.order_by("pk").first()
    first.delete()  # removed and added again: now last in the profile
    LicenseFactory(
        holder=learner, license_type=first.license_type, state=first.state, number=first.number
    )

    with pytest.raises(ValidationError, match="profile matches"):
        reissue_request_create(certificate=certificate, learner=learner, reason="Same again")
    learner.full_name = "New Name"
    learner.save()
    client.force_login(learner)
    page = client.get(reverse("courses:reissue_request", args=[certificate.code]))

    # Only what is new is bold: the name, not the licenses the certificate already states.
    html = page.content.decode()
    assert "<strong>New Name</strong>" in html
    assert "(LMFT) · License No. LMFT-NV-31 · Nevada" in html
    assert "<strong>Licensed" not in html and "<strong>Psychologist" not in html


def test_reissue_request_rules():
    certificate = certificate_issue(enrollment=_completed_enrollment())
    learner = certificate.enrollment.learner
    other = CompletedEnrollmentFactory().learner
    with pytest.raises(ValidationError, match="profile matches"):
        reissue_request_create(certificate=certificate, learner=learner, reason="Why not")
    _rename(learner)
    with pytest.raises(PermissionDenied):
        reissue_request_create(certificate=certificate, learner=other, reason="Mine now")
    with pytest.raises(ValidationError, match="Tell us why"):
        reissue_request_create(certificate=certificate, learner=learner, reason="")
    request = reissue_request_create(certificate=certificate, learner=learner, reason="Married")
    assert request.status == ReissueRequestStatus.PENDING
    with pytest.raises(ValidationError, match="already waiting"):
        reissue_request_create(certificate=certificate, learner=learner, reason="Again")
    event = certificate.events.last()
    assert (event.kind, event.actor, event.note) == (
        CertificateEventKind.REISSUE_REQUESTED,
        learner,
        "Married",
    )


def test_reissue_makes_a_new_certificate_and_keeps_the_original(
    outbox,
    django_capture_on_commit_callbacks,
):
    original = certificate_issue(enrollment=_completed_enrollment())
    learner = original.enrollment.learner
    _rename(learner, "Dana Married-Name, PhD")
    learner.licenses.update(number="PSY-NEW-1")
    original.enrollment.course.title = "Edited since"
    original.enrollment.course.save()
    request = reissue_request_create(certificate=original, learner=learner, reason="Married")
    staff = StaffFactory()

    with django_capture_on_commit_callbacks(execute=True):
        new = certificate_reissue(request=request, actor=staff)

    original.refresh_from_db()
    request.refresh_from_db()
    assert original.status == CertificateStatus.REISSUED
    assert new.reissue_of == original and new.status == CertificateStatus.VALID
    assert new.code != original.code
    assert (new.learner_name, new.license_number) == ("Dana Married-Name, PhD", "PSY-NEW-1")
    # The credit itself is as it was earned.
    assert (new.course_title, new.ce_hours, new.completed_on) == (
        original.course_title,
        original.ce_hours,
        original.completed_on,
    )
    assert original.learner_name != new.learner_name  # the original is still on record
    assert (request.status, request.decided_by) == (ReissueRequestStatus.APPROVED, staff)
    assert [e.kind for e in original.events.all()] == [
        CertificateEventKind.ISSUED,
        CertificateEventKind.REISSUE_REQUESTED,
        CertificateEventKind.REISSUED,
    ]
    assert original.events.last().note == f"Replaced by {new.code}."
    assert new.events.get().note == f"Reissue of {original.code}: Married"
    assert len(mail.outbox) == 1 and "reissued" in mail.outbox[0].subject
    with pytest.raises(ValidationError, match="already approved"):
        certificate_reissue(request=request, actor=staff)


def test_reissue_request_decline_needs_a_note_and_emails_the_learner(
    outbox,
    django_capture_on_commit_callbacks,
):
    certificate = certificate_issue(enrollment=_completed_enrollment())
    learner = certificate.enrollment.learner
    _rename(learner)
    request = reissue_request_create(certificate=certificate, learner=learner, reason="Typo")
    staff = StaffFactory()
    with pytest.raises(ValidationError, match="why"):
        reissue_request_decline(request=request, actor=staff, note="")
    with django_capture_on_commit_callbacks(execute=True):
        reissue_request_decline(request=request, actor=staff, note="Send proof of the change.")
    request.refresh_from_db()
    certificate.refresh_from_db()
    assert request.status == ReissueRequestStatus.DECLINED
    assert certificate.status == CertificateStatus.VALID
    assert certificate.events.last().kind == CertificateEventKind.REISSUE_DECLINED
    assert "Send proof of the change." in mail.outbox[0].body
    assert mail.outbox[0].to == [learner.email]


# Reissue request page -------------------------------------------------------


def _owned_certificate(client):
    certificate = certificate_issue(enrollment=_completed_enrollment())
    client.force_login(certificate.enrollment.learner)
    return certificate


def test_reissue_page_shows_what_will_change(client):
    certificate = _owned_certificate(client)
    old_name = certificate.learner_name
    _rename(certificate.enrollment.learner, "Dana Newname, PhD")
    response = client.get(reverse("courses:reissue_request", args=[certificate.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "licenses <strong>in your profile now</strong>, as they are when you ask" in html
    row = re.search(r'<tr class="table-warning">(.*?)</tr>', html, re.S).group(1)
    assert "Name" in row and old_name in row and "Dana Newname, PhD" in row
    assert html.count('class="table-warning"') == 1  # only the name changes


def test_reissue_page_creates_the_request(client):
    certificate = _owned_certificate(client)
    _rename(certificate.enrollment.learner)
    url = reverse("courses:reissue_request", args=[certificate.code])
    response = client.post(url, {"reason": "I married"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Your request was sent" in response.content.decode()
    assert "is waiting for the CE office" in response.content.decode()
    assert certificate.reissue_requests.get().reason == "I married"


def test_reissue_page_refuses_when_nothing_changed(client):
    certificate = _owned_certificate(client)
    url = reverse("courses:reissue_request", args=[certificate.code])
    response = client.post(url, {"reason": "Just because"})
    assert response.status_code == 400
    assert "Your profile matches this certificate" in response.content.decode()
    assert not certificate.reissue_requests.exists()


def test_reissue_page_needs_a_reason(client):
    certificate = _owned_certificate(client)
    _rename(certificate.enrollment.learner)
    response = client.post(reverse("courses:reissue_request", args=[certificate.code]), {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_reissue_page_is_owner_only(client, learner_client):
    certificate = certificate_issue(enrollment=_completed_enrollment())
    url = reverse("courses:reissue_request", args=[certificate.code])
    assert learner_client.get(url).status_code == 404
    learner_client.logout()
    response = learner_client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


# Admin ---------------------------------------------------------------------


def test_admin_certificate_list_search_and_read_only(staff_client):
    certificate = certificate_issue(enrollment=_completed_enrollment())
    certificate_issue(enrollment=_completed_enrollment())
    changelist = reverse("admin:courses_certificate_changelist")
    response = staff_client.get(changelist, {"q": certificate.license_number})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert staff_client.get(changelist, {"q": certificate.code}).context["cl"].result_count == 1
    detail = staff_client.get(reverse("admin:courses_certificate_change", args=[certificate.pk]))
    assert detail.status_code == 200
    assert detail.context["has_change_permission"] is False
    assert "Issued" in detail.content.decode()  # the events inline
    delete = reverse("admin:courses_certificate_delete", args=[certificate.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    assert "delete_selected" not in response.context["action_form"].fields["action"].choices[1:]


def test_admin_finds_and_shows_a_certificate_by_any_license_it_states(staff_client):
    enrollment = _completed_enrollment()
    LicenseFactory(holder=enrollment.learner, license_type="lmft", state="NV", number="LMFT-NV-31")
    certificate = certificate_issue(enrollment=enrollment)
    certificate_issue(enrollment=_completed_enrollment())
    changelist = reverse("admin:courses_certificate_changelist")

    found = staff_client.get(changelist, {"q": "LMFT-NV-31"})
    detail = staff_client.get(reverse("admin:courses_certificate_change", args=[certificate.pk]))

    assert [c.pk for c in found.context["cl"].result_list] == [certificate.pk]
    page = detail.content.decode()
    assert f"License No. {certificate.license_number}" in page
    assert "Licensed Marriage and Family Therapist (LMFT) · License No. LMFT-NV-31 · Nevada" in page


def test_admin_revoke_action_asks_for_a_reason(staff_client):
    certificate = certificate_issue(enrollment=_completed_enrollment())
    changelist = reverse("admin:courses_certificate_changelist")
    data = {"action": "revoke_selected", "_selected_action": [certificate.pk]}
    page = staff_client.post(changelist, data)
    assert page.status_code == 200
    assert "Revoke certificates" in page.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID  # nothing yet

    blank = staff_client.post(changelist, {**data, "apply": "1", "reason": ""})
    assert "This field is required" in blank.content.decode()

    done = staff_client.post(changelist, {**data, "apply": "1", "reason": "Did not do the work"})
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.events.last().note == "Did not do the work"
    assert certificate.events.last().actor == staff_client.user


def test_admin_reissue_request_approve_and_decline(staff_client):
    first = certificate_issue(enrollment=_completed_enrollment())
    second = certificate_issue(enrollment=_completed_enrollment())
    for certificate in (first, second):
        _rename(certificate.enrollment.learner, f"New name {certificate.pk}")
        reissue_request_create(
            certificate=certificate, learner=certificate.enrollment.learner, reason="Name"
        )
    changelist = reverse("admin:courses_reissuerequest_changelist")
    request_one = first.reissue_requests.get()
    detail = staff_client.get(reverse("admin:courses_reissuerequest_change", args=[request_one.pk]))
    assert f"New name {first.pk}</strong>" in detail.content.decode()

    review = reverse("admin:courses_reissuerequest_review", args=[request_one.pk])
    assert review in staff_client.get(changelist).content.decode()
    staff_client.post(review)
    first.refresh_from_db()
    assert first.status == CertificateStatus.REISSUED
    assert first.reissued_as.learner_name == f"New name {first.pk}"

    request_two = second.reissue_requests.get()
    data = {"action": "decline_selected", "_selected_action": [request_two.pk]}
    staff_client.post(changelist, {**data, "apply": "1", "reason": "Send proof."})
    request_two.refresh_from_db()
    assert request_two.status == ReissueRequestStatus.DECLINED


def test_admin_provider_settings_is_a_singleton(staff_client):
    response = staff_client.get(reverse("admin:courses_providersettings_changelist"))
    assert response.status_code == 302
    assert response.url == reverse("admin:courses_providersettings_change", args=[1])
    assert staff_client.get(reverse("admin:courses_providersettings_add")).status_code == 403
