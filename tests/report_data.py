"""Building blocks for transcript and report tests: graded attempts, evaluations, certificates.

Records are created directly, as the grading and certificate services would leave them.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from courses.models import (
    Answer,
    Attempt,
    AttemptState,
    Certificate,
    CertificateStatus,
    EvaluationRating,
    EvaluationResponse,
)
from courses.services.certificates import certificate_code_generate, certificate_issue
from tests.factories import CompletedEnrollmentFactory


def noon(day: datetime.date) -> datetime.datetime:
    """An aware datetime in the middle of a local day, so its local date is `day`."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def graded_attempt(enrollment, *, number: int, answers, pass_mark: int = 75) -> Attempt:
    """A graded attempt; `answers` is [(question, is_correct), ...]."""
    correct = sum(1 for _, ok in answers if ok)
    score = (Decimal(100) * correct / len(answers)).quantize(Decimal("0.01"))
    attempt = Attempt.objects.create(
        enrollment=enrollment,
        number=number,
        state=AttemptState.GRADED,
        submitted_at=timezone.now(),
        question_count=len(answers),
        correct_count=correct,
        score=score,
        pass_mark=pass_mark,
        passed=score >= pass_mark,
        booklet_record=[
            {"question_id": question.pk, "number": question.number, "is_correct": ok}
            for question, ok in answers
        ],
    )
    Answer.objects.bulk_create(
        Answer(attempt=attempt, question=question, is_correct=ok) for question, ok in answers
    )
    return attempt


def evaluation(enrollment, *, ratings, comments: str = "", minutes: int = 60):
    """An evaluation response; `ratings` is {evaluation item: 1..5}."""
    response = EvaluationResponse.objects.create(
        enrollment=enrollment, minutes_spent=minutes, comments=comments
    )
    EvaluationRating.objects.bulk_create(
        EvaluationRating(response=response, item=item, item_text=item.text, rating=rating)
        for item, rating in ratings.items()
    )
    return response


def certificate_on(day: datetime.date, **enrollment_fields) -> Certificate:
    """A completed enrollment, completed on `day`, with its certificate."""
    enrollment = CompletedEnrollmentFactory(
        passed_at=noon(day), completed_at=noon(day), **enrollment_fields
    )
    return certificate_issue(enrollment=enrollment)


def revoke(certificate: Certificate, reason: str = "Issued in error") -> Certificate:
    Certificate.objects.filter(pk=certificate.pk).update(
        status=CertificateStatus.REVOKED, revoked_at=timezone.now(), revoked_reason=reason
    )
    certificate.refresh_from_db()
    return certificate


def reissue(certificate: Certificate, **changes) -> Certificate:
    """A replacement certificate, as a reissue leaves it: the original marked replaced."""
    fields = {
        f.name: getattr(certificate, f.name)
        for f in Certificate._meta.concrete_fields
        if f.name not in {"id", "code", "status", "reissue_of", "issued_at"}
    }
    replacement = Certificate.objects.create(
        **{**fields, **changes}, code=certificate_code_generate(), reissue_of=certificate
    )
    Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.REISSUED)
    certificate.refresh_from_db()
    return replacement
