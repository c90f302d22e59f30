"""Renewal progress: what each license still needs before its renewal date.

`renewals_for` (My CE, renewal reminders) answers for every license of a learner in a
fixed number of queries, `renewal_progress(*, license, on)` for one license. Each answer
is for the license's current renewal period:

- `start`, `end`: the period, both days inclusive. It ends on the license's renewal
  date and starts `period_months` earlier (the day after the previous renewal date);
  once the renewal date has passed, the next period is shown.
- `days_left`: days from `on` to `end` (0 on the renewal date itself).
- `required`, `earned`, `missing`: total hours, as Decimals. `earned` counts home-study
  hours only up to the profile's home-study cap.
- `by_type`: one `CreditTypeProgress(credit_type, required, earned, missing)` per
  minimum the profile sets (e.g. 6 hours of law and ethics).
- `provider_hours`, `self_reported_hours`: where the earned hours came from.

Credit counts toward a license when it was completed in the period and is either a
certificate of this provider that states the license (a valid one, not replaced by a
reissue) of a course one of whose approvals, current on the day of completion, covers
the license; or self-reported credit the clinician entered for a license of its type,
state and (for 'Other') name (SelfReportedCredit.counts_toward, License.board_key).

Without a renewal date or a requirement profile for the license's state and type there
is nothing to measure: `period` is None and `problem` says what is missing.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from courses.models import (
    MAX_PERIOD_MONTHS,
    Certificate,
    License,
    RequirementMinimum,
    RequirementProfile,
    SelfReportedCredit,
    User,
)
from courses.selectors.approvals import approvals_by_course
from courses.selectors.transcript import COUNTS_FOR_CREDIT, certificate_counts_for

ZERO = Decimal("0")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def renewal_period(
    *, renews_on: datetime.date, months: int, on: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The period (first day, last day) that contains `on`, ending on a renewal date."""
    end = renews_on
    while end < on:
        end = add_months(end, months)
    return add_months(end, -months) + datetime.timedelta(days=1), end


@dataclass(frozen=True)
class CreditTypeProgress:
    credit_type: object  # CreditType
    required: Decimal
    earned: Decimal

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.earned, ZERO)


@dataclass(frozen=True)
class RenewalProgress:
    license: License
    profile: RequirementProfile | None
    period: tuple[datetime.date, datetime.date] | None
    days_left: int | None = None
    required: Decimal = ZERO
    earned: Decimal = ZERO
    provider_hours: Decimal = ZERO
    self_reported_hours: Decimal = ZERO
    home_study_hours: Decimal = ZERO
    by_type: list[CreditTypeProgress] = field(default_factory=list)
    problem: str = ""

    @property
    def start(self):
        return self.period[0] if self.period else None

    @property
    def end(self):
        return self.period[1] if self.period else None

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.earned, ZERO)

    @property
    def home_study_capped(self) -> bool:
        cap = self.profile.home_study_cap if self.profile else None
        return cap is not None and self.home_study_hours > cap

    @property
    def gaps(self) -> list[CreditTypeProgress]:
        return [row for row in self.by_type if row.missing]


def _certificate_hours(certificate: Certificate) -> list[tuple[str, Decimal]]:
    """(credit type name, hours) as the certificate states them; all hours untyped
    when it states no split."""
    if certificate.ce_credits:
        return [(c["type"], Decimal(c["hours"])) for c in certificate.ce_credits]
    return [("", certificate.ce_hours)]


def _progress(license, profile, certificates, approvals, self_reported, on) -> RenewalProgress:
    if profile is None:
        return RenewalProgress(
            license,
            None,
            None,
            problem=f"We have no renewal requirements on file for {license.short_name} yet.",
        )
    if license.renews_on is None:
        return RenewalProgress(
            license, profile, None, problem="Add the license's renewal date to see progress."
        )
    # A row saved before RequirementProfile.clean() checked the period is shown, not fatal.
    if not 1 <= profile.period_months <= MAX_PERIOD_MONTHS:
        return RenewalProgress(
            license,
            profile,
            None,
            problem=f"The renewal period on file ({profile.period_months} months) is not one "
            f"we can use for {license.short_name}; we are looking into it.",
        )
    start, end = renewal_period(renews_on=license.renews_on, months=profile.period_months, on=on)
    by_name: dict[str, Decimal] = {}
    provider = home_study = other = reported = ZERO
    for certificate in certificates:
        if start <= certificate.completed_on <= end and certificate_counts_for(
            certificate, license, approvals
        ):
            provider += certificate.ce_hours
            home_study += certificate.ce_hours  # every course here is home study
            for name, hours in _certificate_hours(certificate):
                by_name[name] = by_name.get(name, ZERO) + hours
    for credit in self_reported:
        if start <= credit.completed_on <= end and credit.counts_for(license):
            reported += credit.hours
            if credit.is_home_study:
                home_study += credit.hours
            else:
                other += credit.hours
            name = credit.credit_type.name
            by_name[name] = by_name.get(name, ZERO) + credit.hours
    cap = profile.home_study_cap
    earned = (min(home_study, cap) if cap is not None else home_study) + other
    return RenewalProgress(
        license=license,
        profile=profile,
        period=(start, end),
        days_left=(end - on).days,
        required=profile.hours_required,
        earned=earned,
        provider_hours=provider,
        self_reported_hours=reported,
        home_study_hours=home_study,
        by_type=[
            CreditTypeProgress(m.credit_type, m.hours, by_name.get(m.credit_type.name, ZERO))
            for m in profile.minimums.all()
        ],
    )


def _profiles(licenses) -> dict[tuple[str, str], RequirementProfile]:
    wanted = {(lic.state, lic.license_type) for lic in licenses}
    if not wanted:
        return {}
    profiles = RequirementProfile.objects.filter(
        state__in={s for s, _ in wanted}, license_type__in={t for _, t in wanted}
    ).prefetch_related(
        Prefetch("minimums", queryset=RequirementMinimum.objects.select_related("credit_type"))
    )
    return {(p.state, p.license_type): p for p in profiles}


def _counting_certificates(holder_id):
    return Certificate.objects.filter(
        COUNTS_FOR_CREDIT, enrollment__learner_id=holder_id
    ).select_related("enrollment")


def self_reported_credits(*, holder_id: int):
    """The clinician's self-reported credit, newest first, with its credit type."""
    return SelfReportedCredit.objects.filter(holder_id=holder_id).select_related("credit_type")


def renewal_progress(*, license: License, on: datetime.date) -> RenewalProgress:
    """The license's current renewal period: hours earned against required, by credit
    type, what is missing and days left (see the module docstring). Six queries."""
    profile = _profiles([license]).get((license.state, license.license_type))
    certificates = list(_counting_certificates(license.holder_id))
    return _progress(
        license,
        profile,
        certificates,
        approvals_by_course({c.enrollment.course_id for c in certificates}),
        list(self_reported_credits(holder_id=license.holder_id)),
        on,
    )


def renewals_for(
    *,
    holder: User,
    on: datetime.date,
    licenses: list[License],
    certificates: list[Certificate] | None = None,
    self_reported: list[SelfReportedCredit] | None = None,
) -> list[RenewalProgress]:
    """renewal_progress for each of the holder's licenses, in six queries at most:
    profiles and their minimums, the certificates and the self-reported credit (each
    unless given, as My CE has them already), the certified courses' approvals and
    their coverage."""
    profiles = _profiles(licenses)
    if certificates is None:
        certificates = list(_counting_certificates(holder.pk))
    else:
        certificates = [c for c in certificates if c.counts]
    if self_reported is None:
        self_reported = list(self_reported_credits(holder_id=holder.pk))
    approvals = approvals_by_course({c.enrollment.course_id for c in certificates})
    return [
        _progress(
            lic,
            profiles.get((lic.state, lic.license_type)),
            certificates,
            approvals,
            self_reported,
            on,
        )
        for lic in licenses
    ]
