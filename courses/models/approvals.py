"""Approvals the way boards grant them: an approving body approves the provider (or one
course) for a period, for the licensees of some professions in some states, and fixes
the statement the certificate must carry word for word."""

import string
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Min, Q
from django.utils.text import get_text_list
from simple_history.models import HistoricalRecords

from .accounts import USState
from .content import Course, clean_certificate_text, hours_text, validate_quarter_hours


class Profession(models.TextChoices):
    PSYCHOLOGY = "psychology", "Psychology"
    SOCIAL_WORK = "social_work", "Social work"
    COUNSELING = "counseling", "Counseling"
    MARRIAGE_FAMILY_THERAPY = "marriage_family_therapy", "Marriage and family therapy"


class CreditType(models.Model):
    """A kind of CE credit boards count separately (ethics, law and ethics, ...)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        clean_certificate_text(self, {"name": "The credit type"})


class ApprovalScope(models.TextChoices):
    PROVIDER = "provider", "Provider (every course offered under it)"
    COURSE = "course", "One course (individual course approval)"


# The placeholders a statement template may use, and what each one prints.
PLACEHOLDERS = {
    "provider_name": "the provider's name, from the provider settings",
    "number": "this approval's provider or approval number",
    "hours": "the course's CE hours, e.g. 3",
    "credit_types": "the course's hours by credit type, e.g. 2 general/clinical and 1 ethics",
    "period": "the approval period, e.g. January 1, 2025 – December 31, 2027",
    "starts_on": "the first day of the approval period",
    "ends_on": "the last day of the approval period",
}


def date_text(value) -> str:
    return f"{value:%B} {value.day}, {value.year}" if value else ""


def earned_text(earned: tuple[date, date]) -> str:
    first, last = (date_text(day) for day in earned)
    return f"Certificates were earned under this approval from {first} to {last}"


def validate_statement_template(template: str) -> None:
    try:
        fields = [field for field in string.Formatter().parse(template) if field[1] is not None]
    except ValueError:  # unbalanced braces
        raise ValidationError(
            "The statement has an unmatched brace. Placeholders look like {provider_name}; "
            "write {{ or }} for a brace the board's wording itself contains."
        ) from None
    names = [name for _, name, _, _ in fields]
    # Every value is filled in as text, so a format ({hours:.1f}) or conversion ({number!r})
    # would fail or print oddly on every page and certificate that states the approval.
    formatted = [
        (name, name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else ""))
        for _, name, spec, conv in fields
        if spec or conv
    ]
    if formatted:
        written = ", ".join(
            f"{_braced(plain)} rather than {_braced(fancy)}" for plain, fancy in formatted
        )
        raise ValidationError(f"Write {written}: placeholders are filled in as text, unformatted.")
    if unknown := list(dict.fromkeys(name for name in names if name not in PLACEHOLDERS)):
        plural = "s" if len(unknown) > 1 else ""
        raise ValidationError(
            f"Unknown placeholder{plural} {', '.join(_braced(name) for name in unknown)}. "
            f"The statement may use: {', '.join(_braced(name) for name in PLACEHOLDERS)}."
        )


def _braced(name: str) -> str:
    return "{" + name + "}"


class ApprovalQuerySet(models.QuerySet):
    def current(self, on):
        """Approvals whose period includes the day `on` (both ends inclusive)."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)

    def citable(self, on):
        """Current approvals that cover some profession: those a certificate earned on `on`
        can cite, and a published course needs one of."""
        return self.current(on).filter(coverage__isnull=False)


class Approval(models.Model):
    """An approving body's approval of the provider, or of one course, for a period."""

    body_name = models.CharField(
        "approving body", max_length=200, help_text="e.g. American Psychological Association"
    )
    body_abbreviation = models.CharField(
        "abbreviation", max_length=50, blank=True, help_text="e.g. APA, ASWB ACE, NBCC"
    )
    number = models.CharField(
        "approval or provider number", max_length=100, blank=True, help_text="e.g. ACEP No. 7021"
    )
    scope = models.CharField(max_length=10, choices=ApprovalScope.choices)
    starts_on = models.DateField("approved from")
    # Empty only where no period is known (a version 1 course archive has none); the admin
    # asks for it and the dashboard lists those missing it.
    ends_on = models.DateField("approved until", null=True, blank=True)
    statement_template = models.TextField(
        "statement",
        help_text=(
            "The board's statement word for word. Placeholders: "
            + ", ".join(f"{_braced(name)} ({meaning})" for name, meaning in PLACEHOLDERS.items())
            + ". Write {{ or }} for a literal brace."
        ),
    )
    is_sample = models.BooleanField(
        "sample", default=False, help_text="Demo data: not a real approval."
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Certificates list approvals in this order."
    )

    objects = ApprovalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "body_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="approval_period_ends_after_start",
                violation_error_message="The approval period ends before it starts.",
            ),
        ]

    def __str__(self):
        name = self.short_name
        if self.number:
            name = f"{name} {self.number}"
        return f"{name} (sample)" if self.is_sample else name

    @property
    def short_name(self):
        return self.body_abbreviation or self.body_name

    @property
    def period_text(self):
        if self.ends_on is None:
            return f"from {date_text(self.starts_on)}"
        return f"{date_text(self.starts_on)} – {date_text(self.ends_on)}"

    def is_current(self, on) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)

    def earned_days(self, *, course=None) -> tuple[date, date] | None:
        """The first and last days certificates of its courses (or of `course`) were
        earned within its period, through which renewal progress counts them; None when
        none were. Ask the approval as stored, not one being edited."""
        completed = "enrollments__certificates__completed_on"
        period = Q(**{f"{completed}__gte": self.starts_on})
        if self.ends_on:
            period &= Q(**{f"{completed}__lte": self.ends_on})
        courses = Course.objects.filter(period, course_approvals__approval=self)
        if course is not None:
            courses = courses.filter(pk=course.pk)
        days = courses.aggregate(
            first=Min(completed, filter=period), last=Max(completed, filter=period)
        )
        return None if days["first"] is None else (days["first"], days["last"])

    def clean(self):
        errors = {}
        earned = Approval.objects.get(pk=self.pk).earned_days() if self.pk else None
        if earned and not (
            self.starts_on and self.is_current(earned[0]) and self.is_current(earned[1])
        ):
            errors["__all__"] = (
                f"{earned_text(earned)}, and clinicians' renewal records count them through "
                "it: its period must still include those days."
            )
        try:
            validate_statement_template(self.statement_template)
        except ValidationError as error:
            errors["statement_template"] = error
        try:
            clean_certificate_text(
                self,
                {
                    "body_name": "The approving body",
                    "body_abbreviation": "The abbreviation",
                    "number": "The approval number",
                    "statement_template": "The approval statement",
                },
                line_breaks={"statement_template"},
            )
        except ValidationError as error:
            errors.update(error.error_dict)
        if self.scope == ApprovalScope.COURSE and self.pk:
            titles = list(self.courses.order_by("title").values_list("title", flat=True))
            if len(titles) > 1:
                errors["scope"] = (
                    "An individual course approval is for one course, and "
                    f"{len(titles)} courses are offered under this one: "
                    f"{get_text_list(titles, 'and')}. Take it off all but one of them first."
                )
        if errors:
            raise ValidationError(errors)

    def statement(self, *, provider_name: str, hours, credits) -> str:
        """The statement with its placeholders filled in; the wording is the board's.

        `credits` is [(credit type name, hours)] in the course's order.
        """
        return self.statement_template.format_map(
            {
                "provider_name": provider_name,
                "number": self.number,
                "hours": hours_text(hours),
                "credit_types": get_text_list(
                    [f"{hours_text(hours)} {name}" for name, hours in credits], "and"
                ),
                "period": self.period_text,
                "starts_on": date_text(self.starts_on),
                "ends_on": date_text(self.ends_on),
            }
        )


class ApprovalCoverage(models.Model):
    """Whose licensees an approval covers: a profession, in one state or in every state."""

    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="coverage")
    profession = models.CharField(max_length=30, choices=Profession.choices)
    state = models.CharField(
        max_length=2, choices=USState.choices, blank=True, help_text="Blank: every state."
    )

    class Meta:
        ordering = ["approval", "profession", "state"]
        constraints = [
            models.UniqueConstraint(
                fields=["approval", "profession", "state"],
                name="approval_coverage_unique",
                violation_error_message="This approval already covers that profession there.",
            ),
        ]

    def __str__(self):
        where = self.get_state_display() if self.state else "every state"
        return f"{self.get_profession_display()}, {where}"

    def covers(self, license) -> bool:
        return self.profession == license.profession and self.state in ("", license.state)


class CourseApproval(models.Model):
    """A course offered under an approval."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="course_approvals")
    approval = models.ForeignKey(
        Approval, on_delete=models.PROTECT, related_name="course_approvals"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["approval__position", "approval__body_name", "approval_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "approval"],
                name="course_approval_unique",
                violation_error_message="The course is already offered under this approval.",
            ),
        ]

    def __str__(self):
        return str(self.approval)

    def clean(self):
        if self.approval_id is None or self.approval.scope != ApprovalScope.COURSE:
            return
        other = CourseApproval.objects.filter(approval_id=self.approval_id).exclude(
            course_id=self.course_id
        )
        if other.exists():
            raise ValidationError(
                {"approval": "This is an individual course approval for another course."}
            )


class CourseCredit(models.Model):
    """Part of a course's CE hours counted as one credit type; the parts add up to them."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="credits")
    credit_type = models.ForeignKey(CreditType, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(max_digits=5, decimal_places=2, validators=[validate_quarter_hours])

    history = HistoricalRecords()

    class Meta:
        ordering = ["course", "credit_type__position", "credit_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "credit_type"],
                name="course_credit_unique",
                violation_error_message="This credit type is already part of the course.",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="course_credit_hours_positive"),
        ]

    def __str__(self):
        return f"{hours_text(self.hours)} {self.credit_type}"

    @property
    def hours_display(self):
        return hours_text(self.hours)
