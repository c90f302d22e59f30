"""Migration 0002 moves each graded attempt's per-answer snapshots into its booklet record."""

import pytest
from django.utils import timezone

from tests.helpers import migrate

BEFORE = [("courses", "0001_initial")]
AFTER = [("courses", "0002_booklet_record")]


@pytest.mark.django_db(transaction=True)
def test_graded_answers_become_the_attempts_booklet_record():
    old = migrate(BEFORE)
    course = old.get_model("courses", "Course").objects.create(
        title="T", slug="t", summary="S", learning_objectives="O", ce_hours=1
    )
    section = old.get_model("courses", "Section").objects.create(
        course=course, number=5, title="Power", body="Text"
    )
    Question = old.get_model("courses", "Question")
    second = Question.objects.create(section=section, number=6, stem="Second?")
    first = Question.objects.create(section=section, number=5, stem="First?")
    learner = old.get_model("courses", "User").objects.create(email="a@example.org")
    enrollment = old.get_model("courses", "Enrollment").objects.create(
        learner=learner, course=course
    )
    Attempt = old.get_model("courses", "Attempt")

    def graded(number, score):
        return Attempt.objects.create(
            enrollment=enrollment,
            number=number,
            state="graded",
            submitted_at=timezone.now(),
            score=score,
            pass_mark=75,
            passed=score >= 75,
        )

    attempt, retake = graded(1, 50), graded(2, 100)
    draft = Attempt.objects.create(enrollment=enrollment, number=3)
    Answer = old.get_model("courses", "Answer")
    for owner, question, chosen, ok in (
        (attempt, second, [8], False),
        (retake, first, [4], True),
        (attempt, first, [3], True),
    ):
        Answer.objects.create(
            attempt=owner,
            question=question,
            selected_choice_ids=chosen,
            is_correct=ok,
            snapshot={
                "number": question.number,
                "section_number": 5,
                "section_title": "Power",
                "stem": question.stem,
                "kind": "single",
                "explanation": "",
                "choices": [{"id": chosen[0], "text": "C", "is_correct": ok}],
            },
        )

    new = migrate(AFTER)
    try:
        Migrated = new.get_model("courses", "Attempt")
        record = Migrated.objects.get(pk=attempt.pk).booklet_record
        assert [(e["question_id"], e["number"], e["stem"]) for e in record] == [
            (first.pk, 5, "First?"),
            (second.pk, 6, "Second?"),
        ]
        assert [(e["selected"], e["is_correct"]) for e in record] == [([3], True), ([8], False)]
        assert record[0]["choices"] == [{"id": 3, "text": "C", "is_correct": True}]
        assert new.get_model("courses", "Answer").objects.filter(attempt=attempt.pk).count() == 2
        assert [
            (e["question_id"], e["selected"])
            for e in Migrated.objects.get(pk=retake.pk).booklet_record
        ] == [(first.pk, [4])]
        assert Migrated.objects.get(pk=draft.pk).booklet_record is None
    finally:
        migrate()
