"""The learner's transcript ("My CE"): courses in progress, certificates and CE hours.

Hours come from the certificate snapshot, so a later edit of a course never changes
what a learner was credited. A certificate counts when it is valid and has not been
replaced by a reissue; a revoked one does not count, and a reissue replaces its
original instead of adding to it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from courses.models import (
    Attempt,
    AttemptState,
    Certificate,
    CertificateStatus,
    Enrollment,
    EnrollmentStatus,
    License,
    Section,
    SectionRead,
    User,
    enrollment_status,
)
from courses.models.credit import credits_text, license_phrase
from courses.selectors.approvals import approvals_by_course, covers

COUNTS_FOR_CREDIT = Q(status=CertificateStatus.VALID, reissued_as__isnull=True)


def count_of(queryset: QuerySet):
    """A correlated COUNT(*) subquery (0 when nothing matches)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def period_q(*, start: datetime.date | None, end: datetime.date | None):
    """Completed between start and end, both inclusive; a missing end is open."""
    q = Q()
    if start:
        q &= Q(completed_on__gte=start)
    if end:
        q &= Q(completed_on__lte=end)
    return q


@dataclass(frozen=True)
class InProgress:
    enrollment: Enrollment
    sections_read: int
    sections_total: int
    status: str
    next_step: str  # "course", "booklet" or "evaluation"

    @property
    def course(self):
        return self.enrollment.course


def _stated_as(certificate: Certificate, license: License) -> list[dict]:
    """How the certificate states this license (its type and state), as a snapshot
    (License.snapshot()); empty when it does not state it."""
    # Certificates issued before 'Other' licenses had names print them as "Other".
    kinds = {license.type_display, license.get_license_type_display()}
    if certificate.licenses:
        return [
            held
            for held in certificate.licenses
            if held["license_type"] in kinds and held["state"] == license.state
        ]
    # Layout 1 certificates state one license in their own fields, the state by name.
    if (
        certificate.license_type in kinds
        and certificate.license_state == license.get_state_display()
    ):
        return [
            {
                "license_type": certificate.license_type,
                "state": certificate.license_state,
                "number": certificate.license_number,
            }
        ]
    return []


def certificate_states(certificate: Certificate, license: License) -> bool:
    """Whether the certificate was issued for this license (its type and state)."""
    return bool(_stated_as(certificate, license))


def certificate_counts_for(certificate: Certificate, license: License, approvals) -> bool:
    """Whether the certificate counts toward the license: it states the license, and an
    approval of its course, current on the day of completion, covers it. `approvals` is
    approvals_by_course() for the certificates' courses."""
    return certificate_states(certificate, license) and any(
        approval.is_current(certificate.completed_on) and covers(approval, license)
        for approval in approvals.get(certificate.enrollment.course_id, [])
    )


@dataclass(frozen=True)
class Transcript:
    learner: User
    start: datetime.date | None
    end: datetime.date | None
    license: License | None  # the license the transcript is cut for, if any
    licenses: list[License]  # every license the learner holds
    in_progress: list[InProgress]
    certificates: list[Certificate]  # in the period; each has .counts and .replacement_code
    every: list[Certificate]  # all of them, whatever the period and license
    total_hours: Decimal
    total_courses: int
    period_hours: Decimal
    period_courses: int

    @property
    def has_period(self) -> bool:
        return bool(self.start or self.end)

    @property
    def credited(self) -> list[Certificate]:
        """What a board sees on the PDF and CSV: the certificates that count."""
        return [c for c in self.certificates if c.counts]

    @property
    def period_credits(self) -> str:
        """The credited certificates' hours by credit type, as a board tallies them."""
        totals = defaultdict(Decimal)
        for certificate in self.credited:
            for credit in certificate.ce_credits:
                totals[credit["type"]] += Decimal(credit["hours"])
        return credits_text(totals.items())

    @property
    def licenses_shown(self) -> list[License]:
        """The licenses the transcript states: the one it is cut for, or every one held."""
        return [self.license] if self.license is not None else self.licenses

    def as_certified(self, certificate: Certificate) -> list[str]:
        """What the certificate states where it differs from the learner's details today,
        which the transcript states: the name it was issued in, and any license shown
        under another number. An auditor holds the certificate beside the transcript."""
        differences = []
        if certificate.learner_name != self.learner.full_name:
            differences.append(certificate.learner_name)
        for license in self.licenses_shown:
            differences += [
                license_phrase(held)
                for held in _stated_as(certificate, license)
                if held["number"] != license.number
            ]
        return differences


def _in_progress_status(enrollment: Enrollment) -> tuple[str, str]:
    used = enrollment.attempts_used
    status = enrollment_status(
        enrollment,
        used=used,
        in_progress=enrollment.last_attempt_state == AttemptState.IN_PROGRESS,
    )
    if status == EnrollmentStatus.EVALUATION_DUE:
        return "Passed; the course evaluation is due", "evaluation"
    if status == EnrollmentStatus.TESTING:
        return "Answer booklet in progress", "booklet"
    if status == EnrollmentStatus.OUT_OF_ATTEMPTS:
        return f"Not passed; no attempts left ({used} used)", "course"
    if used:
        return (
            f"Not passed yet (attempt {used} scored "
            f"{enrollment.last_attempt_score:.0f}%); a retake is available",
            "booklet",
        )
    if enrollment.sections_total and enrollment.sections_read >= enrollment.sections_total:
        return "All sections read; the answer booklet is next", "booklet"
    return "Reading", "course"


def transcript_for(
    *,
    learner: User,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    license: License | None = None,
) -> Transcript:
    """The learner's own transcript, in three queries whatever its size.

    1. enrollments in progress, with section and attempt counts as subqueries;
    2. the learner's certificates, from which the period's list and the all-time and
       period totals are taken;
    3. the learner's licenses.

    Cut for a license, it lists only the certificates that count toward it, as its
    renewal card counts them (certificate_counts_for), with two more queries.
    """
    last_attempt = Attempt.objects.filter(enrollment=OuterRef("pk")).order_by("-number")
    enrollments = (
        Enrollment.objects.filter(learner=learner, completed_at__isnull=True)
        .select_related("course")
        .annotate(
            sections_total=count_of(Section.objects.filter(course=OuterRef("course_id"))),
            sections_read=count_of(
                SectionRead.objects.filter(
                    learner=OuterRef("learner_id"), section__course=OuterRef("course_id")
                )
            ),
            attempts_used=count_of(Attempt.objects.filter(enrollment=OuterRef("pk"))),
            last_attempt_state=Subquery(last_attempt.values("state")[:1]),
            last_attempt_score=Subquery(last_attempt.values("score")[:1]),
        )
        .order_by("-enrolled_at", "-pk")
    )
    in_progress = [
        InProgress(e, e.sections_read, e.sections_total, *_in_progress_status(e))
        for e in enrollments
    ]

    # Every certificate of the learner (a few dozen at most), filtered and totalled here:
    # a SUM query would cost more to build than the sums.
    every = list(
        Certificate.objects.filter(enrollment__learner=learner)
        .annotate(
            counts=Case(
                When(COUNTS_FOR_CREDIT, then=True), default=False, output_field=BooleanField()
            ),
            replacement_code=F("reissued_as__code"),
        )
        .select_related("enrollment")  # the course's id, for its approvals
        .order_by("-completed_on", "-issued_at", "-pk")
    )
    if license is None:
        listed = every
    else:
        approvals = approvals_by_course({c.enrollment.course_id for c in every})
        listed = [c for c in every if certificate_counts_for(c, license, approvals)]
    certificates = [
        c
        for c in listed
        if (start is None or c.completed_on >= start) and (end is None or c.completed_on <= end)
    ]
    credited = [c for c in listed if c.counts]
    credited_in_period = [c for c in certificates if c.counts]
    return Transcript(
        learner=learner,
        start=start,
        end=end,
        license=license,
        licenses=list(License.objects.filter(holder=learner)),
        in_progress=in_progress,
        certificates=certificates,
        every=every,
        total_hours=sum((c.ce_hours for c in credited), Decimal("0")),
        total_courses=len(credited),
        period_hours=sum((c.ce_hours for c in credited_in_period), Decimal("0")),
        period_courses=len(credited_in_period),
    )
