"""Grading rules of the answer booklet, through the grading service."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from courses.content_cache import booklet_questions
from courses.models import Answer, AttemptState, Choice, Question, QuestionKind
from courses.selectors.learning import booklet_choices
from courses.services.grading import attempt_start, attempt_submit
from tests.factories import (
    EnrollmentFactory,
    QuestionFactory,
    SectionFactory,
    booklet_answers,
    booklet_course,
)

pytestmark = pytest.mark.django_db


def _start(course):
    return attempt_start(enrollment=EnrollmentFactory(course=course))


def _choice(question, text):
    return question.choices.get(text=text).pk


def test_single_answer_scores_only_the_right_choice():
    section = SectionFactory()
    question = QuestionFactory(section=section, number=1)
    attempt = _start(section.course)

    result = attempt_submit(attempt=attempt, answers={str(question.pk): [_choice(question, "A")]})

    assert result.passed and result.score == Decimal("100.00")
    assert Answer.objects.get(attempt=attempt).is_correct
    attempt.refresh_from_db()
    assert attempt.booklet_record[0]["selected"] == [_choice(question, "A")]


def test_single_answer_wrong_choice_scores_zero():
    section = SectionFactory()
    question = QuestionFactory(section=section, number=1)
    attempt = _start(section.course)

    result = attempt_submit(attempt=attempt, answers={str(question.pk): [_choice(question, "C")]})

    assert not result.passed and result.score == Decimal("0.00")
    assert not Answer.objects.get(attempt=attempt).is_correct


@pytest.mark.parametrize(
    ("chosen", "scores"),
    [
        (["Role reversal", "Secrecy"], True),  # exactly the correct set
        (["Role reversal"], False),  # a correct subset is not enough
        (["Role reversal", "Secrecy", "Empathy"], False),  # a wrong extra spoils it
        (["Empathy"], False),
    ],
)
def test_select_all_scores_only_the_exact_correct_set(chosen, scores):
    section = SectionFactory()
    question = QuestionFactory(
        section=section,
        number=1,
        kind=QuestionKind.MULTIPLE,
        choices=[("Role reversal", True), ("Empathy", False), ("Secrecy", True)],
    )
    attempt = _start(section.course)

    attempt_submit(
        attempt=attempt, answers={str(question.pk): [_choice(question, t) for t in chosen]}
    )

    assert Answer.objects.get(attempt=attempt).is_correct is scores


@pytest.mark.parametrize(
    ("questions", "right", "pass_mark", "score", "passed"),
    [
        (4, 3, 75, "75.00", True),  # exactly the pass mark passes
        (4, 2, 75, "50.00", False),
        (20, 14, 75, "70.00", False),
        (20, 15, 75, "75.00", True),
        (3, 2, 67, "66.66", False),  # 66.666…% is below 67, and is never shown rounded up
        (3, 2, 66, "66.66", True),
        (3, 3, 100, "100.00", True),
    ],
)
def test_score_is_percent_right_and_passing_includes_the_boundary(
    questions, right, pass_mark, score, passed
):
    course = booklet_course(questions, pass_mark=pass_mark)
    attempt = _start(course)

    result = attempt_submit(attempt=attempt, answers=booklet_answers(course, right))

    attempt.refresh_from_db()
    assert attempt.score == Decimal(score)
    assert attempt.passed is passed and result.passed is passed
    assert (attempt.correct_count, attempt.question_count) == (right, questions)
    assert attempt.pass_mark == pass_mark


def test_graded_attempt_records_result_and_snapshots():
    course = booklet_course(2)
    attempt = _start(course)

    attempt_submit(attempt=attempt, answers=booklet_answers(course, 1))

    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and attempt.submitted_at is not None
    first, second = attempt.booklet_record
    assert first["number"] == 1 and second["number"] == 2
    assert first["stem"] == "Question stem 1?"
    assert first["section_number"] == 1
    assert first["explanation"] == "Explanation 1."
    assert [c["text"] for c in first["choices"]] == [
        "Q1 choice A",
        "Q1 choice B",
        "Q1 choice C",
        "Q1 choice D",
    ]
    assert [c["is_correct"] for c in first["choices"]] == [True, False, False, False]
    assert first["is_correct"] and not second["is_correct"]
    assert first["selected"] == [first["choices"][0]["id"]]
    rows = Answer.objects.filter(attempt=attempt).order_by("question__number")
    assert [(a.question_id, a.is_correct) for a in rows] == [
        (first["question_id"], True),
        (second["question_id"], False),
    ]


def test_passing_marks_the_enrollment_passed():
    course = booklet_course(4)
    attempt = _start(course)

    result = attempt_submit(attempt=attempt, answers=booklet_answers(course, 3))

    attempt.enrollment.refresh_from_db()
    assert attempt.enrollment.passed_at == result.attempt.submitted_at


def test_failing_leaves_enrollment_unpassed():
    course = booklet_course(4)
    attempt = _start(course)

    attempt_submit(attempt=attempt, answers=booklet_answers(course, 1))

    attempt.enrollment.refresh_from_db()
    assert attempt.enrollment.passed_at is None


def test_incomplete_or_foreign_answers_are_refused_and_nothing_is_graded():
    course = booklet_course(3)
    other = booklet_course(1)
    attempt = _start(course)
    answers = booklet_answers(course, 3)
    incomplete = dict(list(answers.items())[:2])
    foreign_choice = Choice.objects.filter(question__section__course=other).first().pk
    foreign = {**answers, next(iter(answers)): [foreign_choice]}

    with pytest.raises(ValidationError, match="unanswered: QUESTION 3"):
        attempt_submit(attempt=attempt, answers=incomplete)
    with pytest.raises(ValidationError, match="is not one of its choices"):
        attempt_submit(attempt=attempt, answers=foreign)

    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS
    assert not Answer.objects.exists()


def test_two_answers_to_a_single_answer_question_are_refused():
    section = SectionFactory()
    question = QuestionFactory(section=section, number=1)
    attempt = _start(section.course)
    both = [_choice(question, "A"), _choice(question, "B")]

    with pytest.raises(ValidationError, match="takes one answer, but 2 were sent"):
        attempt_submit(attempt=attempt, answers={str(question.pk): both})


def test_submitting_twice_grades_once_and_returns_the_first_result():
    course = booklet_course(4)
    attempt = _start(course)

    first = attempt_submit(attempt=attempt, answers=booklet_answers(course, 4))
    second = attempt_submit(attempt=attempt, answers=booklet_answers(course, 0))

    assert not first.already_graded and second.already_graded
    assert second.attempt.pk == first.attempt.pk and second.score == Decimal("100.00")
    assert Answer.objects.filter(attempt=attempt).count() == 4


def test_retired_questions_are_left_out_of_new_booklets():
    course = booklet_course(4)
    retired = Question.objects.get(section__course=course, number=4)
    retired.is_retired = True
    retired.save()
    attempt = _start(course)
    answers = booklet_answers(course, 3)

    result = attempt_submit(attempt=attempt, answers=answers)

    assert str(retired.pk) not in answers
    assert result.attempt.question_count == 3 and result.score == Decimal("100.00")


def test_shuffled_choices_are_stable_per_attempt_and_recorded_as_shown():
    course = booklet_course(6, shuffle_choices=True)
    questions = booklet_questions(course=course)
    attempt = _start(course)

    def order(seed):
        return [[c.pk for c in booklet_choices(q, shuffle=True, seed=seed)] for q in questions]

    authored = [[c.pk for c in q.choices] for q in questions]
    assert order(attempt.shuffle_seed) == order(attempt.shuffle_seed)
    assert any(order(seed) != authored for seed in (1, 2, 3))
    assert all(
        sorted(shown) == sorted(mine) for shown, mine in zip(order(5), authored, strict=True)
    )

    attempt_submit(attempt=attempt, answers=booklet_answers(course, 6))

    attempt.refresh_from_db()
    shown = [[c["id"] for c in entry["choices"]] for entry in attempt.booklet_record]
    assert shown == order(attempt.shuffle_seed)


def test_author_order_without_shuffle():
    course = booklet_course(3, shuffle_choices=False)
    questions = booklet_questions(course=course)

    for question in questions:
        texts = [c.text for c in booklet_choices(question, shuffle=False, seed=99)]
        assert texts == [f"Q{question.number} choice {t}" for t in "ABCD"]
