"""The cached section content and answer booklet follow every write to what they show.

Both are cached under the course's content version (courses.content_cache). Every path
that writes a section, reference, question or choice must move that version, or a
learner would read, and be graded against, the old content. The tests below take each
path: the models' saves and deletes, every queryset write, every action the admin
offers on them, its inline forms, and course import.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.cache import caches
from django.test import RequestFactory
from django.urls import reverse

from courses.content_cache import booklet_questions
from courses.models import Choice, Course, Question, Reference, Section
from courses.models.content import CONTENT
from courses.services.archive import course_export, course_import
from courses.services.enrollment import enrollment_create
from courses.services.grading import attempt_start, attempt_submit
from tests.factories import (
    QuestionFactory,
    ReferenceFactory,
    SectionFactory,
    UserFactory,
    booklet_answers,
    booklet_course,
)
from tests.helpers import page_data

pytestmark = pytest.mark.django_db


def asked(course):
    """The booklet as a request would read it: the course fresh from the database."""
    return booklet_questions(course=Course.objects.get(pk=course.pk))


def version(course):
    return Course.objects.values_list("content_version", flat=True).get(pk=course.pk)


@pytest.fixture
def course():
    course = booklet_course(3, sections=2)
    ReferenceFactory(section=course.sections.get(number=1))
    asked(course)  # warm: every test below edits a cached booklet
    return course


# --- Every write path moves the version ----------------------------------------------


def rows(model, course):
    lookup = {
        Section: "course",
        Question: "section__course",
        Choice: "question__section__course",
        Reference: "section__course",
    }[model]
    return model.objects.filter(**{lookup: course}).order_by("pk")


def new_row(model, course):
    """An unsaved row of the model, in the course."""
    section = course.sections.get(number=1)
    question = Question.objects.filter(section=section).first()
    return {
        Section: lambda: Section(course=course, number=9, title="New", body="New text."),
        Question: lambda: Question(section=section, number=9, stem="New?"),
        Choice: lambda: Choice(question=question, position=9, text="New choice"),
        Reference: lambda: Reference(
            section=section, kind="book", authors="New, A.", year=2020, title="New"
        ),
    }[model]()


TEXT = {Section: "title", Question: "stem", Choice: "text", Reference: "title"}
WRITES = {
    "save a new row": lambda model, course: new_row(model, course).save(),
    "save a changed row": lambda model, course: _save_changed(rows(model, course).last()),
    "delete a row": lambda model, course: rows(model, course).last().delete(),
    "queryset update": lambda model, course: rows(model, course).update(**{TEXT[model]: "Updated"}),
    "queryset delete": lambda model, course: (
        rows(model, course).filter(pk=rows(model, course).last().pk).delete()
    ),
    "bulk_create": lambda model, course: model.objects.bulk_create([new_row(model, course)]),
    "bulk_update": lambda model, course: model.objects.bulk_update(
        [_changed(rows(model, course).last())], [TEXT[model]]
    ),
}


def _changed(row):
    setattr(row, TEXT[type(row)], "Changed")
    return row


def _save_changed(row):
    _changed(row).save()


@pytest.mark.parametrize("model", CONTENT, ids=lambda model: model.__name__)
@pytest.mark.parametrize("write", WRITES)
def test_every_write_to_course_content_moves_its_version(course, model, write):
    before = version(course)

    WRITES[write](model, course)

    assert version(course) > before


# Choices and references are edited only in inlines (see the inline tests below).
ADMINED = [model for model in CONTENT if admin.site.is_registered(model)]


def test_the_admin_edits_sections_and_questions_on_their_own_pages():
    assert [Section, Question] == ADMINED


@pytest.mark.parametrize("model", ADMINED, ids=lambda model: model.__name__)
def test_every_admin_action_on_course_content_moves_its_version(staff_client, course, model):
    request = RequestFactory().get("/")
    request.user = staff_client.user
    actions = admin.site.get_model_admin(model).get_actions(request)
    assert "delete_selected" in actions
    changelist = reverse(f"admin:courses_{model._meta.model_name}_changelist")
    for name in actions:
        before = version(course)
        row = rows(model, course).last()
        data = {"action": name, ACTION_CHECKBOX_NAME: [row.pk], "post": "yes"}

        assert staff_client.post(changelist, data).status_code == 302, name
        assert version(course) > before, name


def test_retiring_in_the_admin_takes_the_question_out(staff_client, course):
    question = Question.objects.get(section__course=course, number=2)

    staff_client.post(
        reverse("admin:courses_question_changelist"),
        {"action": "retire", ACTION_CHECKBOX_NAME: [question.pk]},
    )

    assert [q.number for q in asked(course)] == [1, 3]


def test_editing_a_choice_in_an_admin_inline_shows_in_the_booklet(staff_client, course):
    question = Question.objects.get(section__course=course, number=1)
    url = reverse("admin:courses_question_change", args=[question.pk])
    data = page_data(staff_client.get(url))
    row = next(k for k, v in data.items() if k.startswith("choices-") and v == "Q1 choice C")
    data[row] = "Renamed in the admin"

    assert staff_client.post(url, data).status_code == 302
    assert asked(course)[0].choices[2].text == "Renamed in the admin"


def test_swapping_section_numbers_in_the_course_inline_shows_in_the_booklet(staff_client, course):
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = page_data(staff_client.get(url))
    numbers = {v: k for k, v in data.items() if k.startswith("sections-") and k.endswith("number")}
    data[numbers["1"]], data[numbers["2"]] = "2", "1"

    assert staff_client.post(url, data).status_code == 302
    # Questions 1 and 2 were in section 1, question 3 in section 2.
    assert [(q.section_number, q.number) for q in asked(course)] == [(1, 3), (2, 1), (2, 2)]


def test_an_imported_course_is_read_from_its_imported_content(course):
    copy = course_import(archive=course_export(course=course), slug="imported-copy")

    assert version(copy) > 1  # each imported section, question and choice moved it
    assert [q.stem for q in asked(copy)] == [q.stem for q in asked(course)]


# --- The booklet ---------------------------------------------------------------------


def test_editing_a_question_shows_the_new_wording(course):
    question = Question.objects.get(section__course=course, number=2)
    question.stem = "Which of these is a boundary crossing?"
    question.save()

    assert asked(course)[1].stem == "Which of these is a boundary crossing?"


def test_moving_the_correct_answer_regrades_new_attempts(course):
    question = Question.objects.get(section__course=course, number=1)
    old, new = question.choices.order_by("position")[:2]
    old.is_correct, new.is_correct = False, True
    old.save()
    new.save()
    attempt = attempt_start(enrollment=enrollment_create(learner=UserFactory(), course=course))

    result = attempt_submit(
        attempt=attempt, answers=booklet_answers(Course.objects.get(pk=course.pk))
    )

    assert result.passed and result.attempt.correct_count == 3
    assert result.attempt.booklet_record[0]["selected"] == [new.pk]


def test_moving_a_question_to_another_course_updates_both(course):
    other = booklet_course(1)
    asked(other)
    question = Question.objects.get(section__course=course, number=3)
    question.section = other.sections.get()
    question.number = 7
    question.save()

    assert [q.number for q in asked(course)] == [1, 2]
    assert [q.number for q in asked(other)] == [1, 7]


# --- The section page ----------------------------------------------------------------


@pytest.fixture
def section():
    section = SectionFactory(body="Original text.", course__is_published=True)
    ReferenceFactory(section=section, title="Original reference")
    QuestionFactory(section=section, number=1, stem="Original stem?")
    return section


def page(client, section):
    response = client.get(section.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_section_text_edit_shows(client, section):
    assert "Original text." in page(client, section)

    section.body = "Revised text."
    section.save()

    html = page(client, section)
    assert "Revised text." in html
    assert "Original text." not in html


def test_reference_edit_and_delete_show(client, section):
    assert "Original reference" in page(client, section)
    reference = section.references.get()

    reference.title = "Revised reference"
    reference.save()
    assert "Revised reference" in page(client, section)

    reference.delete()
    assert "Revised reference" not in page(client, section)


def test_question_added_edited_and_retired_show(client, section):
    assert "Original stem?" in page(client, section)

    QuestionFactory(section=section, number=2, stem="Added stem?")
    assert "Added stem?" in page(client, section)

    question = Question.objects.get(section=section, number=1)
    question.stem = "Revised stem?"
    question.save()
    assert "Revised stem?" in page(client, section)

    question.is_retired = True
    question.save()
    html = page(client, section)
    assert "Revised stem?" not in html
    assert "Added stem?" in html


def test_other_sections_content_is_not_mixed_up(client, section):
    other = SectionFactory(course=section.course, number=2, body="Second section text.")
    assert "Original text." in page(client, section)

    html = page(client, other)
    assert "Second section text." in html
    assert "Original text." not in html


def test_a_renamed_neighbour_shows_and_unpublishing_is_read_live(client, section):
    neighbour = SectionFactory(course=section.course, number=2, title="Next one")
    assert "Next one" in page(client, section)

    neighbour.title = "Renamed next"
    neighbour.save()
    assert "Renamed next" in page(client, section)

    section.course.is_published = False
    section.course.save()
    assert client.get(section.get_absolute_url()).status_code == 404


def test_a_renamed_course_slug_links_to_its_new_address(client, section):
    page(client, section)
    section.course.slug = "renamed-course"
    section.course.save()

    assert 'href="/courses/renamed-course/booklet/#question-1"' in page(client, section)


def test_cached_content_costs_no_content_queries(client, section, django_assert_num_queries):
    html = page(client, section)

    with django_assert_num_queries(1):  # the section with its course
        assert page(client, section) == html

    caches["content"].clear()  # the cache lost it (Redis restarted): read and rendered again
    with django_assert_num_queries(1 + 5):  # the section, then its text, references,
        assert page(client, section) == html  # questions and two neighbours
