"""Reads about a learner's progress: the answer booklet, results, the course-page panel.

Every read here costs a fixed number of queries however many questions a course has.
"""

import random
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from courses.models import (
    Attempt,
    AttemptState,
    Certificate,
    CertificateStatus,
    Course,
    Enrollment,
    EnrollmentStatus,
    FailedResultReveals,
    Question,
    attempts_left,
    enrollment_status,
)

# {"<question id>": [choice id, ...]}, as kept in Attempt.draft.
Answers = dict[str, list[int]]


class BookletChoice(NamedTuple):
    pk: int
    text: str
    is_correct: bool


class BookletQuestion(NamedTuple):
    """A question as the booklet asks it, read in one query with its section and choices.

    Tuples, not model instances: cheap to build and to keep in the cache.
    """

    pk: int
    number: int
    kind: str
    stem: str
    explanation: str
    section_number: int
    section_title: str
    choices: tuple[BookletChoice, ...]


def booklet_questions_read(*, course_id: int) -> tuple[BookletQuestion, ...]:
    """The questions of a course's answer booklet in order, with their choices, in one
    query; retired questions are left out. Cached by courses.content_cache."""
    rows = (
        Question.objects.active()
        .filter(section__course_id=course_id)
        .order_by("section__number", "number", "choices__position", "choices__id")
        .values_list(
            "pk",
            "number",
            "kind",
            "stem",
            "explanation",
            "section__number",
            "section__title",
            "choices__id",
            "choices__text",
            "choices__is_correct",
        )
    )
    grouped: dict[int, tuple[list, list[BookletChoice]]] = {}
    for *question, choice_id, text, is_correct in rows:
        _, choices = grouped.setdefault(question[0], (question, []))
        if choice_id is not None:  # LEFT JOIN: a question may have no choices yet
            choices.append(BookletChoice(choice_id, text, is_correct))
    return tuple(
        BookletQuestion(*question, tuple(choices)) for question, choices in grouped.values()
    )


def booklet_choices(question: BookletQuestion, *, shuffle: bool, seed: int) -> list[BookletChoice]:
    """The question's choices in the order this attempt shows them.

    The author's order, or a shuffle seeded by the attempt and question, so the
    order stays the same for the whole attempt (and in its booklet record).
    """
    choices = list(question.choices)
    if shuffle:
        random.Random(seed * 1_000_003 + question.pk).shuffle(choices)  # noqa: S311  # nosec B311
    return choices


@dataclass(frozen=True)
class PageQuestion:
    question: BookletQuestion
    choices: list[tuple[BookletChoice, bool]]  # (choice, selected)
    answered: bool


@dataclass(frozen=True)
class PageSection:
    number: int
    title: str
    url: str  # reversed once per section, not once per question
    questions: list[PageQuestion]


@dataclass(frozen=True)
class Booklet:
    attempt: Attempt
    course: Course
    sections: list[PageSection]
    question_count: int
    unanswered: list[BookletQuestion]

    @property
    def answered_count(self) -> int:
        return self.question_count - len(self.unanswered)


def booklet_build(*, attempt: Attempt, course: Course, questions: list[BookletQuestion]) -> Booklet:
    """Arrange the questions by section with the attempt's saved draft filled in."""
    draft = attempt.draft or {}
    sections: list[PageSection] = []
    unanswered = []
    for question in questions:
        selected = set(draft.get(str(question.pk), ()))
        if not selected:
            unanswered.append(question)
        shown = booklet_choices(question, shuffle=course.shuffle_choices, seed=attempt.shuffle_seed)
        if not sections or sections[-1].number != question.section_number:
            url = reverse("courses:section", args=[course.slug, question.section_number])
            sections.append(PageSection(question.section_number, question.section_title, url, []))
        sections[-1].questions.append(
            PageQuestion(
                question, [(choice, choice.pk in selected) for choice in shown], bool(selected)
            )
        )
    return Booklet(
        attempt=attempt,
        course=course,
        sections=sections,
        question_count=len(questions),
        unanswered=unanswered,
    )


def attempt_questions(
    *, attempt: Attempt, questions: tuple[BookletQuestion, ...]
) -> tuple[BookletQuestion, ...]:
    """The questions of the booklet this attempt asks: all, or those drawn from its pools."""
    if attempt.question_ids is None:
        return questions
    drawn = set(attempt.question_ids)
    return tuple(question for question in questions if question.pk in drawn)


def learner_attempts(*, learner) -> QuerySet[Attempt]:
    """The learner's own attempts with enrollment and course; other learners' are not found."""
    return Attempt.objects.select_related("enrollment__course").filter(enrollment__learner=learner)


def learner_enrollment(*, learner, slug: str) -> Enrollment | None:
    return (
        Enrollment.objects.select_related("course")
        .filter(learner=learner, course__slug=slug)
        .first()
    )


def attempt_in_progress(*, enrollment: Enrollment) -> Attempt | None:
    return enrollment.attempts.filter(state=AttemptState.IN_PROGRESS).first()


def attempt_latest_graded(*, enrollment: Enrollment) -> Attempt | None:
    return enrollment.attempts.filter(state=AttemptState.GRADED).order_by("-number").first()


@dataclass(frozen=True)
class Results:
    attempt: Attempt
    course: Course
    answers: list[dict]  # the attempt's booklet record: as asked, chosen, right or not
    status: EnrollmentStatus
    attempts_used: int
    attempts_left: int | None

    @property
    def wrong(self) -> list[dict]:
        """The items answered wrongly, when the course lets a failed result show them."""
        if self.course.failed_result_reveals != FailedResultReveals.ITEMS:
            return []
        return [answer for answer in self.answers if not answer["is_correct"]]

    @property
    def review_sections(self) -> list[tuple[int, str]]:
        """(number, title) of the sections with a wrong answer, when the course shows
        only those: the learner reviews a section without learning which item was wrong."""
        if self.course.failed_result_reveals != FailedResultReveals.SECTIONS:
            return []
        wrong = {
            (answer["section_number"], answer["section_title"])
            for answer in self.answers
            if not answer["is_correct"]
        }
        return sorted(wrong)

    @property
    def reveal(self) -> bool:
        """Correct answers and explanations show only once the learner has passed."""
        return self.status in (EnrollmentStatus.EVALUATION_DUE, EnrollmentStatus.COMPLETE)


def attempt_results(*, attempt: Attempt) -> Results:
    """A graded attempt's results, from its booklet record (what was asked then)."""
    enrollment = attempt.enrollment
    counts = enrollment.attempts.aggregate(
        used=Count("pk"), in_progress=Count("pk", filter=Q(state=AttemptState.IN_PROGRESS))
    )
    used = counts["used"]
    return Results(
        attempt=attempt,
        course=enrollment.course,
        answers=attempt.booklet_record,
        status=enrollment_status(enrollment, used=used, in_progress=counts["in_progress"] > 0),
        attempts_used=used,
        attempts_left=attempts_left(enrollment.course, used=used),
    )


@dataclass(frozen=True)
class EnrollmentSummary:
    enrollment: Enrollment
    status: EnrollmentStatus
    question_count: int
    attempts_used: int
    current_attempt: Attempt | None
    last_graded: Attempt | None
    certificate_code: str

    @property
    def answered_count(self) -> int:
        if self.current_attempt is None:
            return 0
        return sum(1 for ids in self.current_attempt.draft.values() if ids)

    @property
    def attempts_left(self) -> int | None:
        return attempts_left(self.enrollment.course, used=self.attempts_used)


def enrollment_summary(*, learner, course: Course) -> EnrollmentSummary | None:
    """The learner's enrollment state for the course page, or None if not enrolled.

    Two queries for an enrolled learner (one when not enrolled), whatever the course size.
    """
    if not learner.is_authenticated:
        return None
    enrollment = (
        Enrollment.objects.filter(learner=learner, course=course)
        .annotate(
            question_count=Subquery(
                Question.objects.active()
                .filter(section__course=OuterRef("course"))
                .order_by()
                .values("section__course")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            certificate_code=Subquery(
                Certificate.objects.filter(
                    enrollment=OuterRef("pk"), status=CertificateStatus.VALID
                )
                .order_by("-issued_at")
                .values("code")[:1]
            ),
        )
        .first()
    )
    if enrollment is None:
        return None
    enrollment.course = course
    attempts = list(enrollment.attempts.order_by("number"))
    current = next((a for a in attempts if a.state == AttemptState.IN_PROGRESS), None)
    graded = [a for a in attempts if a.state == AttemptState.GRADED]
    return EnrollmentSummary(
        enrollment=enrollment,
        status=enrollment_status(enrollment, used=len(attempts), in_progress=current is not None),
        question_count=enrollment.question_count or 0,
        attempts_used=len(attempts),
        current_attempt=current,
        last_graded=graded[-1] if graded else None,
        certificate_code=enrollment.certificate_code or "",
    )
