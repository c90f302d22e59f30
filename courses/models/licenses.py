"""A clinician's licenses, and what each state asks of a license at renewal."""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
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


# Longest renewal period a board could set; far longer ones overflow date arithmetic.
MAX_PERIOD_MONTHS = 120
# Earliest date a license renewal or self-reported course can plausibly fall on.
EARLIEST_DATE = datetime.date(1950, 1, 1)


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
    other_type = models.CharField(
        "license name",
        max_length=100,
        blank=True,
        help_text="Only for 'Other': the license as your board names it.",
    )
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
        self._set_from_type()
        super().save(*args, **kwargs)

    def _set_from_type(self):
        self.profession = PROFESSION_OF.get(self.license_type, self.profession)
        is_other = self.license_type == LicenseType.OTHER
        self.other_type = " ".join(self.other_type.split()) if is_other else ""

    @property
    def short_name(self) -> str:
        """'LCSW (Texas)', as the catalog and My CE name it."""
        kind = self.license_type.upper()
        if self.license_type in (LicenseType.PSYCHOLOGIST, LicenseType.PSYD, LicenseType.PHD):
            kind = self.get_license_type_display()
        elif self.license_type == LicenseType.OTHER:
            kind = self.other_type or "License"
        return f"{kind} ({self.get_state_display()})" if self.state else kind

    def clean(self):
        self._set_from_type()
        if self.license_type == LicenseType.OTHER and not self.other_type:
            raise ValidationError({"other_type": "Name the license as your board does."})
        if self.license_type and self.license_type != LicenseType.OTHER:
            missing = {
                field: "Your license details go on your certificates."
                for field in ("state", "number")
                if not getattr(self, field)
            }
            if missing:
                raise ValidationError(missing)
        self._check_renews_on()

    def _check_renews_on(self):
        # My CE rolls the renewal date on by whole periods: a date far off would give
        # an invented period (or none at all).
        if self.renews_on is None:
            return
        today = datetime.date.today()
        latest = today.replace(year=today.year + 10, day=min(today.day, 28))
        if not EARLIEST_DATE <= self.renews_on <= latest:
            raise ValidationError(
                {
                    "renews_on": f"Enter the license's next renewal date, between "
                    f"{EARLIEST_DATE:%B %-d, %Y} and {latest:%B %-d, %Y}."
                }
            )

    @property
    def board_key(self) -> dict:
        """The license as its board knows it, by type, state and (for 'Other') name rather
        than by row: what self-reported credit and renewal reminders name, so that they
        still apply to a license removed and added again. The name is compared without
        case or extra spaces, as a clinician may type it differently the second time."""
        name = self.other_type if self.license_type == LicenseType.OTHER else ""
        return {
            "license_type": self.license_type,
            "state": self.state,
            "other_type": " ".join(name.split()).casefold(),
        }

    def snapshot(self) -> dict:
        """What a certificate states about this license (Certificate.licenses): the type
        as printed, the state's two-letter code."""
        return {
            "profession": self.profession,
            "license_type": self.type_display,
            "state": self.state,
            "number": self.number,
        }

    @property
    def type_display(self) -> str:
        """The type as certificates print it: an 'Other' license by its name."""
        if self.license_type == LicenseType.OTHER and self.other_type:
            return self.other_type
        return self.get_license_type_display()


class RequirementProfile(models.Model):
    """What one state's board asks of one license type each renewal period. Staff keep
    these as data; boards change their rules, so each names where it comes from."""

    state = models.CharField(max_length=2, choices=USState.choices)
    license_type = models.CharField(max_length=20, choices=LicenseType.choices)
    period_months = models.PositiveSmallIntegerField(
        "renewal period (months)", default=24, validators=[MinValueValidator(1)]
    )
    hours_required = models.DecimalField(
        "CE hours per renewal period",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    home_study_cap = models.DecimalField(
        "most home-study hours that count",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Blank where the board sets no cap on home-study hours.",
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="The board's rule this follows, e.g. 16 CCR §1887."
    )
    is_sample = models.BooleanField(
        "sample",
        default=False,
        help_text="Sample data: check it against the board's current rules before use.",
    )

    class Meta:
        ordering = ["state", "license_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "license_type"],
                name="requirement_profile_one_per_state_and_type",
                violation_error_message="This state already has a profile for this license type.",
            ),
        ]

    def __str__(self):
        name = f"{self.get_license_type_display()}, {self.get_state_display()}"
        return f"{name} (sample)" if self.is_sample else name

    def clean(self):
        # A field validator would need a migration; the range is checked here instead.
        if self.period_months is not None and self.period_months > MAX_PERIOD_MONTHS:
            raise ValidationError(
                {"period_months": f"Enter a renewal period of at most {MAX_PERIOD_MONTHS} months."}
            )


class RequirementMinimum(models.Model):
    """Hours of one credit type a renewal period must include, e.g. 6 of law and ethics."""

    profile = models.ForeignKey(
        RequirementProfile, on_delete=models.CASCADE, related_name="minimums"
    )
    credit_type = models.ForeignKey("CreditType", on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )

    class Meta:
        ordering = ["profile", "credit_type__position", "credit_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "credit_type"],
                name="requirement_minimum_one_per_credit_type",
                violation_error_message="This credit type already has a minimum here.",
            ),
        ]

    def __str__(self):
        return f"{self.hours} h {self.credit_type}"


def self_reported_upload_to(instance, filename):
    # Unguessable: local media is served to anyone who has the path.
    return f"self-reported/{secrets.token_urlsafe(16)}/{filename}"


class SelfReportedCredit(models.Model):
    """CE earned from another provider, entered by the clinician with its certificate.
    Kept apart from the certificates this provider issued, and shown as self-reported."""

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_reported_credits"
    )
    # [License.board_key, ...]: the licenses it counts toward, held now or not.
    counts_toward = models.JSONField(default=list)
    title = models.CharField("course title", max_length=200)
    provider_name = models.CharField("provider", max_length=200)
    completed_on = models.DateField("date completed")
    hours = models.DecimalField(
        "CE hours", max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    credit_type = models.ForeignKey("CreditType", on_delete=models.PROTECT, related_name="+")
    is_home_study = models.BooleanField(
        "home study", default=True, help_text="Untick for a live or in-person course."
    )
    certificate_file = models.FileField("certificate", upload_to=self_reported_upload_to)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0), name="self_reported_credit_hours_positive"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.provider_name}, self-reported)"

    def clean(self):
        if self.completed_on is not None:
            today = datetime.date.today()
            if not EARLIEST_DATE <= self.completed_on <= today:
                raise ValidationError(
                    {
                        "completed_on": "Enter the date you completed the course, between "
                        f"{EARLIEST_DATE:%B %-d, %Y} and today."
                    }
                )

    def counts_for(self, license: License) -> bool:
        return license.board_key in self.counts_toward

    @property
    def counts_toward_names(self) -> list[str]:
        """'LMFT (California)' for each license it counts toward."""
        return [License(**key).short_name for key in self.counts_toward]
