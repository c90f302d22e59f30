"""Data the security tests share: staff in each group, and a learner with every kind of
record (a booklet in progress, a failed and a passed attempt, a certificate)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import Attempt, Certificate, Course, Enrollment, SelfReportedCredit, User
from courses.permissions import AUTHORS, REGISTRARS
from courses.services.enrollment import enrollment_create
from courses.services.evaluation import evaluation_items_ensure, evaluation_submit
from courses.services.grading import attempt_start, attempt_submit
from courses.services.renewals import self_reported_credit_create
from tests.factories import CreditTypeFactory, UserFactory, booklet_answers, booklet_course
from tests.helpers import page_data as admin_form_data  # noqa: F401  (re-exported)


def staff_member(group: str, **fields) -> User:
    """A staff account (not a superuser) whose rights come from one staff group."""
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


def author() -> User:
    return staff_member(AUTHORS, full_name="Avery Author")


def registrar() -> User:
    return staff_member(REGISTRARS, full_name="Riley Registrar")


def _graded(enrollment: Enrollment, *, passed: bool) -> Attempt:
    course = enrollment.course
    attempt = attempt_start(enrollment=enrollment)
    answers = booklet_answers(course, right=None if passed else 0)
    return attempt_submit(attempt=attempt, answers=answers).attempt


@dataclass
class LearnerRecords:
    learner: User
    reading: Course  # booklet in progress
    failed: Course  # one failed attempt, retakes allowed
    passed: Course  # passed, evaluation due
    completed: Course  # evaluated, certificate issued
    in_progress: Attempt
    failed_attempt: Attempt
    passed_attempt: Attempt
    certificate: Certificate
    self_reported: SelfReportedCredit

    # What only the owner's pages show: another account must never see these.
    @property
    def secrets(self) -> list[str]:
        return [
            self.learner.email,
            self.learner.licenses.get().number,
            self.certificate.code,
            self.learner.full_name,
        ]


def learner_with_records(**fields) -> LearnerRecords:
    learner = UserFactory(
        full_name="Owen Owner, LCSW", license__number="LCSW-SECRET-4242", **fields
    )
    reading, failed, passed, completed = (
        booklet_course(1, title=f"{name} course", slug=f"{name}-course")
        for name in ("reading", "failed", "passed", "completed")
    )
    in_progress = attempt_start(enrollment=enrollment_create(learner=learner, course=reading))
    in_progress.draft = booklet_answers(reading, right=1)
    in_progress.save(update_fields=["draft"])
    failed_attempt = _graded(enrollment_create(learner=learner, course=failed), passed=False)
    passed_attempt = _graded(enrollment_create(learner=learner, course=passed), passed=True)
    completed_enrollment = enrollment_create(learner=learner, course=completed)
    _graded(completed_enrollment, passed=True)
    evaluation_submit(
        enrollment=completed_enrollment,
        ratings={item.pk: 4 for item in evaluation_items_ensure(course=completed)},
        minutes_spent=180,
        comments="Useful.",
    )
    return LearnerRecords(
        learner=learner,
        reading=reading,
        failed=failed,
        passed=passed,
        completed=completed,
        in_progress=in_progress,
        failed_attempt=failed_attempt,
        passed_attempt=passed_attempt,
        certificate=Certificate.objects.get(enrollment=completed_enrollment),
        self_reported=self_reported_credit_create(
            holder=learner,
            licenses=list(learner.licenses.all()),
            title="Credit from elsewhere",
            provider_name="Another CE provider",
            completed_on=datetime.date(2024, 5, 1),
            hours=Decimal("2"),
            credit_type=CreditTypeFactory(slug="ethics"),
            is_home_study=True,
            certificate_file=SimpleUploadedFile("elsewhere.pdf", b"%PDF-1.4\n%%EOF\n"),
        ),
    )
