"""Certificates: issued once per completed enrollment as a snapshot, then revoked or
reissued, never edited. Every change leaves a CertificateEvent."""

import re
import secrets
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    LAYOUT_CURRENT,
    Certificate,
    CertificateEvent,
    CertificateEventKind,
    CertificateStatus,
    Enrollment,
    ProviderSettings,
    ReissueRequest,
    ReissueRequestStatus,
    User,
    USState,
)
from courses.models.credit import license_phrase
from courses.selectors.approvals import HeldLicense, certificate_approvals

# No 0/O, 1/I/L or U, so a code survives being read aloud or typed from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4
CODE_PATTERN = re.compile(rf"[{CODE_ALPHABET}]{{4}}(?:-[{CODE_ALPHABET}]{{4}}){{2}}")
CODE_ATTEMPTS = 5

# What a reissue takes from the request (the learner's name and licenses) is
# _learner_fields'; everything else is kept from the original.
COURSE_FIELDS = (
    "layout",
    "course_title",
    "ce_hours",
    "ce_credits",
    "level",
    "completed_on",
    "delivery_format",
    "approvals",
    "authors",
    "provider_name",
    "administrator_name",
    "administrator_title",
    "provider_contact",
    "signature_image",
    "logo",
)


def certificate_code_generate() -> str:
    """A random code such as '7KQ4-MX2P-9TRA' (30^12, about 59 bits)."""
    return "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
        for _ in range(CODE_GROUPS)
    )


def certificate_code_normalize(raw: str) -> str:
    """Accept what a clerk types: any case, spaces or no dashes."""
    compact = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    if len(compact) != CODE_GROUPS * CODE_GROUP_LENGTH:
        return compact
    return "-".join(
        compact[i : i + CODE_GROUP_LENGTH] for i in range(0, len(compact), CODE_GROUP_LENGTH)
    )


def _profile_licenses(learner: User) -> list[dict]:
    return [license.snapshot() for license in learner.licenses.all()]


def _learner_fields(name: str, licenses: list[dict]) -> dict:
    """The certificate fields that state the learner."""
    first = licenses[0] if licenses else {}
    return {
        "learner_name": name,
        "license_type": first.get("license_type", ""),
        "license_number": first.get("number", ""),
        "license_state": USState(first["state"]).label if first.get("state") else "",
        "licenses": licenses,
    }


def _approvals_stated(
    *, course, licenses: list[dict], on, provider_name: str, hours, credits
) -> list[dict]:
    """The approvals a certificate cites for these licenses on the day of completion,
    each with its number, period and statement as printed."""
    held = [HeldLicense(**license) for license in licenses]
    return [
        {
            "board": approval.body_name,
            "abbreviation": approval.body_abbreviation,
            "provider_number": approval.number,
            "starts_on": approval.starts_on.isoformat(),
            "ends_on": approval.ends_on.isoformat() if approval.ends_on else "",
            "statement": approval.statement(
                provider_name=provider_name, hours=hours, credits=credits
            ),
        }
        for approval in certificate_approvals(course=course, licenses=held, on=on)
    ]


def _course_snapshot(
    enrollment: Enrollment, provider: ProviderSettings, licenses: list[dict]
) -> dict:
    """The course as certified on the day of completion, for the licenses then held."""
    course = enrollment.course
    completed_on = timezone.localdate(enrollment.completed_at)
    credits = [
        (credit.credit_type.name, credit.hours)
        for credit in course.credits.select_related("credit_type")
    ]
    return {
        "layout": LAYOUT_CURRENT,
        "course_title": course.title,
        "ce_hours": course.ce_hours,
        "ce_credits": [{"type": name, "hours": str(hours)} for name, hours in credits],
        "level": course.get_level_display(),
        "completed_on": completed_on,
        "delivery_format": provider.delivery_format,
        "approvals": _approvals_stated(
            course=course,
            licenses=licenses,
            on=completed_on,
            provider_name=provider.provider_name,
            hours=course.ce_hours,
            credits=credits,
        ),
        "authors": [str(author) for author in course.authors.all()],
        "provider_name": provider.provider_name,
        "administrator_name": provider.administrator_name,
        "administrator_title": provider.administrator_title,
        "provider_contact": provider.contact_line,
        "signature_image": provider.signature_image.name,
        "logo": provider.logo.name,
    }


class ReissueField(NamedTuple):
    label: str
    on_certificate: list[str]
    requested: list[str]

    @property
    def changed(self) -> bool:
        # The same licenses in another order are no change: a reissue would print the same.
        return sorted(self.on_certificate) != sorted(self.requested)


def _reissue_fields(
    certificate: Certificate, name: str, licenses: list[dict]
) -> list[ReissueField]:
    return [
        ReissueField("Name", [certificate.learner_name], [name]),
        ReissueField(
            "Licenses",
            certificate.licenses_stated,
            [license_phrase(lic) for lic in _reissued_licenses(certificate, licenses)],
        ),
    ]


def _reissued_licenses(original: Certificate, licenses: list[dict]) -> list[dict]:
    """The licenses a reissue states: all those requested; a layout 1 certificate prints
    one, so its reissue states the license it stated if still held, else the first."""
    if original.layout >= 2:
        return licenses
    stated = (original.license_type, original.license_state)
    same = [
        lic
        for lic in licenses
        if (lic["license_type"], USState(lic["state"]).label if lic["state"] else "") == stated
    ]
    return (same or licenses)[:1]


def certificate_profile_fields(*, certificate: Certificate, learner: User) -> list[ReissueField]:
    """What the certificate states about the learner next to their profile now."""
    return _reissue_fields(certificate, learner.full_name, _profile_licenses(learner))


def reissue_request_fields(*, request: ReissueRequest) -> list[ReissueField]:
    """What the certificate states next to what the request asked for: what the
    registrar reviews, and what approving it prints, the approvals it would cite too."""
    certificate = request.certificate
    return [
        *_reissue_fields(certificate, request.requested_name, request.requested_licenses),
        ReissueField(
            "Approvals cited",
            [_approval_line(a) for a in certificate.approvals],
            [
                _approval_line(a)
                for a in _reissued_approvals(certificate, request.requested_licenses)
            ],
        ),
    ]


def _approval_line(approval: dict) -> str:
    number = approval.get("provider_number")
    return f"{approval['board']} · No. {number}" if number else approval["board"]


def _reissued_approvals(original: Certificate, licenses: list[dict]) -> list[dict]:
    """The approvals a reissue for these licenses cites: those that covered them on the
    day of completion. A layout 1 certificate keeps the ones it stated."""
    if original.layout < 2:
        return original.approvals
    return _approvals_stated(
        course=original.enrollment.course,
        licenses=licenses,
        on=original.completed_on,
        provider_name=original.provider_name,
        hours=original.ce_hours,
        credits=[(c["type"], Decimal(c["hours"])) for c in original.ce_credits],
    )


def _certificate_create(**fields) -> Certificate:
    for _ in range(CODE_ATTEMPTS):
        code = certificate_code_generate()
        try:
            # A savepoint: a failed insert leaves the caller's transaction usable.
            with transaction.atomic():
                return Certificate.objects.create(code=code, **fields)
        except IntegrityError:
            if not Certificate.objects.filter(code=code).exists():
                raise  # not a code collision
    raise RuntimeError("Could not generate an unused certificate code.")


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _certificate_ready_email(certificate: Certificate, email: str) -> None:
    context = {
        "certificate": certificate,
        "pdf_url": _absolute(reverse("courses:certificate_pdf", kwargs={"code": certificate.code})),
        "transcript_url": _absolute(reverse("courses:transcript")),
        "verify_url": _absolute(certificate.get_absolute_url()),
    }
    subject = (
        "Your reissued certificate is ready"
        if certificate.is_reissue
        else "Your certificate is ready"
    )
    send_mail(
        f"{subject}: {certificate.course_title}",
        render_to_string("courses/email/certificate_ready.txt", context),
        None,
        [email],
    )


@transaction.atomic
def certificate_issue(*, enrollment: Enrollment) -> Certificate:
    """Issue the one original certificate of a completed enrollment, or return it.

    Concurrent calls queue on the enrollment's row lock, so the later ones find the
    first one's certificate; the partial unique constraint backs this up.
    """
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("learner", "course")
        .get(pk=enrollment.pk)
    )
    if enrollment.completed_at is None:
        raise ValueError("Only a completed enrollment (passed and evaluated) earns a certificate.")
    existing = Certificate.objects.filter(enrollment=enrollment, reissue_of__isnull=True).first()
    if existing:
        return existing
    licenses = _profile_licenses(enrollment.learner)
    certificate = _certificate_create(
        enrollment=enrollment,
        **_learner_fields(enrollment.learner.full_name, licenses),
        **_course_snapshot(enrollment, ProviderSettings.load(), licenses),
    )
    CertificateEvent.objects.create(certificate=certificate, kind=CertificateEventKind.ISSUED)
    # Into the outbox, in this transaction: sent after commit, never for a rollback.
    _certificate_ready_email(certificate, enrollment.learner.email)
    return certificate


def _locked(certificate: Certificate) -> Certificate:
    return (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("enrollment__learner")
        .get(pk=certificate.pk)
    )


def _require_valid(certificate: Certificate, action: str) -> None:
    if certificate.status != CertificateStatus.VALID:
        raise ValidationError(
            f"Certificate {certificate.code} is {certificate.get_status_display().lower()}; "
            f"only a valid certificate can be {action}."
        )


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message)
    return value


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    reason = _require_text(reason, "Give a reason for revoking the certificate.")
    certificate = _locked(certificate)
    _require_valid(certificate, "revoked")
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason"])
    CertificateEvent.objects.create(
        certificate=certificate, kind=CertificateEventKind.REVOKED, actor=actor, note=reason
    )
    for request in certificate.reissue_requests.filter(status=ReissueRequestStatus.PENDING):
        reissue_request_decline(request=request, actor=actor, note="The certificate was revoked.")
    send_mail(
        f"Your certificate {certificate.code} was revoked",
        render_to_string("courses/email/certificate_revoked.txt", {"certificate": certificate}),
        None,
        [certificate.enrollment.learner.email],
    )
    return certificate


@transaction.atomic
def reissue_request_create(
    *, certificate: Certificate, learner: User, reason: str
) -> ReissueRequest:
    reason = _require_text(reason, "Tell us why the certificate should be reissued.")
    certificate = _locked(certificate)
    if certificate.enrollment.learner_id != learner.pk:
        raise PermissionDenied("Only the certificate's owner can ask for a reissue.")
    _require_valid(certificate, "reissued")
    if certificate.reissue_requests.filter(status=ReissueRequestStatus.PENDING).exists():
        raise ValidationError("A reissue request for this certificate is already waiting.")
    name, licenses = learner.full_name, _profile_licenses(learner)
    if not any(f.changed for f in _reissue_fields(certificate, name, licenses)):
        raise ValidationError(
            "Your profile matches this certificate. Update your name or licenses in your "
            "profile first; the reissued certificate will carry them."
        )
    request = ReissueRequest.objects.create(
        certificate=certificate,
        requested_by=learner,
        reason=reason,
        requested_name=name,
        requested_licenses=licenses,
    )
    CertificateEvent.objects.create(
        certificate=certificate,
        kind=CertificateEventKind.REISSUE_REQUESTED,
        actor=learner,
        note=reason,
    )
    return request


def _locked_pending(request: ReissueRequest) -> ReissueRequest:
    request = ReissueRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ReissueRequestStatus.PENDING:
        raise ValidationError(
            f"This reissue request is already {request.get_status_display().lower()}."
        )
    return request


def _decide(request: ReissueRequest, status: str, actor: User) -> None:
    request.status = status
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.save(update_fields=["status", "decided_at", "decided_by"])


@transaction.atomic
def certificate_reissue(*, request: ReissueRequest, actor: User) -> Certificate:
    """Approve a reissue: a new certificate with the name and licenses the request
    asked for, as the registrar reviewed them (reissue_request_fields), whatever the
    profile says now.

    The course, hours and date stay as they were earned; the approvals cited are those
    that covered the reviewed licenses on the day of completion (_reissued_approvals).
    The original stays on record, marked reissued and linked from the new one.
    """
    request = _locked_pending(request)
    original = _locked(request.certificate)
    _require_valid(original, "reissued")
    learner = original.enrollment.learner
    course_fields = {field: getattr(original, field) for field in COURSE_FIELDS}
    course_fields["approvals"] = _reissued_approvals(original, request.requested_licenses)
    certificate = _certificate_create(
        enrollment=original.enrollment,
        reissue_of=original,
        **_learner_fields(
            request.requested_name, _reissued_licenses(original, request.requested_licenses)
        ),
        **course_fields,
    )
    original.status = CertificateStatus.REISSUED
    original.save(update_fields=["status"])
    _decide(request, ReissueRequestStatus.APPROVED, actor)
    CertificateEvent.objects.bulk_create(
        [
            CertificateEvent(
                certificate=original,
                kind=CertificateEventKind.REISSUED,
                actor=actor,
                note=f"Replaced by {certificate.code}.",
            ),
            CertificateEvent(
                certificate=certificate,
                kind=CertificateEventKind.ISSUED,
                actor=actor,
                note=f"Reissue of {original.code}: {request.reason}",
            ),
        ]
    )
    _certificate_ready_email(certificate, learner.email)
    return certificate


@transaction.atomic
def reissue_request_decline(*, request: ReissueRequest, actor: User, note: str) -> ReissueRequest:
    note = _require_text(note, "Tell the learner why the reissue is declined.")
    request = _locked_pending(request)
    _decide(request, ReissueRequestStatus.DECLINED, actor)
    CertificateEvent.objects.create(
        certificate_id=request.certificate_id,
        kind=CertificateEventKind.REISSUE_DECLINED,
        actor=actor,
        note=note,
    )
    send_mail(
        f"Your reissue request for {request.certificate.code}",
        render_to_string("courses/email/reissue_declined.txt", {"request": request, "note": note}),
        None,
        [request.requested_by.email],
    )
    return request
