"""Every rule of the authored content: courses, sections, references, questions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from courses.models import (
    Course,
    QuestionKind,
    ReferenceKind,
    Section,
    validate_choice_set,
)
from tests.factories import (
    CourseFactory,
    QuestionFactory,
    ReferenceFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def errors_of(instance):
    with pytest.raises(ValidationError) as refused:
        instance.full_clean()
    return refused.value.message_dict


# --- Course -------------------------------------------------------------------------


@pytest.mark.parametrize("hours", ["0.25", "1", "1.25", "2.5", "40.75"])
def test_ce_hours_in_quarter_hour_steps_are_accepted(hours):
    CourseFactory.build(ce_hours=Decimal(hours)).full_clean()


@pytest.mark.parametrize("hours", ["1.3", "0", "-1", "0.1"])
def test_ce_hours_off_the_quarter_hour_or_not_positive_are_refused(hours):
    errors = errors_of(CourseFactory.build(ce_hours=Decimal(hours)))

    assert "CE hours must be a positive multiple of 0.25 (e.g. 1.25)." in errors["ce_hours"]


def test_database_refuses_zero_hours():
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseFactory(ce_hours=Decimal("0"))


@pytest.mark.parametrize("mark", [1, 75, 100])
def test_pass_mark_from_1_to_100_is_accepted(mark):
    CourseFactory.build(pass_mark=mark).full_clean()


@pytest.mark.parametrize(
    ("mark", "message"),
    [
        (0, "Ensure this value is greater than or equal to 1."),
        (101, "Ensure this value is less than or equal to 100."),
    ],
)
def test_pass_mark_outside_1_to_100_is_refused(mark, message):
    assert message in errors_of(CourseFactory.build(pass_mark=mark))["pass_mark"]
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseFactory(pass_mark=mark)


def test_pass_mark_defaults_to_75():
    assert Course().pass_mark == 75


@pytest.mark.parametrize("attempts", [None, 1, 3])
def test_max_attempts_blank_means_unlimited_or_at_least_one(attempts):
    CourseFactory.build(max_attempts=attempts).full_clean()


def test_zero_max_attempts_is_refused():
    errors = errors_of(CourseFactory.build(max_attempts=0))

    assert errors["max_attempts"] == ["Ensure this value is greater than or equal to 1."]
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseFactory(max_attempts=0)


def test_publish_problems_name_every_problem():
    course = CourseFactory(is_published=False)
    # The content rules; publishing's own (author, evaluation, credit, approval) are in
    # tests/test_approvals.py.
    assert course.content_problems() == ["The course has no sections."]

    SectionFactory(course=course, number=1, body=" ")
    section = SectionFactory(course=course, number=2)
    QuestionFactory(section=section, number=1)
    QuestionFactory(section=section, number=2, choices=[("A", True), ("B", True)])
    QuestionFactory(
        section=section,
        number=3,
        kind=QuestionKind.MULTIPLE,
        choices=[("A", False), ("B", False)],
    )
    QuestionFactory(section=section, number=4, choices=[], is_retired=True)  # not asked

    assert course.content_problems() == [
        "Section 1 has no text.",
        "QUESTION 2: A single-answer question needs exactly one correct choice (it has 2).",
        "QUESTION 3: A select-all question needs at least one correct choice.",
    ]


def test_publish_problems_empty_for_a_ready_course(django_assert_num_queries):
    course = CourseFactory()
    for number in (1, 2, 3):
        QuestionFactory(section__course=course, section__number=number, number=number)

    with django_assert_num_queries(3):  # sections, their active questions, their choices
        assert course.content_problems() == []


# --- Section ------------------------------------------------------------------------


def test_section_number_is_unique_per_course():
    section = SectionFactory(number=3)
    duplicate = SectionFactory.build(course=section.course, number=3)

    assert errors_of(duplicate)["__all__"] == [
        "Section with this Course and Number already exists."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_same_section_number_in_another_course_is_fine():
    SectionFactory(number=3)
    SectionFactory.build(course=CourseFactory(), number=3).full_clean()


def test_section_number_starts_at_one():
    section = SectionFactory.build(course=CourseFactory(), number=0)

    assert "number" in errors_of(section)


def test_section_body_html_is_sanitized_on_save():
    section = SectionFactory(
        body=(
            "# Power\n\nSee **this**.<script>alert('x')</script>"
            '<img src=x onerror="alert(1)">[link](javascript:alert(1))'
            '<a href="https://example.org" onclick="steal()">ok</a>'
        )
    )

    html = Section.objects.get(pk=section.pk).body_html
    assert "<strong>this</strong>" in html
    assert "<script" not in html and "alert('x')" not in html
    assert "onerror" not in html and "<img" not in html
    assert "javascript:" not in html and "onclick" not in html
    assert '<a href="https://example.org" rel="noopener noreferrer">ok</a>' in html


def test_body_html_follows_body_with_update_fields():
    section = SectionFactory(body="old")
    section.body = "*new*"
    section.save(update_fields=["body"])

    assert Section.objects.get(pk=section.pk).body_html == "<p><em>new</em></p>"


@pytest.mark.parametrize("year", [1899, 2101])
def test_reviewed_year_is_a_plausible_year(year):
    section = SectionFactory.build(course=CourseFactory(), reviewed_year=year)

    assert "reviewed_year" in errors_of(section)


# --- Question and choices -----------------------------------------------------------


def test_question_number_is_unique_in_the_course_across_sections():
    question = QuestionFactory(number=4)
    other_section = SectionFactory(course=question.section.course, number=9)
    clash = QuestionFactory.build(section=other_section, number=4)

    assert errors_of(clash)["number"] == ["QUESTION 4 already exists in this course."]


def test_question_number_is_unique_in_its_section():
    question = QuestionFactory(number=4)
    clash = QuestionFactory.build(section=question.section, number=4)

    assert errors_of(clash)["__all__"] == ["Another question in this section has this number."]
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()


def test_same_question_number_in_another_course_is_fine():
    QuestionFactory(number=4)
    QuestionFactory.build(section=SectionFactory(), number=4).full_clean()


def test_a_question_keeps_its_own_number_on_edit():
    question = QuestionFactory(number=4)
    question.stem = "Reworded?"
    question.full_clean()


@pytest.mark.parametrize(
    ("kind", "choices"),
    [
        (QuestionKind.SINGLE, [("A", True), ("B", False)]),
        (QuestionKind.SINGLE, [("A", False), ("B", False), ("C", True), ("D", False)]),
        (QuestionKind.MULTIPLE, [("A", True), ("B", False)]),
        (QuestionKind.MULTIPLE, [("A", True), ("B", True), ("C", True)]),
    ],
)
def test_valid_choice_sets(kind, choices):
    assert validate_choice_set(kind, choices) is None


@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        (QuestionKind.SINGLE, [], "A single-answer question needs at least two choices."),
        (
            QuestionKind.SINGLE,
            [("A", True)],
            "A single-answer question needs at least two choices.",
        ),
        (
            QuestionKind.SINGLE,
            [("A", False), ("B", False)],
            "A single-answer question needs exactly one correct choice (it has 0).",
        ),
        (
            QuestionKind.SINGLE,
            [("A", True), ("B", True), ("C", False)],
            "A single-answer question needs exactly one correct choice (it has 2).",
        ),
        (QuestionKind.MULTIPLE, [], "A select-all question needs at least two choices."),
        (QuestionKind.MULTIPLE, [("A", True)], "A select-all question needs at least two choices."),
        (
            QuestionKind.MULTIPLE,
            [("A", False), ("B", False), ("C", False)],
            "A select-all question needs at least one correct choice.",
        ),
    ],
)
def test_invalid_choice_sets(kind, choices, message):
    with pytest.raises(ValidationError) as refused:
        validate_choice_set(kind, choices)

    assert refused.value.messages == [message]


# --- References ---------------------------------------------------------------------


def test_journal_article_needs_its_journal():
    reference = ReferenceFactory.build(section=SectionFactory(), container_title="")

    assert errors_of(reference)["container_title"] == ["A journal article needs its journal."]


def test_book_needs_its_publisher():
    reference = ReferenceFactory.build(
        section=SectionFactory(), kind=ReferenceKind.BOOK, container_title="", publisher=""
    )

    assert errors_of(reference)["publisher"] == ["A book needs its publisher."]


def test_other_reference_needs_neither():
    ReferenceFactory.build(
        section=SectionFactory(), kind=ReferenceKind.OTHER, container_title="", publisher=""
    ).full_clean()


@pytest.mark.parametrize(
    "entered",
    [
        "10.1037/amp0000112",
        " https://doi.org/10.1037/amp0000112 ",
        "http://dx.doi.org/10.1037/amp0000112",
        "doi:10.1037/amp0000112",
        "DOI: 10.1037/amp0000112",
    ],
)
def test_doi_is_normalised_to_the_bare_doi(entered):
    reference = ReferenceFactory.build(section=SectionFactory(), doi=entered)
    reference.full_clean()

    assert reference.doi == "10.1037/amp0000112"
    assert reference.doi_url == "https://doi.org/10.1037/amp0000112"


def test_apa_journal_article():
    reference = ReferenceFactory.build(doi="10.1037/amp0000112")

    assert reference.apa_html() == (
        "Zilcha-Mano, S. (2017). Is the alliance really therapeutic? "
        "<i>American Psychologist</i>, <i>72</i>(4), 311–325. "
        '<a href="https://doi.org/10.1037/amp0000112">https://doi.org/10.1037/amp0000112</a>'
    )


def test_apa_journal_article_without_issue_or_link():
    reference = ReferenceFactory.build(
        authors="Kivlighan, D. M., Jr., & Hilsenroth, M. J.",
        year=2005,
        date_detail="",
        title="Therapist adherence.",
        container_title="Psychotherapy Research",
        volume="15",
        issue="",
        pages="1–13",
    )

    assert reference.apa_html() == (
        "Kivlighan, D. M., Jr., &amp; Hilsenroth, M. J. (2005). Therapist adherence. "
        "<i>Psychotherapy Research</i>, <i>15</i>, 1–13."
    )


def test_apa_book():
    reference = ReferenceFactory.build(
        kind=ReferenceKind.BOOK,
        authors="Pope, K. S., & Vasquez, M. J. T.",
        year=2016,
        title="Ethics in psychotherapy and counseling: A practical guide",
        container_title="",
        volume="",
        issue="",
        pages="",
        edition="5th ed.",
        publisher="Wiley.",
        url="https://example.org/book",
    )

    assert reference.apa_html() == (
        "Pope, K. S., &amp; Vasquez, M. J. T. (2016). "
        "<i>Ethics in psychotherapy and counseling: A practical guide</i> (5th ed.). Wiley. "
        '<a href="https://example.org/book">https://example.org/book</a>'
    )


def test_apa_escapes_what_authors_type():
    reference = ReferenceFactory.build(
        kind=ReferenceKind.BOOK, title="<script>alert(1)</script>", publisher="A & B"
    )

    html = reference.apa_html()
    assert "<script>" not in html
    assert "<i>&lt;script&gt;alert(1)&lt;/script&gt;</i>. A &amp; B." in html


def test_a_course_whose_questions_are_all_retired_cannot_be_published():
    course = CourseFactory(is_published=False)
    QuestionFactory(section__course=course, is_retired=True)

    assert "The course has no questions." in course.publish_problems()
