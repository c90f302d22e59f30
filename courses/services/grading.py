"""Attempts at the answer booklet, their drafts, and grading.

The rules: a single-answer question scores 1 if its correct choice is chosen; a
select-all question scores 1 only if exactly its set of correct choices is chosen.
The score is the percentage of questions right; an attempt passes when the score
is at least the course's pass mark. Grading reads only server-side data, and a
graded attempt and its answers are never written again.
"""

import random
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from courses.content_cache import booklet_questions
from courses.models import (
    Answer,
    Attempt,
    AttemptState,
    Enrollment,
    EnrollmentStatus,
    QuestionKind,
    enrollment_status,
)
from courses.selectors.learning import (
    Answers,
    BookletQuestion,
    attempt_questions,
    booklet_choices,
)
from courses.selectors.reading import submit_missing


class AttemptNotAllowed(Exception):
    """A new attempt cannot start: the learner has passed or used every attempt."""


class SubmitNotReady(ValidationError):
    """The course asks for more before a booklet is submitted: sections still unread or
    time still short. Nothing was graded."""

    def __init__(self, missing):
        super().__init__(missing.messages())
        self.missing = missing


@dataclass(frozen=True)
class GradeResult:
    attempt: Attempt
    already_graded: bool = False  # another request graded it first

    @property
    def passed(self) -> bool:
        return bool(self.attempt.passed)

    @property
    def score(self) -> Decimal:
        return self.attempt.score


def answers_errors(*, questions: list[BookletQuestion], answers: Answers) -> list[str]:
    """Why these answers cannot belong to this booklet; empty when they can."""
    by_id = {str(question.pk): question for question in questions}
    errors = []
    for key, choice_ids in answers.items():
        question = by_id.get(key)
        if question is None:
            errors.append(f"Question {key} is not in this answer booklet.")
            continue
        valid = {choice.pk for choice in question.choices}
        if foreign := [str(choice_id) for choice_id in choice_ids if choice_id not in valid]:
            errors.append(
                f"QUESTION {question.number}: {', '.join(foreign)} "
                f"{'is not one of its choices' if len(foreign) == 1 else 'are not its choices'}."
            )
        if question.kind == QuestionKind.SINGLE and len(choice_ids) > 1:
            errors.append(
                f"QUESTION {question.number} takes one answer, but {len(choice_ids)} were sent."
            )
    return errors


def _percent(correct: int, total: int) -> Decimal:
    # Rounded down, so a shown 74.99 never passes a pass mark of 75.
    return (Decimal(correct * 100) / Decimal(total)).quantize(Decimal("0.01"), ROUND_DOWN)


def _record_entry(question: BookletQuestion, chosen: list[int], *, shuffle: bool, seed: int):
    """One question of the booklet record: as shown to this attempt, and what was chosen."""
    correct = {choice.pk for choice in question.choices if choice.is_correct}
    return {
        "question_id": question.pk,
        "number": question.number,
        "section_number": question.section_number,
        "section_title": question.section_title,
        "stem": question.stem,
        "kind": question.kind,
        "explanation": question.explanation,
        "choices": [
            {"id": choice.pk, "text": choice.text, "is_correct": choice.is_correct}
            for choice in booklet_choices(question, shuffle=shuffle, seed=seed)
        ],
        "selected": chosen,
        "is_correct": set(chosen) == correct,
    }


@transaction.atomic
def attempt_start(*, enrollment: Enrollment) -> Attempt:
    """Open the learner's next attempt, or return the one already in progress.

    The enrollment row is locked so two tabs cannot number two attempts alike.
    """
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=enrollment.pk)
    )
    if in_progress := enrollment.attempts.filter(state=AttemptState.IN_PROGRESS).first():
        return in_progress
    used = enrollment.attempts.count()
    status = enrollment_status(enrollment, used=used, in_progress=False)
    if status in (EnrollmentStatus.EVALUATION_DUE, EnrollmentStatus.COMPLETE):
        raise AttemptNotAllowed("You have already passed this course's answer booklet.")
    if closed := enrollment.credit_closed_reason():
        raise AttemptNotAllowed(closed)
    if status == EnrollmentStatus.OUT_OF_ATTEMPTS:
        max_attempts = enrollment.course.max_attempts
        raise AttemptNotAllowed(
            f"You have used all {max_attempts} attempt{'s' if max_attempts != 1 else ''} "
            "this course allows."
        )
    seed = secrets.randbelow(2**31)
    return Attempt.objects.create(
        enrollment=enrollment,
        number=used + 1,
        shuffle_seed=seed,
        question_ids=_questions_draw(enrollment=enrollment, seed=seed),
    )


def _questions_draw(*, enrollment: Enrollment, seed: int) -> list[int] | None:
    """The questions a new attempt asks, when sections draw from a pool; None asks all.

    Each pooled section gives its set number of questions, chosen by the attempt's seed
    from those earlier attempts did not ask, topped up from the asked ones when the
    pool runs short. In booklet order.
    """
    course = enrollment.course
    draws = dict(
        course.sections.filter(questions_per_attempt__isnull=False).values_list(
            "number", "questions_per_attempt"
        )
    )
    if not draws:
        return None
    questions = booklet_questions(course=course)
    asked = set()
    for ids in enrollment.attempts.values_list("question_ids", flat=True):
        asked.update(ids if ids is not None else (question.pk for question in questions))
    rng = random.Random(seed)  # noqa: S311  # nosec B311  # an order, not a secret
    chosen = set()
    for number, count in draws.items():
        pool = [question.pk for question in questions if question.section_number == number]
        fresh = [pk for pk in pool if pk not in asked]
        if len(fresh) >= count:
            chosen.update(rng.sample(fresh, count))
        else:
            seen = [pk for pk in pool if pk in asked]
            chosen.update(fresh + rng.sample(seen, min(count, len(pool)) - len(fresh)))
    return [
        question.pk
        for question in questions
        if question.section_number not in draws or question.pk in chosen
    ]


@transaction.atomic
def attempt_save_draft(
    *,
    attempt: Attempt,
    answers: Answers,
    shown: Iterable[str] = (),
    submit_refused: bool = False,
) -> bool:
    """Merge answers into the saved draft. False once the attempt is graded.

    Posted answers win. A question the learner's page showed (`shown`) and left blank
    is cleared, except on a refused submit: its page may be a stale tab, so it only
    adds answers. Every other saved answer is kept. One UPDATE, guarded by the
    updated_at the draft was read with; if another request saved since, the row is
    read again under lock.
    """
    cleared = set() if submit_refused else set(shown) - answers.keys()

    def merged(saved: Answers) -> Answers:
        return {key: ids for key, ids in saved.items() if key not in cleared} | answers

    draft, now = merged(attempt.draft), timezone.now()
    in_progress = Attempt.objects.filter(pk=attempt.pk, state=AttemptState.IN_PROGRESS)
    if not in_progress.filter(updated_at=attempt.updated_at).update(draft=draft, updated_at=now):
        # Saved by another request since this copy was read, or graded: merge into the
        # row as it is now, under lock.
        current = in_progress.select_for_update().only("draft").first()
        if current is None:
            return False
        draft = merged(current.draft)
        in_progress.update(draft=draft, updated_at=now)
    attempt.draft, attempt.updated_at = draft, now
    return True


@transaction.atomic
def attempt_submit(*, attempt: Attempt, answers: Answers) -> GradeResult:
    """Grade a complete answer booklet, exactly once.

    The attempt row is locked (PostgreSQL) and moved out of in-progress by a
    conditional UPDATE (every database), so of two concurrent submissions one
    grades and the other gets that result. A constant number of queries: the
    answers go in with one bulk INSERT.
    """
    locked = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("enrollment__course")
        .defer("draft", "booklet_record")  # both written below
        .get(pk=attempt.pk)
    )
    if locked.state == AttemptState.GRADED:
        return GradeResult(attempt=locked, already_graded=True)
    enrollment = locked.enrollment
    course = enrollment.course
    if closed := enrollment.credit_closed_reason():
        raise ValidationError(closed)
    if missing := submit_missing(enrollment=enrollment):
        raise SubmitNotReady(missing)
    questions = attempt_questions(attempt=locked, questions=booklet_questions(course=course))
    if not questions:
        raise ValidationError("This answer booklet has no questions yet.")
    errors = answers_errors(questions=questions, answers=answers)
    if unanswered := [q for q in questions if not answers.get(str(q.pk))]:
        errors.append(
            "Every question needs an answer; unanswered: "
            + ", ".join(f"QUESTION {q.number}" for q in unanswered)
            + "."
        )
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    record = [
        _record_entry(
            question,
            sorted(set(answers[str(question.pk)])),
            shuffle=course.shuffle_choices,
            seed=locked.shuffle_seed,
        )
        for question in questions
    ]
    right = sum(entry["is_correct"] for entry in record)
    result = {
        "state": AttemptState.GRADED,
        "submitted_at": now,
        "updated_at": now,
        "draft": answers,
        "booklet_record": record,
        "question_count": len(record),
        "correct_count": right,
        "score": _percent(right, len(record)),
        "pass_mark": course.pass_mark,
        "passed": right * 100 >= course.pass_mark * len(record),
    }
    graded = Attempt.objects.filter(pk=locked.pk, state=AttemptState.IN_PROGRESS).update(**result)
    if not graded:
        return GradeResult(attempt=Attempt.objects.get(pk=locked.pk), already_graded=True)
    for name, value in result.items():
        setattr(locked, name, value)
    Answer.objects.bulk_create(
        Answer(attempt=locked, question_id=entry["question_id"], is_correct=entry["is_correct"])
        for entry in record
    )
    if locked.passed:
        Enrollment.objects.filter(pk=enrollment.pk, passed_at__isnull=True).update(passed_at=now)
        enrollment.passed_at = enrollment.passed_at or now
    return GradeResult(attempt=locked)
