"""A clinician's licenses, and what each state asks of a license at renewal."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .accounts import USState
from .approvals import Profession


class LicenseType(models.TextChoices):
    PSYCHOLOGIST = "psychologist", "Psychologist"
    PSYD = "psyd", "Psychologist (PsyD)"
    PHD = "phd", "Psychologist (PhD)"
    LCSW = "lcsw", "Licensed Clinical Social Worker (LCSW)"
    LPC = "lpc", "Licensed Professional Counselor (LPC)"
    LPCC = "lpcc", "Licensed Professional Clinical Counselor (LPCC)"
    LMFT = "lmft", "Licensed Marriage and Family Therapist (LMFT)"
    OTHER = "other", "Other"


# The profession a license type belongs to; "other" names none.
PROFESSION_OF = {
    LicenseType.PSYCHOLOGIST: Profession.PSYCHOLOGY,
    LicenseType.PSYD: Profession.PSYCHOLOGY,
    LicenseType.PHD: Profession.PSYCHOLOGY,
    LicenseType.LCSW: Profession.SOCIAL_WORK,
    LicenseType.LPC: Profession.COUNSELING,
    LicenseType.LPCC: Profession.COUNSELING,
    LicenseType.LMFT: Profession.MARRIAGE_FAMILY_THERAPY,
}


class License(models.Model):
    """One license a clinician holds. Certificates copy it when issued, so editing or
    removing it later leaves issued certificates as they were."""

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="licenses"
    )
    license_type = models.CharField(max_length=20, choices=LicenseType.choices)
    profession = models.CharField(
        max_length=30,
        choices=Profession.choices,
        blank=True,
        help_text="Set from the license type; chosen by hand only for 'Other'.",
    )
    state = models.CharField("licensing state", max_length=2, choices=USState.choices, blank=True)
    number = models.CharField("license number", max_length=50, blank=True)
    renews_on = models.DateField(
        "renewal date",
        null=True,
        blank=True,
        help_text="The date this license is next due for renewal.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["holder", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "license_type", "state"],
                condition=~Q(license_type="other"),
                name="license_one_per_type_and_state",
                violation_error_message="You already have this license in this state; "
                "edit that one instead.",
            ),
            # A named license type belongs to a profession (save() sets it).
            models.CheckConstraint(
                condition=Q(license_type="other") | ~Q(profession=""),
                name="license_named_type_has_profession",
            ),
        ]

    def __str__(self):
        return self.short_name

    def save(self, *args, **kwargs):
        self.profession = PROFESSION_OF.get(self.license_type, self.profession)
        super().save(*args, **kwargs)

    @property
    def short_name(self) -> str:
        """'LCSW (Texas)', as the catalog and My CE name it."""
        kind = self.license_type.upper() if self.license_type != LicenseType.OTHER else "License"
        if self.license_type in (LicenseType.PSYCHOLOGIST, LicenseType.PSYD, LicenseType.PHD):
            kind = self.get_license_type_display()
        return f"{kind} ({self.get_state_display()})" if self.state else kind

    def clean(self):
        self.profession = PROFESSION_OF.get(self.license_type, self.profession)
        if self.license_type and self.license_type != LicenseType.OTHER:
            missing = {
                field: "Your license details go on your certificates."
                for field in ("state", "number")
                if not getattr(self, field)
            }
            if missing:
                raise ValidationError(missing)

    def snapshot(self) -> dict:
        """What a certificate states about this license (Certificate.licenses): the type
        as printed, the state's two-letter code."""
        return {
            "profession": self.profession,
            "license_type": self.get_license_type_display(),
            "state": self.state,
            "number": self.number,
        }
