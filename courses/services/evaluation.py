"""The course evaluation: its statements, and a passing learner's one response.

Submitting the evaluation completes the enrollment and issues the certificate.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator

from courses.models import (
    Course,
    Enrollment,
    EvaluationItem,
    EvaluationRating,
    EvaluationResponse,
)
from courses.services.certificates import certificate_issue

DEFAULT_STATEMENTS = [
    "The content was relevant to my professional practice.",
    "The author demonstrated expertise in the subject.",
    "The course materials (text and references) were of high quality.",
    "The audio narration was clear and useful.",
    "I would recommend this course to a colleague.",
]


class EvaluationNotAllowed(Exception):
    """The learner has not passed yet, or has already evaluated the course."""


def evaluation_default_texts(course: Course) -> list[str]:
    """One statement per learning objective, then the standard statements."""
    max_length = EvaluationItem._meta.get_field("text").max_length
    objectives = [
        Truncator(f"The course met this learning objective: {objective}").chars(max_length)
        for objective in course.objective_list
    ]
    return objectives + DEFAULT_STATEMENTS


@transaction.atomic
def evaluation_items_ensure(*, course: Course) -> list[EvaluationItem]:
    """The course's evaluation statements, creating the defaults when it has none.

    Admins edit them per course; the defaults appear the first time they are needed.
    """
    if items := list(EvaluationItem.objects.filter(course=course)):
        return items
    # Lock the course so two first passes cannot both add the defaults.
    list(Course.objects.select_for_update().filter(pk=course.pk).order_by().values_list("pk"))
    if items := list(EvaluationItem.objects.filter(course=course)):
        return items
    return EvaluationItem.objects.bulk_create(
        EvaluationItem(course=course, position=position, text=text)
        for position, text in enumerate(evaluation_default_texts(course))
    )


@transaction.atomic
def evaluation_submit(
    *,
    enrollment: Enrollment,
    ratings: dict[int, int],
    minutes_spent: int,
    comments: str = "",
) -> EvaluationResponse:
    """Record a passing learner's evaluation, complete the enrollment, issue the certificate.

    ratings maps each of the course's evaluation item ids to 1..5. minutes_spent is the
    learner's own figure; the time tracked on the course is kept beside it.
    """
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("course", "learner")
        .get(pk=enrollment.pk)
    )
    if enrollment.passed_at is None:
        raise EvaluationNotAllowed(
            "The course evaluation opens once you have passed the answer booklet."
        )
    if EvaluationResponse.objects.filter(enrollment=enrollment).exists():
        raise EvaluationNotAllowed("You have already evaluated this course. Thank you.")
    if closed := enrollment.credit_closed_reason():
        raise EvaluationNotAllowed(closed)
    items = evaluation_items_ensure(course=enrollment.course)
    if set(ratings) != {item.pk for item in items} or any(
        rating not in range(1, 6) for rating in ratings.values()
    ):
        raise ValidationError("Rate every statement from 1 (strongly disagree) to 5.")
    response = EvaluationResponse(
        enrollment=enrollment,
        minutes_spent=minutes_spent,
        tracked_minutes=enrollment.tracked_minutes,
        comments=comments.strip(),
    )
    response.full_clean(exclude=["enrollment"], validate_unique=False)
    response.save()
    EvaluationRating.objects.bulk_create(
        EvaluationRating(response=response, item=item, item_text=item.text, rating=ratings[item.pk])
        for item in items
    )
    enrollment.completed_at = timezone.now()
    enrollment.save(update_fields=["completed_at"])
    certificate_issue(enrollment=enrollment)
    return response
