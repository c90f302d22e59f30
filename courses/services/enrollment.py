"""Enrolling a learner in a course."""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction

from courses.models import Course, Enrollment


class EmailNotVerified(Exception):
    """Credit stands behind a confirmed address: the learner has not confirmed theirs."""


@transaction.atomic
def enrollment_create(*, learner, course: Course) -> Enrollment:
    """Enrol the learner in a published course; enrolling twice returns the first enrollment.

    get_or_create retries the read when a concurrent insert wins the unique constraint.
    """
    if not course.is_published:
        raise ValidationError("This course is not open for enrolment.")
    if not EmailAddress.objects.filter(user=learner, verified=True).exists():
        raise EmailNotVerified
    enrollment, _ = Enrollment.objects.get_or_create(learner=learner, course=course)
    return enrollment
