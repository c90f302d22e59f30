"""Authoring a course through the Django admin, as a superuser with the test client."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    Answer,
    Attempt,
    AttemptState,
    Choice,
    Course,
    Enrollment,
    EvaluationItem,
    EvaluationRating,
    Question,
    QuestionKind,
    Section,
    SectionRead,
    User,
)
from tests.factories import (
    ApprovalFactory,
    AuthorFactory,
    CourseFactory,
    CreditTypeFactory,
    EnrollmentFactory,
    EvaluationItemFactory,
    QuestionFactory,
    ReferenceFactory,
    SectionFactory,
    UserFactory,
    booklet_course,
    make_publishable,
)
from tests.helpers import STAFF, page_data, text_of
from tests.report_data import certificate_on, evaluation

DATA = Path(__file__).parent / "data"


@pytest.fixture
def admin_client(staff_client):
    return staff_client


def add_rows(data, prefix, rows):
    """Append inline rows, as the admin's 'Add another' link does."""
    start = int(data[f"{prefix}-TOTAL_FORMS"])
    for offset, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{start + offset}-{key}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(start + len(rows))
    return data


def graded_answer(question, **enrollment):
    """A graded answer pointing at the question, as grading leaves it."""
    enrollment = EnrollmentFactory(course=question.section.course, **enrollment)
    attempt = Attempt.objects.create(
        enrollment=enrollment,
        number=1,
        state=AttemptState.GRADED,
        submitted_at=timezone.now(),
        score=100,
        pass_mark=75,
        passed=True,
        booklet_record=[{"question_id": question.pk, "number": question.number}],
    )
    return Answer.objects.create(attempt=attempt, question=question, is_correct=False)


def change_url(obj):
    return reverse(f"admin:courses_{obj._meta.model_name}_change", args=[obj.pk])


def inline_errors(response, prefix):
    """The errors of the inline with this prefix that belong to no one row."""
    inline = next(
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
    )
    return inline.formset.non_form_errors()


# --- Course -------------------------------------------------------------------------


def test_create_course_with_approvals_sections_and_evaluation_items(admin_client):
    author = AuthorFactory(name="Ruth Okafor")
    url = reverse("admin:courses_course_add")
    data = page_data(admin_client.get(url))
    data.update(
        title="Power in the Helping Relationship",
        slug="power-in-the-helping-relationship",
        summary="How power works in therapy.",
        learning_objectives="Identify four characteristics of an unethical power imbalance.",
        ce_hours="1.25",
        level="intermediate",
        authors=[str(author.pk)],
        pass_mark="80",
        max_attempts="",
    )
    approval = ApprovalFactory()
    add_rows(data, "course_approvals", [{"approval": str(approval.pk)}])
    add_rows(
        data,
        "credits",
        [
            {"credit_type": str(CreditTypeFactory(slug="general-clinical").pk), "hours": "0.75"},
            {"credit_type": str(CreditTypeFactory(slug="ethics").pk), "hours": "0.5"},
        ],
    )
    add_rows(
        data,
        "sections",
        [{"number": "1", "title": "Power"}, {"number": "2", "title": "Secrecy"}],
    )
    add_rows(
        data,
        "evaluation_items",
        [{"position": "1", "text": "Objectives were met."}, {"position": "2", "text": "Useful."}],
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    course = Course.objects.get(slug="power-in-the-helping-relationship")
    assert list(course.authors.all()) == [author]
    assert course.max_attempts is None and course.pass_mark == 80
    assert list(course.sections.values_list("number", "title")) == [(1, "Power"), (2, "Secrecy")]
    assert list(course.approvals.all()) == [approval]
    assert [(c.credit_type.slug, c.hours_display) for c in course.credits.all()] == [
        ("general-clinical", "0.75"),
        ("ethics", "0.5"),
    ]
    assert list(EvaluationItem.objects.filter(course=course).values_list("text", flat=True)) == [
        "Objectives were met.",
        "Useful.",
    ]
    assert course.is_published is False


def test_course_refuses_hours_off_the_quarter_hour(admin_client):
    course = CourseFactory(ce_hours="2.00")
    data = page_data(admin_client.get(change_url(course)))
    data["ce_hours"] = "1.3"

    response = admin_client.post(change_url(course), data)

    assert response.status_code == 200
    assert "CE hours must be a positive multiple of 0.25" in response.content.decode()
    course.refresh_from_db()
    assert str(course.ce_hours) == "2.00"


def test_swap_two_section_numbers_in_one_save(admin_client):
    course = CourseFactory()
    first = SectionFactory(course=course, number=1, title="Alpha")
    second = SectionFactory(course=course, number=2, title="Beta")
    data = page_data(admin_client.get(change_url(course)))
    rows = {data[f"sections-{i}-id"]: i for i in range(2)}
    data[f"sections-{rows[str(first.pk)]}-number"] = "2"
    data[f"sections-{rows[str(second.pk)]}-number"] = "1"

    response = admin_client.post(change_url(course), data)

    assert response.status_code == 302
    assert list(course.sections.values_list("title", flat=True)) == ["Beta", "Alpha"]


def test_rotate_three_sections_and_delete_one_in_one_save(admin_client):
    course = CourseFactory()
    sections = [SectionFactory(course=course, number=n, title=f"S{n}") for n in (1, 2, 3, 4)]
    data = page_data(admin_client.get(change_url(course)))
    index = {data[f"sections-{i}-id"]: i for i in range(4)}
    for section, new_number in zip(sections[:3], ["2", "3", "1"], strict=True):
        data[f"sections-{index[str(section.pk)]}-number"] = new_number
    data[f"sections-{index[str(sections[3].pk)]}-DELETE"] = "on"

    response = admin_client.post(change_url(course), data)

    assert response.status_code == 302
    assert list(course.sections.values_list("number", "title")) == [
        (1, "S3"),
        (2, "S1"),
        (3, "S2"),
    ]


def test_duplicate_section_numbers_in_one_save_are_refused(admin_client):
    course = CourseFactory()
    SectionFactory(course=course, number=1, title="Alpha")
    SectionFactory(course=course, number=2, title="Beta")
    data = page_data(admin_client.get(change_url(course)))
    data["sections-0-number"] = "2"
    data["sections-0-title"] = "Renamed"

    response = admin_client.post(change_url(course), data)

    assert response.status_code == 200
    assert "Two sections have number 2; give each its own number." in response.content.decode()
    assert list(course.sections.values_list("number", "title")) == [(1, "Alpha"), (2, "Beta")]


def test_publish_action_refuses_course_without_sections_and_with_broken_question(
    admin_client,
):
    empty = CourseFactory(title="Empty course", is_published=False)
    broken = CourseFactory(title="Broken course", is_published=False)
    QuestionFactory(section__course=broken, number=3, choices=[("A", False), ("B", False)])
    good = make_publishable(CourseFactory(title="Good course", is_published=False))
    QuestionFactory(section__course=good)

    response = admin_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "publish", "_selected_action": [empty.pk, broken.pk, good.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "“Empty course” was not published: The course has no sections." in page
    assert (
        "“Broken course” was not published: QUESTION 3: A single-answer question needs "
        "exactly one correct choice (it has 0)." in page
    )
    assert "Published 1 course(s)." in page
    assert list(Course.objects.published()) == [good]


def test_unpublish_action(admin_client):
    course = CourseFactory(is_published=True)

    admin_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "unpublish", "_selected_action": [course.pk]},
    )

    course.refresh_from_db()
    assert course.is_published is False


def test_published_checkbox_applies_the_publish_check(admin_client):
    course = make_publishable(CourseFactory(is_published=False))
    section = SectionFactory(course=course, number=1)
    QuestionFactory(
        section=section, number=1, kind=QuestionKind.MULTIPLE, choices=[("A", False), ("B", False)]
    )
    data = page_data(admin_client.get(change_url(course)))
    data["is_published"] = "on"

    response = admin_client.post(change_url(course), data)

    assert response.status_code == 200
    assert (
        "Cannot publish: QUESTION 1: A select-all question needs at least one correct choice."
        in response.content.decode()
    )
    course.refresh_from_db()
    assert course.is_published is False

    Choice.objects.filter(text="A").update(is_correct=True)
    response = admin_client.post(change_url(course), data)

    assert response.status_code == 302
    course.refresh_from_db()
    assert course.is_published is True


def test_new_course_cannot_be_published_before_it_has_sections(admin_client):
    url = reverse("admin:courses_course_add")
    data = page_data(admin_client.get(url))
    data.update(
        title="T", slug="t", summary="S", learning_objectives="O", ce_hours="1", is_published="on"
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Save the course with its sections first, then publish it." in response.content.decode()
    assert not Course.objects.filter(slug="t").exists()


@pytest.mark.parametrize(
    ("inline", "status"),
    # Django skips the row; with it the published course would have no section left.
    [("sections", 200), ("evaluation_items", 302)],
)
def test_deleting_a_row_whose_id_is_not_the_courses_deletes_nothing(admin_client, inline, status):
    # A stale or forged row marked for deletion is no server error.
    course = CourseFactory()
    SectionFactory(course=course, number=1)
    EvaluationItemFactory(course=course)
    data = page_data(admin_client.get(change_url(course)))
    data[f"{inline}-0-id"] = "999999"
    data[f"{inline}-0-DELETE"] = "on"

    response = admin_client.post(change_url(course), data)

    assert response.status_code == status
    assert course.sections.count() == course.evaluation_items.count() == 1


def test_published_course_keeps_at_least_one_section(admin_client):
    course = CourseFactory(is_published=True)
    SectionFactory(course=course, number=1)
    data = page_data(admin_client.get(change_url(course)))
    data["sections-0-DELETE"] = "on"

    response = admin_client.post(change_url(course), data)

    assert response.status_code == 200
    assert "A published course needs a section; unpublish it first." in response.content.decode()
    assert course.sections.count() == 1


def test_course_and_section_have_view_on_site(admin_client):
    section = SectionFactory(course__slug="ethics", number=2)

    course_page = admin_client.get(change_url(section.course)).content.decode()
    section_page = admin_client.get(change_url(section)).content.decode()

    assert "View on site" in course_page and "View on site" in section_page
    shortcut = reverse("admin:view_on_site", args=[_content_type_id(Section), section.pk])
    assert shortcut in section_page
    response = admin_client.get(shortcut)
    assert response.status_code == 302
    assert response.url.endswith("/courses/ethics/sections/2/")


def _content_type_id(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


# --- Section ------------------------------------------------------------------------


def test_section_with_audio_and_two_references(admin_client):
    course = CourseFactory()
    url = reverse("admin:courses_section_add") + f"?course={course.pk}"
    data = page_data(admin_client.get(url))
    assert data["number"] == "1"  # the next free number is proposed
    data.update(title="Secrecy", body="Secrets *isolate* clients.", reviewed_year="2024")
    add_rows(
        data,
        "references",
        [
            {
                "kind": "book",
                "position": "1",
                "authors": "Pope, K. S., & Vasquez, M. J. T.",
                "year": "2016",
                "title": "Ethics in psychotherapy and counseling",
                "edition": "5th ed.",
                "publisher": "Wiley",
            },
            {
                "kind": "journal",
                "position": "2",
                "authors": "Zur, O.",
                "year": "2009",
                "title": "Power in psychotherapy",
                "container_title": "Psychotherapy Bulletin",
                "volume": "44",
                "doi": "https://doi.org/10.1037/e0001",
            },
        ],
    )
    data["audio"] = SimpleUploadedFile("My Lecture (final).MP3", (DATA / "voice.mp3").read_bytes())

    response = admin_client.post(url, data)

    assert response.status_code == 302
    section = Section.objects.get(course=course)
    assert section.body_html == "<p>Secrets <em>isolate</em> clients.</p>"
    assert section.audio.name.startswith(f"audio/{timezone.now():%Y/%m}/my-lecture-final-")
    assert section.audio.name.endswith(".mp3")
    assert section.audio_duration == pytest.approx(2.19, abs=0.05)
    assert list(section.references.values_list("kind", "doi")) == [
        ("book", ""),
        ("journal", "10.1037/e0001"),
    ]


def test_section_refuses_html_renamed_mp3_and_saves_nothing(admin_client):
    course = CourseFactory()
    url = reverse("admin:courses_section_add") + f"?course={course.pk}"
    data = page_data(admin_client.get(url))
    data.update(title="Secrecy", body="Text.")
    data["audio"] = SimpleUploadedFile("lecture.mp3", b"<!doctype html><script>alert(1)</script>")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert (
        "This file is not MP3, M4A (AAC) or Ogg (Vorbis or Opus) audio."
        in response.content.decode()
    )
    assert not Section.objects.exists()


def test_section_page_previews_its_audio(admin_client):
    section = SectionFactory()
    section.audio = SimpleUploadedFile("clip.ogg", (DATA / "voice-vorbis.ogg").read_bytes())
    section.save()

    page = admin_client.get(change_url(section)).content.decode()

    assert f'<audio controls preload="metadata" src="{section.audio.url}">' in page
    assert "Duration: 0:02" in page


def test_section_page_swaps_question_numbers_and_links_to_add_question(admin_client):
    section = SectionFactory()
    first = QuestionFactory(section=section, number=1, stem="First?")
    second = QuestionFactory(section=section, number=2, stem="Second?")
    page = admin_client.get(change_url(section))
    data = page_data(page)
    assert data["questions-TOTAL_FORMS"] == "2"  # no blank row: questions are added elsewhere
    assert f"/admin/courses/question/add/?section={section.pk}" in page.content.decode()
    index = {data[f"questions-{i}-id"]: i for i in range(2)}
    data[f"questions-{index[str(first.pk)]}-number"] = "2"
    data[f"questions-{index[str(second.pk)]}-number"] = "1"

    response = admin_client.post(change_url(section), data)

    assert response.status_code == 302
    assert list(section.questions.values_list("stem", flat=True)) == ["Second?", "First?"]


def test_section_page_refuses_a_question_number_used_elsewhere_in_the_course(admin_client):
    section = SectionFactory(number=1)
    QuestionFactory(section__course=section.course, section__number=2, number=5)
    question = QuestionFactory(section=section, number=1)
    data = page_data(admin_client.get(change_url(section)))
    data["questions-0-number"] = "5"

    response = admin_client.post(change_url(section), data)

    assert response.status_code == 200
    assert "QUESTION 5 already exists in this course." in response.content.decode()
    question.refresh_from_db()
    assert question.number == 1


def test_section_page_refuses_a_kind_change_that_breaks_the_choices(admin_client):
    section = SectionFactory()
    question = QuestionFactory(
        section=section, kind=QuestionKind.MULTIPLE, choices=[("A", True), ("B", True)]
    )
    data = page_data(admin_client.get(change_url(section)))
    data["questions-0-kind"] = QuestionKind.SINGLE

    response = admin_client.post(change_url(section), data)

    assert response.status_code == 200
    assert (
        "A single-answer question needs exactly one correct choice (it has 2)."
        in response.content.decode()
    )
    question.refresh_from_db()
    assert question.kind == QuestionKind.MULTIPLE


# --- Question -----------------------------------------------------------------------


def question_add_data(admin_client, section, choices, kind=QuestionKind.SINGLE):
    url = reverse("admin:courses_question_add") + f"?section={section.pk}"
    data = page_data(admin_client.get(url))
    data.update(stem="What are four characteristics?", kind=kind, explanation="See section 3.")
    for i in range(int(data["choices-TOTAL_FORMS"])):
        for key in ("text", "is_correct", "position"):
            data.pop(f"choices-{i}-{key}", None)
    data["choices-TOTAL_FORMS"] = "0"
    add_rows(
        data,
        "choices",
        [
            {"position": str(i), "text": text, **({"is_correct": "on"} if correct else {})}
            for i, (text, correct) in enumerate(choices)
        ],
    )
    return url, data


def test_add_question_with_choices_from_the_section_link(admin_client):
    section = SectionFactory()
    QuestionFactory(section__course=section.course, section__number=9, number=4)
    url, data = question_add_data(
        admin_client, section, [("Role reversal", True), ("Empathy", False), ("Warmth", False)]
    )
    assert data["section"] == str(section.pk)
    assert data["number"] == "5"  # next free number in the course

    response = admin_client.post(url, data)

    assert response.status_code == 302
    question = Question.objects.get(section=section)
    assert question.number == 5
    assert list(question.choices.values_list("text", "is_correct")) == [
        ("Role reversal", True),
        ("Empathy", False),
        ("Warmth", False),
    ]


@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
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
        (
            QuestionKind.SINGLE,
            [("A", True)],
            "A single-answer question needs at least two choices.",
        ),
        (
            QuestionKind.MULTIPLE,
            [("A", False), ("B", False)],
            "A select-all question needs at least one correct choice.",
        ),
        (QuestionKind.MULTIPLE, [("A", True)], "A select-all question needs at least two choices."),
    ],
)
def test_invalid_new_question_is_refused_and_nothing_saved(admin_client, kind, choices, message):
    section = SectionFactory()
    url, data = question_add_data(admin_client, section, choices, kind=kind)
    questions, stored_choices = Question.objects.count(), Choice.objects.count()

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Question.objects.count(), Choice.objects.count()) == (questions, stored_choices)


def test_invalid_edit_of_question_changes_nothing(admin_client):
    question = QuestionFactory(stem="Old stem?")
    data = page_data(admin_client.get(change_url(question)))
    data["stem"] = "New stem?"
    for i in range(4):
        data.pop(f"choices-{i}-is_correct", None)  # untick the only correct choice
    data["choices-0-text"] = "Changed"

    response = admin_client.post(change_url(question), data)

    assert response.status_code == 200
    assert "needs exactly one correct choice (it has 0)" in response.content.decode()
    question.refresh_from_db()
    assert question.stem == "Old stem?"
    assert list(question.choices.values_list("text", "is_correct"))[0] == ("A", True)


def test_question_number_must_be_unique_in_the_course(admin_client):
    section = SectionFactory(number=1)
    QuestionFactory(section__course=section.course, section__number=2, number=7)
    url, data = question_add_data(admin_client, section, [("A", True), ("B", False)])
    data["number"] = "7"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "QUESTION 7 already exists in this course." in response.content.decode()
    assert Question.objects.count() == 1


def test_answered_question_can_be_retired_but_not_deleted(admin_client):
    question = QuestionFactory()
    QuestionFactory(section=question.section, number=2)  # the course keeps one to ask
    graded_answer(question)
    delete_url = reverse("admin:courses_question_delete", args=[question.pk])

    page = admin_client.get(change_url(question)).content.decode()

    assert "This question has graded answers, so it can be retired but not deleted." in page
    assert delete_url not in page
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403

    response = admin_client.post(
        reverse("admin:courses_question_changelist"),
        {"action": "retire", "_selected_action": [question.pk]},
        follow=True,
    )

    assert "Retired 1 question(s)." in response.content.decode()
    question.refresh_from_db()
    assert question.is_retired is True


def test_unanswered_question_can_be_deleted(admin_client):
    question = QuestionFactory()
    delete_url = reverse("admin:courses_question_delete", args=[question.pk])

    assert delete_url in admin_client.get(change_url(question)).content.decode()
    response = admin_client.post(delete_url, {"post": "yes"})

    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def used_course():
    """Section 1 “Consent” of a draft course: three learners read it, two answered its
    question (one of them also read it), and one of those rated the evaluation statement.
    Returns the course, the section and the question."""
    course = CourseFactory(title="Power in the Helping Relationship", is_published=False)
    section = SectionFactory(course=course, number=1, title="Consent")
    question = QuestionFactory(section=section, number=1)
    readers = UserFactory.create_batch(3)
    for reader in readers:
        SectionRead.objects.create(learner=reader, section=section)
    first = graded_answer(question, learner=readers[0])
    graded_answer(question)
    item = EvaluationItemFactory(course=course, text="The learning objectives were met.")
    evaluation(first.attempt.enrollment, ratings={item: 4})
    return course, section, question


def records():
    """How many rows of each kind there are: a refused delete leaves every one."""
    kinds = [Course, Section, Question, EvaluationItem, Enrollment, SectionRead, Answer]
    return {model.__name__: model.objects.count() for model in (*kinds, EvaluationRating)}


KEPT = "these learners’ records depend on {}, and are kept as evidence of their credit."
COURSE_ADVICE = (
    "Retire the course instead: it leaves the catalog, and enrolled learners can finish."
)
SECTION_ADVICE = "Edit the section or retire the course instead."
QUESTION_ADVICE = (
    "Retire the question instead: it leaves the answer booklet, and graded answers stay."
)
# used_course()'s records, by kind: what keeps the section, and what keeps the course.
SECTION_RECORDS = "2 answers 3 section reads"
COURSE_RECORDS = "2 answers 2 enrollments 1 evaluation rating 3 section reads"


@pytest.mark.parametrize(
    ("target", "refusal"),
    [
        (
            "section",
            f"The section “Section 1: Consent” can’t be deleted: {KEPT.format('it')} "
            f"{SECTION_ADVICE} {SECTION_RECORDS}",
        ),
        (
            "course",
            "The course “Power in the Helping Relationship” can’t be deleted: "
            f"{KEPT.format('it')} {COURSE_ADVICE} {COURSE_RECORDS}",
        ),
    ],
)
def test_the_delete_page_of_a_used_section_or_course_counts_what_keeps_it(
    admin_client, target, refusal
):
    """One line says why and what to do instead, then the records by kind with counts,
    where Django listed each read, answer and rating on a line of its own."""
    course, section, _ = used_course()
    url = reverse(
        f"admin:courses_{target}_delete", args=[(section if target == "section" else course).pk]
    )
    before = records()

    shown = admin_client.get(url)
    posted = admin_client.post(url, {"post": "yes"})

    for response in (shown, posted):
        assert response.status_code == 200
        page = text_of(response)
        assert f"{refusal} " in page
        assert "protected" not in page
        assert " read Section " not in page  # no row per read
        assert "Yes, I’m sure" not in page
    assert records() == before


@pytest.mark.parametrize(
    ("target", "refusal"),
    [
        ("course", f"{COURSE_ADVICE} {COURSE_RECORDS}"),
        ("section", f"{SECTION_ADVICE} {SECTION_RECORDS}"),
        ("question", f"{QUESTION_ADVICE} 2 answers"),
    ],
)
def test_delete_selected_with_a_used_one_counts_what_keeps_it_and_deletes_none(
    admin_client, target, refusal
):
    course, section, question = used_course()
    used = {"course": course, "section": section, "question": question}[target]
    unused = {
        "course": lambda: CourseFactory(),
        "section": lambda: SectionFactory(course=course, number=2),
        "question": lambda: QuestionFactory(section=section, number=2),
    }[target]()
    url = reverse(f"admin:courses_{target}_changelist")
    data = {"action": "delete_selected", "_selected_action": [used.pk, unused.pk]}
    before = records()

    shown = admin_client.post(url, data)
    posted = admin_client.post(url, {**data, "post": "yes"})

    plural = used._meta.verbose_name_plural
    for response in (shown, posted):
        assert response.status_code == 200
        page = text_of(response)
        assert f"The selected {plural} can’t be deleted: {KEPT.format('them')} {refusal} " in page
        assert "protected" not in page
        assert "Yes, I’m sure" not in page
    assert records() == before


def test_the_delete_page_of_a_learner_account_counts_what_keeps_it(admin_client):
    learner = UserFactory(full_name="Dana Clinician, PhD")
    EnrollmentFactory(learner=learner)
    url = reverse("admin:courses_user_delete", args=[learner.pk])

    page = text_of(admin_client.post(url, {"post": "yes"}))

    assert (
        f"The user “Dana Clinician, PhD” can’t be deleted: {KEPT.format('it')} Untick Active "
        "instead: the account can no longer sign in, and its records stay. 1 enrollment "
    ) in page
    assert "protected" not in page
    assert User.objects.filter(pk=learner.pk).exists()


def test_a_section_learners_used_cannot_be_deleted_from_the_course_page(admin_client):
    """Three learners read section 2 and two answered its question, one of whom also read
    it: 4 learners, named as a count in one short line (not a line per read and answer),
    and nothing in the submitted page is saved."""
    course = CourseFactory(title="Power in the Helping Relationship", is_published=False)
    SectionFactory(course=course, number=1, title="Kept")
    used = SectionFactory(course=course, number=2, title="Consent")
    question = QuestionFactory(section=used)
    readers = UserFactory.create_batch(3)
    for reader in readers:
        SectionRead.objects.create(learner=reader, section=used)
    graded_answer(question, learner=readers[0])
    graded_answer(question)
    data = page_data(admin_client.get(change_url(course)))
    row = next(i for i in range(2) if data[f"sections-{i}-id"] == str(used.pk))
    data[f"sections-{row}-DELETE"] = "on"
    data[f"sections-{1 - row}-title"] = "Renamed"
    data["title"] = "Retitled"

    response = admin_client.post(change_url(course), data)

    assert response.status_code == 200  # the change form again, with the refusal
    message = (
        "Section 2 “Consent” can’t be deleted: 4 learners have read or answered it. "
        "Retire the course or edit the section instead."
    )
    assert inline_errors(response, "sections") == [message]
    page = text_of(response)
    assert message in page
    assert "protected" not in page
    assert " read Section " not in page  # no row per read
    assert course.sections.get(pk=used.pk).title == "Consent"
    assert SectionRead.objects.filter(section=used).count() == 3
    assert Answer.objects.filter(question=question).count() == 2
    assert list(course.sections.values_list("title", flat=True)) == ["Kept", "Consent"]
    course.refresh_from_db()
    assert course.title == "Power in the Helping Relationship"


def test_an_approval_certificates_were_earned_under_stays_on_the_course(admin_client):
    certificate = certificate_on(datetime.date(2026, 3, 2), course__is_published=False)
    course = certificate.enrollment.course
    approval = ApprovalFactory(starts_on=datetime.date(2026, 1, 1))
    course.approvals.add(approval)
    data = page_data(admin_client.get(change_url(course)))
    assert data["course_approvals-0-approval"] == str(approval.pk)
    data["course_approvals-0-DELETE"] = "on"

    response = admin_client.post(change_url(course), data)

    assert response.status_code == 200
    assert f"Certificates of this course were earned under {approval}" in (
        response.content.decode()
    )
    assert list(course.approvals.all()) == [approval]


def test_a_rated_evaluation_statement_cannot_be_reworded(admin_client):
    item = EvaluationItemFactory(
        text="The learning objectives were met.", course__is_published=False
    )
    evaluation(EnrollmentFactory(course=item.course), ratings={item: 3})
    data = page_data(admin_client.get(change_url(item.course)))
    assert data["evaluation_items-0-id"] == str(item.pk)
    data["evaluation_items-0-text"] = "The course was too long."

    response = admin_client.post(change_url(item.course), data)

    assert response.status_code == 200
    assert "Learners have rated this statement" in response.content.decode()
    item.refresh_from_db()
    assert item.text == "The learning objectives were met."


def test_a_rated_evaluation_statement_cannot_be_deleted_from_the_course_page(admin_client):
    """Three learners rated it: one short line with the count (not a line per rating),
    and nothing in the submitted page is saved."""
    course = CourseFactory(title="Power in the Helping Relationship", is_published=False)
    rated = EvaluationItemFactory(course=course, text="The learning objectives were met.")
    EvaluationItemFactory(course=course, text="The author knew the subject.")
    for _ in range(3):
        evaluation(EnrollmentFactory(course=course), ratings={rated: 4})
    data = page_data(admin_client.get(change_url(course)))
    row = next(i for i in range(2) if data[f"evaluation_items-{i}-id"] == str(rated.pk))
    data[f"evaluation_items-{row}-DELETE"] = "on"
    data[f"evaluation_items-{1 - row}-text"] = "The author was an expert."
    data["title"] = "Retitled"

    response = admin_client.post(change_url(course), data)

    assert response.status_code == 200  # the change form again, with the refusal
    message = (
        "Statement “The learning objectives were met.” can’t be deleted: 3 learners have "
        "rated it. Retire the course to stop asking it."
    )
    assert inline_errors(response, "evaluation_items") == [message]
    page = text_of(response)
    assert message in page
    assert "protected" not in page
    assert list(course.evaluation_items.values_list("text", flat=True)) == [
        "The learning objectives were met.",
        "The author knew the subject.",
    ]
    assert EvaluationRating.objects.filter(item=rated).count() == 3
    course.refresh_from_db()
    assert course.title == "Power in the Helping Relationship"


def test_an_answered_question_cannot_be_deleted_from_the_section_page(admin_client):
    _, section, question = used_course()
    data = page_data(admin_client.get(change_url(section)))
    assert data["questions-0-id"] == str(question.pk)
    data["questions-0-DELETE"] = "on"
    data["title"] = "Retitled"
    before = records()

    response = admin_client.post(change_url(section), data)

    assert response.status_code == 200
    message = f"QUESTION 1 can’t be deleted: 2 learners have answered it. {QUESTION_ADVICE}"
    assert inline_errors(response, "questions") == [message]
    assert "protected" not in text_of(response)
    assert records() == before
    section.refresh_from_db()
    assert section.title == "Consent"


# --- List pages ---------------------------------------------------------------------


def _build_content(size):
    """`size` rows that match the search and filters below, and one row that does not."""
    QuestionFactory(
        section__course__title="Unrelated",
        section__course__is_published=False,
        section__reviewed_year=2020,
        stem="Unrelated?",
    )
    AuthorFactory(name="Zed")
    for n in range(size):
        section = SectionFactory(course__title=f"Ethics {n}")
        ReferenceFactory(section=section)
        QuestionFactory(section=section, stem=f"Ethics question {n}?")


@pytest.mark.parametrize(
    ("model", "query", "expected_queries"),
    [
        ("course", "?q=Ethics&is_published__exact=1&level__exact=intermediate", STAFF + 3),
        ("section", "?q=Ethics&audio=no&reviewed_year=2023", STAFF + 5),
        ("question", "?q=Ethics&kind__exact=single&is_retired__exact=0", STAFF + 4),
        ("author", "?q=Author", STAFF + 3),
    ],
)
@pytest.mark.parametrize("size", [2, 20])
def test_list_pages_search_and_filter_in_constant_queries(
    admin_client, django_assert_num_queries, model, query, expected_queries, size
):
    _build_content(size)
    AuthorFactory.create_batch(size)
    url = reverse(f"admin:courses_{model}_changelist") + query

    with django_assert_num_queries(expected_queries):
        response = admin_client.get(url)

    assert response.status_code == 200
    assert f"{size} results (" in response.content.decode()


@pytest.mark.parametrize("url", ["admin:courses_section_add", "admin:courses_question_add"])
def test_add_pages_ignore_a_malformed_preselection(admin_client, url):
    response = admin_client.get(reverse(url) + "?course=abc&section=x")

    assert response.status_code == 200


@pytest.mark.parametrize("delete", [True, False])
def test_saving_a_stale_course_page_whose_approval_row_was_deleted_is_no_server_error(
    admin_client, delete
):
    # Two tabs: tab A removed the approval; tab B, still showing it, is then saved.
    course = CourseFactory(is_published=False, title="Old title")
    approval = ApprovalFactory()
    course.approvals.add(approval)
    data = page_data(admin_client.get(change_url(course)))
    course.approvals.clear()
    data["title"] = "New title"
    if delete:
        data["course_approvals-0-DELETE"] = "on"

    response = admin_client.post(change_url(course), data)

    assert response.status_code in (200, 302)
    assert not course.approvals.exists()


def test_a_junk_approval_row_id_is_the_forms_error_not_a_server_error(admin_client):
    course = CourseFactory(is_published=False)
    course.approvals.add(ApprovalFactory())
    data = page_data(admin_client.get(change_url(course)))
    data["course_approvals-0-id"] = "1e9"

    response = admin_client.post(change_url(course), data)

    assert response.status_code == 200  # the change form again, with the row's error
    assert course.approvals.count() == 1


@pytest.mark.parametrize("select_across", [False, True])
def test_the_last_questions_of_a_published_course_cannot_be_retired(admin_client, select_across):
    # Learners would meet "This course has no questions yet" and could never finish.
    course = booklet_course(2)
    other = QuestionFactory(section__course__is_published=False)
    data = {"action": "retire", "_selected_action": [q.pk for q in course_questions(course)]}
    if select_across:
        data |= {"select_across": "1", "_selected_action": [other.pk]}

    response = admin_client.post(reverse("admin:courses_question_changelist"), data, follow=True)

    assert f"Nothing was retired: {course} would have no questions left" in text_of(response)
    assert not Question.objects.filter(is_retired=True).exists()


def test_questions_of_a_published_course_can_be_retired_while_one_stays(admin_client):
    course = booklet_course(2)
    first = course_questions(course)[0]

    response = admin_client.post(
        reverse("admin:courses_question_changelist"),
        {"action": "retire", "_selected_action": [first.pk]},
        follow=True,
    )

    assert "Retired 1 question(s)." in text_of(response)
    assert list(Question.objects.filter(is_retired=True)) == [first]


def course_questions(course):
    return list(Question.objects.filter(section__course=course).order_by("number"))
