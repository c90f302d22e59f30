"""Issued credit: certificates and their trail.

A certificate is a record of what was true when it was issued. Its snapshot
fields are never updated; a revoke or reissue is a new event, not an edit.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .accounts import USState
from .approvals import date_text
from .content import clean_certificate_text, hours_text
from .learning import Enrollment


def credits_text(credits, separator=" · ") -> str:
    """(credit type, hours) pairs as printed: '2 general/clinical · 1 ethics'."""
    return separator.join(f"{hours_text(hours)} {kind}" for kind, hours in credits)


class ProviderSettings(models.Model):
    """The CE provider's identity on certificates. There is only one row."""

    provider_name = models.CharField(max_length=200, default="Helping Professions CE")
    administrator_name = models.CharField("CE administrator's name", max_length=200, default="")
    administrator_title = models.CharField(max_length=200, default="CE Administrator")
    delivery_format = models.CharField(max_length=200, default="Home study, self-paced online")
    contact_email = models.EmailField("contact email", blank=True)
    contact_phone = models.CharField("contact phone", max_length=40, blank=True)
    contact_address = models.CharField(
        "postal address",
        max_length=300,
        blank=True,
        help_text="One line, as certificates print it.",
    )
    signature_image = models.ImageField(upload_to="provider/", blank=True)
    logo = models.ImageField(upload_to="provider/", blank=True)

    class Meta:
        verbose_name = "provider settings"
        verbose_name_plural = "provider settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="provider_settings_singleton")
        ]

    def __str__(self):
        return self.provider_name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self):
        clean_certificate_text(
            self,
            {
                "provider_name": "The provider name",
                "administrator_name": "The CE administrator's name",
                "administrator_title": "The CE administrator's title",
                "delivery_format": "The delivery format",
                "contact_phone": "The contact phone",
                "contact_address": "The postal address",
            },
        )

    @property
    def contact_line(self) -> str:
        """The provider's contact as one line on a certificate."""
        parts = [self.contact_address, self.contact_phone, self.contact_email]
        return " · ".join(part for part in parts if part)

    @classmethod
    def load(cls):
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class CertificateStatus(models.TextChoices):
    VALID = "valid", "Valid"
    REVOKED = "revoked", "Revoked"
    REISSUED = "reissued", "Replaced by a reissued certificate"


# How a certificate is laid out. An issued certificate keeps the layout it was issued
# with, so its PDF stays byte for byte what it was; new certificates get the newest.
# 1: one license, every approval of the course.
# 2: the licenses held, the approvals covering them, credit types, level, contact.
LAYOUT_CURRENT = 2


class Certificate(models.Model):
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="certificates"
    )
    code = models.CharField(max_length=20, unique=True)
    status = models.CharField(
        max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    reissue_of = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reissued_as",
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    layout = models.PositiveSmallIntegerField(default=LAYOUT_CURRENT, editable=False)

    # Snapshot, as stated on the certificate.
    learner_name = models.CharField(max_length=200)
    license_type = models.CharField(max_length=100, blank=True)
    license_number = models.CharField(max_length=50, blank=True)
    license_state = models.CharField(max_length=50, blank=True)
    # [{"profession", "license_type", "state", "number"}] as held at completion (layout 2).
    licenses = models.JSONField(default=list, blank=True)
    course_title = models.CharField(max_length=200)
    ce_hours = models.DecimalField(max_digits=5, decimal_places=2)
    completed_on = models.DateField()
    delivery_format = models.CharField(max_length=200)
    ce_credits = models.JSONField(default=list, blank=True)  # [{"type", "hours"}] (layout 2)
    level = models.CharField(max_length=20, blank=True)  # as displayed (layout 2)
    # [{"board", "provider_number", "statement"}], with "abbreviation", "starts_on" and
    # "ends_on" (ISO dates) from layout 2; the statement is rendered, as printed.
    approvals = models.JSONField(default=list)
    authors = models.JSONField(default=list)  # ["Name, credentials", ...]
    provider_name = models.CharField(max_length=200)
    administrator_name = models.CharField(max_length=200, blank=True)
    administrator_title = models.CharField(max_length=200, blank=True)
    provider_contact = models.CharField(max_length=400, blank=True)  # (layout 2)
    # The provider's images at issue time. Uploads never overwrite a stored file,
    # so a later signature or logo does not change this certificate.
    signature_image = models.FileField(upload_to="provider/", blank=True, editable=False)
    logo = models.FileField(upload_to="provider/", blank=True, editable=False)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            # Exactly one original certificate per completed enrollment.
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(reissue_of__isnull=True),
                name="certificate_one_original_per_enrollment",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | Q(revoked_at__isnull=False),
                name="certificate_revoked_has_date",
            ),
        ]
        indexes = [models.Index(fields=["completed_on"])]

    def __str__(self):
        return f"{self.code} · {self.learner_name} · {self.course_title}"

    def get_absolute_url(self):
        return reverse("verify_code", kwargs={"code": self.code})

    @property
    def is_reissue(self):
        return self.reissue_of_id is not None

    @property
    def ce_hours_display(self):
        return hours_text(self.ce_hours)

    def license_phrases(self, *, shorten_numbers=False) -> list[str]:
        """Each license held at completion: 'LCSW · License No. 123 · Texas'. Shortened,
        a number shows its last four characters only, for the public verification page."""
        return [license_phrase(held, shorten_number=shorten_numbers) for held in self.licenses]

    @property
    def licenses_stated(self) -> list[str]:
        """The licenses as the certificate states them: each one held (layout 2), or the
        one license a layout 1 certificate printed."""
        if self.layout >= 2:
            return self.license_phrases()
        legacy = license_phrase(
            {
                "license_type": self.license_type,
                "number": self.license_number,
                "state": self.license_state,
            }
        )
        return [legacy] if legacy else []

    @property
    def other_licenses_stated(self) -> list[str]:
        """The licenses stated beyond the first, which the license fields hold."""
        return self.license_phrases()[1:] if self.layout >= 2 else []

    @property
    def license_phrases_shortened(self) -> list[str]:
        return self.license_phrases(shorten_numbers=True)

    @property
    def credits_display(self) -> str:
        return credits_text((c["type"], c["hours"]) for c in self.ce_credits)

    @property
    def cited_approvals(self) -> list[dict]:
        """The approvals as stated, each with its "period" as printed (layout 2)."""
        return [{**approval, "period": _period_text(approval)} for approval in self.approvals]


STATE_NAMES = dict(USState.choices)


def license_phrase(held: dict, *, shorten_number=False) -> str:
    """One license as a certificate's snapshot holds it (License.snapshot())."""
    number = held["number"]
    if number and shorten_number and len(number) > 4:
        number = "…" + number[-4:]
    parts = [
        held["license_type"],
        f"License No. {number}" if number else "",
        STATE_NAMES.get(held["state"], held["state"]),
    ]
    return " · ".join(part for part in parts if part)


def _period_text(approval: dict) -> str:
    starts, ends = approval.get("starts_on"), approval.get("ends_on")
    if not starts:
        return ""
    start = date_text(date.fromisoformat(starts))
    return f"{start} – {date_text(date.fromisoformat(ends))}" if ends else f"from {start}"


class CertificateEventKind(models.TextChoices):
    ISSUED = "issued", "Issued"
    REVOKED = "revoked", "Revoked"
    REISSUE_REQUESTED = "reissue_requested", "Reissue requested"
    REISSUED = "reissued", "Reissued"
    REISSUE_DECLINED = "reissue_declined", "Reissue declined"


class CertificateEvent(models.Model):
    """The trail of everything that happened to a certificate."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=CertificateEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["certificate", "at", "id"]

    def __str__(self):
        return f"{self.certificate.code} {self.get_kind_display()} {self.at:%Y-%m-%d}"


class ReissueRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class ReissueRequest(models.Model):
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="reissue_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reissue_requests"
    )
    reason = models.TextField()
    # Exactly what the learner asked the new certificate to state, copied from their
    # profile when asking: the registrar reviews these, and an approval prints these,
    # whatever the profile says by then.
    requested_name = models.CharField(max_length=200, blank=True)
    requested_licenses = models.JSONField(default=list, blank=True)  # License.snapshot()s
    status = models.CharField(
        max_length=10, choices=ReissueRequestStatus.choices, default=ReissueRequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate"],
                condition=Q(status="pending"),
                name="reissue_request_one_pending",
            ),
        ]

    def __str__(self):
        return f"Reissue of {self.certificate.code} ({self.get_status_display()})"
