"""The cached answer booklet follows every edit of what it asks.

App servers keep each course's booklet in memory, keyed by the course's content version.
Every way staff change sections, questions or choices must move that version, or a
learner would be shown (and graded against) the old booklet.
"""

import pytest
from django.urls import reverse

from courses.models import Choice, Course, Question
from courses.selectors import learning
from courses.selectors.learning import booklet_questions
from courses.services.enrollment import enrollment_create
from courses.services.grading import attempt_start, attempt_submit
from tests.factories import UserFactory, booklet_answers, booklet_course
from tests.test_admin_authoring import page_data

pytestmark = pytest.mark.django_db


def asked(course):
    """The booklet as a request would read it: the course fresh from the database."""
    return booklet_questions(course=Course.objects.get(pk=course.pk))


@pytest.fixture
def course():
    course = booklet_course(3, sections=1)
    asked(course)  # warm: every test below edits a cached booklet
    return course


def test_editing_a_question_shows_the_new_wording(course):
    question = Question.objects.get(section__course=course, number=2)
    question.stem = "Which of these is a boundary crossing?"
    question.save()

    assert asked(course)[1].stem == "Which of these is a boundary crossing?"


def test_renaming_a_section_shows_the_new_title(course):
    section = course.sections.get()
    section.title = "Power in the therapy room"
    section.save()

    assert {q.section_title for q in asked(course)} == {"Power in the therapy room"}


def test_moving_the_correct_answer_regrades_new_attempts(course):
    question = Question.objects.get(section__course=course, number=1)
    old, new = question.choices.order_by("position")[:2]
    old.is_correct, new.is_correct = False, True
    old.save()
    new.save()
    learner = UserFactory()
    attempt = attempt_start(enrollment=enrollment_create(learner=learner, course=course))

    result = attempt_submit(
        attempt=attempt, answers=booklet_answers(Course.objects.get(pk=course.pk))
    )

    assert result.passed and result.attempt.correct_count == 3
    chosen = result.attempt.booklet_record[0]["selected"]
    assert chosen == [new.pk]


def test_adding_and_deleting_choices_shows_in_the_booklet(course):
    question = Question.objects.get(section__course=course, number=3)
    Choice.objects.create(question=question, position=9, text="A fifth choice")
    question.choices.get(position=1).delete()

    texts = [choice.text for choice in asked(course)[2].choices]
    assert texts == ["Q3 choice A", "Q3 choice C", "Q3 choice D", "A fifth choice"]


def test_deleting_a_question_removes_it(course):
    Question.objects.get(section__course=course, number=3).delete()

    assert [q.number for q in asked(course)] == [1, 2]


def test_moving_a_question_to_another_course_updates_both(course):
    other = booklet_course(1)
    asked(other)
    question = Question.objects.get(section__course=course, number=3)
    question.section = other.sections.get()
    question.number = 7
    question.save()

    assert [q.number for q in asked(course)] == [1, 2]
    assert [q.number for q in asked(other)] == [1, 7]


def test_retiring_in_the_admin_takes_the_question_out(staff_client, course):
    question = Question.objects.get(section__course=course, number=2)

    staff_client.post(
        reverse("admin:courses_question_changelist"),
        {"action": "retire", "_selected_action": [question.pk]},
    )

    assert [q.number for q in asked(course)] == [1, 3]


def test_editing_a_choice_in_the_admin_shows_in_the_booklet(staff_client, course):
    question = Question.objects.get(section__course=course, number=1)
    url = reverse("admin:courses_question_change", args=[question.pk])
    data = page_data(staff_client.get(url))
    row = next(k for k, v in data.items() if k.startswith("choices-") and v == "Q1 choice C")
    data[row] = "Renamed in the admin"

    assert staff_client.post(url, data).status_code == 302
    assert asked(course)[0].choices[2].text == "Renamed in the admin"


def test_the_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(learning, "BOOKLET_CACHE_SIZE", 3)
    courses = [booklet_course(1) for _ in range(5)]

    for course in courses:
        asked(course)
        assert len(learning._booklets) <= 3

    assert [q.stem for q in asked(courses[0])] == ["Question stem 1?"]
