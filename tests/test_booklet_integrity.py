"""Integrity of the answer booklet: nothing leaks before grading, bad input is a 4xx,
and graded records never change."""

import re

import pytest
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from courses.content_cache import booklet_questions
from courses.models import Answer, Attempt, AttemptState, Choice, Question, QuestionKind
from courses.services.enrollment import enrollment_create
from courses.services.grading import attempt_save_draft, attempt_start, attempt_submit
from tests.factories import QuestionFactory, UserFactory, booklet_answers, booklet_course

pytestmark = pytest.mark.django_db


def _url(course):
    return reverse("courses:booklet", kwargs={"slug": course.slug})


@pytest.fixture
def started(learner_client):
    """A learner with an attempt in progress and one answer saved as a draft."""
    course = booklet_course(3)
    enrollment = enrollment_create(learner=learner_client.user, course=course)
    attempt = attempt_start(enrollment=enrollment)
    draft = dict(list(booklet_answers(course, 3).items())[:1])
    attempt_save_draft(attempt=attempt, answers=draft)
    return learner_client, course, attempt, draft


# Nothing before grading says which choice is correct -----------------------------------


def test_booklet_html_renders_the_correct_choice_exactly_like_the_others(learner_client):
    course = booklet_course(3)
    QuestionFactory(
        section=course.sections.first(),
        number=4,
        kind=QuestionKind.MULTIPLE,
        choices=[("Secrecy", True), ("Warmth", False), ("Role reversal", True)],
    )
    enrollment_create(learner=learner_client.user, course=course)

    html = learner_client.get(_url(course)).content.decode()

    assert "is_correct" not in html and "correct" not in html.lower().replace("correct-", "")
    assert "Explanation" not in html
    blocks = re.findall(r'<div class="form-check booklet-choice">.*?</div>', html, re.S)
    assert len(blocks) == 3 * 4 + 3
    for question in Question.objects.filter(section__course=course):
        shapes = set()
        for choice in question.choices.all():
            block = next(b for b in blocks if f'value="{choice.pk}"' in b)
            assert f">{choice.text}</label>" in block
            shape = re.sub(r'(value="|choice-)\d+', r"\1ID", block)
            shapes.add(re.sub(r">[^<]*</label>", ">TEXT</label>", shape))
        assert len(shapes) == 1, shapes


def test_autosave_and_refusals_say_nothing_about_correctness(started):
    client, course, attempt, _ = started
    question = booklet_questions(course=course)[0]
    wrong = next(c for c in question.choices if not c.is_correct)
    data = {"attempt": attempt.pk, "action": "save", f"question-{question.pk}": wrong.pk}

    saved = client.post(_url(course), data, headers={"Accept": "application/json"})
    refused = client.post(_url(course), {**data, f"question-{question.pk}": "nope"})

    assert saved.json() == {"saved": True, "answered": 1, "total": 3}
    body = refused.content.decode()
    assert "correct" not in body.lower().replace("correct-", "")
    right = next(c for c in question.choices if c.is_correct)
    assert right.text not in body


# Bad input: a clear 4xx, never a 500, and the draft is kept ------------------------------


def _bad_posts(course, attempt):
    """(label, extra POST data, message) for each kind of tampering."""
    questions = booklet_questions(course=course)
    q1, q2 = questions[0], questions[1]
    other_question_choice = q2.choices[0].pk
    other_course_choice = booklet_course(1).sections.first().questions.first().choices.first().pk
    retired = QuestionFactory(
        section=Question.objects.get(pk=q1.pk).section, number=99, is_retired=True
    )
    a, b = [c.pk for c in q1.choices[:2]]
    n = q1.number
    return [
        (
            "choice of another question",
            {f"question-{q1.pk}": other_question_choice},
            f"QUESTION {n}: {other_question_choice} is not one of its choices.",
        ),
        (
            "choice of another course",
            {f"question-{q1.pk}": other_course_choice},
            f"QUESTION {n}: {other_course_choice} is not one of its choices.",
        ),
        (
            "unknown choice id",
            {f"question-{q1.pk}": 987654321},
            f"QUESTION {n}: 987654321 is not one of its choices.",
        ),
        (
            "non-numeric choice id",
            {f"question-{q1.pk}": "1 OR 1=1"},
            "“1 OR 1=1” is not a choice id.",
        ),
        (
            "two answers to a single-answer question",
            {f"question-{q1.pk}": [a, b]},
            f"QUESTION {n} takes one answer, but 2 were sent.",
        ),
        (
            "the same answer twice",
            {f"question-{q1.pk}": [a, a]},
            f"QUESTION {n} takes one answer, but 2 were sent.",
        ),
        (
            "question of another course",
            {"question-987654321": a},
            "Question 987654321 is not in this answer booklet.",
        ),
        (
            "retired question",
            {f"question-{retired.pk}": retired.choices.first().pk},
            f"Question {retired.pk} is not in this answer booklet.",
        ),
        (
            "non-numeric question",
            {"question-abc": a},
            "“abc” is not a question in this answer booklet.",
        ),
        ("no action", {"action": ""}, "Choose Save progress or Submit answers for grading."),
        ("unknown action", {"action": "grade-me-100"}, "Select a valid choice."),
        ("no attempt", {"attempt": ""}, "This form does not say which attempt it belongs to."),
        ("non-numeric attempt", {"attempt": "1;DROP"}, "This form does not say which attempt"),
    ]


@pytest.mark.parametrize("action", ["save", "submit"])
@pytest.mark.parametrize("case", range(13))
def test_tampered_posts_are_refused_with_400_and_keep_the_draft(started, action, case):
    client, course, attempt, draft = started
    label, extra, message = _bad_posts(course, attempt)[case]
    data = {"attempt": attempt.pk, "action": action, **extra}

    response = client.post(_url(course), data)

    assert response.status_code == 400, label
    assert message in response.content.decode(), label
    assert "Back to the answer booklet" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.draft == draft and attempt.state == AttemptState.IN_PROGRESS
    assert not Answer.objects.exists()


def test_tampered_autosave_gets_json_400(started):
    client, course, attempt, draft = started
    question = booklet_questions(course=course)[0]

    response = client.post(
        _url(course),
        {"attempt": attempt.pk, "action": "save", f"question-{question.pk}": "x"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == {"errors": ["“x” is not a choice id."]}
    attempt.refresh_from_db()
    assert attempt.draft == draft


def test_post_without_csrf_token_is_forbidden(started):
    _, course, attempt, draft = started
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(attempt.enrollment.learner)
    data = {
        "attempt": attempt.pk,
        "action": "submit",
        **{f"question-{q}": ids for q, ids in booklet_answers(course, 3).items()},
    }

    forbidden = strict.post(_url(course), data)
    page = strict.get(_url(course))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    allowed = strict.post(_url(course), {**data, "csrfmiddlewaretoken": token})

    assert forbidden.status_code == 403
    assert allowed.status_code == 302  # the same post with its token is graded
    assert Answer.objects.filter(attempt=attempt).count() == 3


def test_another_learners_attempt_is_not_found(started, client):
    _, course, attempt, draft = started
    intruder = UserFactory()
    enrollment_create(learner=intruder, course=course)
    client.force_login(intruder)
    answers = {f"question-{q}": ids for q, ids in booklet_answers(course, 3).items()}

    posted = client.post(_url(course), {"attempt": attempt.pk, "action": "submit", **answers})
    attempt_submit(attempt=attempt, answers=booklet_answers(course, 1))
    results = client.get(reverse("courses:results", kwargs={"attempt_id": attempt.pk}))

    assert posted.status_code == 404 and results.status_code == 404
    attempt.refresh_from_db()
    assert attempt.correct_count == 1  # graded only by its owner


def test_unknown_attempt_and_anonymous_learner(started, client):
    learner_client, course, attempt, _ = started

    missing = learner_client.get(reverse("courses:results", kwargs={"attempt_id": 987654}))
    client.logout()
    anonymous = client.get(reverse("courses:results", kwargs={"attempt_id": attempt.pk}))

    assert missing.status_code == 404
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


# Graded records never change -------------------------------------------------------------


def test_editing_the_course_after_grading_changes_no_graded_record(learner_client):
    course = booklet_course(4, pass_mark=75)
    enrollment = enrollment_create(learner=learner_client.user, course=course)
    attempt = attempt_start(enrollment=enrollment)
    attempt_submit(attempt=attempt, answers=booklet_answers(course, 3))
    before = list(Answer.objects.filter(attempt=attempt).values())
    attempt.refresh_from_db()
    graded = (attempt.score, attempt.passed, attempt.pass_mark, attempt.correct_count)
    results_url = reverse("courses:results", kwargs={"attempt_id": attempt.pk})

    # The author rewrites the course: stems, choices, the key, the pass mark.
    course.pass_mark = 100
    course.save()
    q1 = Question.objects.get(section__course=course, number=1)
    q1.stem = "A rewritten stem?"
    q1.explanation = "A rewritten explanation."
    q1.save()
    Choice.objects.filter(question=q1, position=0).update(text="Rewritten A", is_correct=False)
    Choice.objects.filter(question=q1, position=1).update(is_correct=True)
    Choice.objects.filter(question__number=4, question__section__course=course, position=3).delete()
    Question.objects.filter(section__course=course, number=2).update(is_retired=True)
    QuestionFactory(section=q1.section, number=5)

    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed, attempt.pass_mark, attempt.correct_count) == graded
    assert list(Answer.objects.filter(attempt=attempt).values()) == before
    html = learner_client.get(results_url).content.decode()
    assert "Question stem 1?" in html and "Q1 choice A" in html and "Explanation 1." in html
    assert "A rewritten stem?" not in html and "Rewritten A" not in html
    assert "Q4 choice D" in html  # the deleted choice, as it was shown
    assert "75%" in html and "Passed" in html


def test_a_question_with_graded_answers_cannot_be_deleted():
    course = booklet_course(2)
    enrollment = enrollment_create(learner=UserFactory(), course=course)
    attempt_submit(attempt=attempt_start(enrollment=enrollment), answers=booklet_answers(course, 2))

    with pytest.raises(ProtectedError):
        Question.objects.filter(section__course=course).first().delete()
    assert Answer.objects.count() == 2


def test_admin_shows_graded_records_but_never_changes_them(staff_client):
    course = booklet_course(2)
    enrollment = enrollment_create(learner=UserFactory(), course=course)
    attempt = attempt_start(enrollment=enrollment)
    attempt_submit(attempt=attempt, answers=booklet_answers(course, 1))
    change_url = reverse("admin:courses_attempt_change", args=[attempt.pk])

    page = staff_client.get(change_url)
    edit = staff_client.post(change_url, {"number": 7})
    delete = staff_client.post(
        reverse("admin:courses_attempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    add = staff_client.get(reverse("admin:courses_attempt_add"))
    listing = staff_client.get(reverse("admin:courses_attempt_changelist"))
    enrollment_page = staff_client.get(
        reverse("admin:courses_enrollment_change", args=[enrollment.pk])
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert "Question stem 1?" in html and "Section 1 · QUESTION 1" in html
    assert "QUESTION 1</strong> · correct" in html
    assert "QUESTION 2</strong> · not correct" in html
    assert "✓ ● Q1 choice A" in html and "✓ ○ Q2 choice A" in html  # right, and missed
    assert 'name="_save"' not in html  # view-only: no save button
    assert edit.status_code == 403 and delete.status_code == 403 and add.status_code == 403
    assert listing.status_code == 200 and enrollment_page.status_code == 200
    assert Attempt.objects.get(pk=attempt.pk).number == 1


def test_ids_too_large_for_the_database_are_refused_not_crashed(started):
    client, course, attempt, draft = started
    huge = "9" * 5000  # past bigint, and past Python's int() digit limit

    results = client.get(f"/attempts/{huge}/")
    posted = client.post(_url(course), {"attempt": huge, "action": "save"})
    question = booklet_questions(course=course)[0]
    choice = client.post(
        _url(course),
        {"attempt": attempt.pk, "action": "save", f"question-{question.pk}": huge},
    )
    key = client.post(
        _url(course), {"attempt": attempt.pk, "action": "save", "question-" + "9" * 30: 1}
    )

    assert results.status_code == 404
    assert posted.status_code == 400
    assert choice.status_code == 400 and "is not a choice id." in choice.content.decode()
    assert huge not in choice.content.decode()  # not echoed back whole
    assert key.status_code == 400 and f"“{'9' * 30}” is not a question" in key.content.decode()
    attempt.refresh_from_db()
    assert attempt.draft == draft


# A refused submit or a save from another device loses no saved answer -----------------


def test_a_draft_save_from_a_stale_copy_keeps_what_another_device_saved(started):
    """Two devices hold the attempt as they loaded it; each saves a different answer."""
    _, course, attempt, draft = started
    answers = booklet_answers(course, 3)
    second, third = list(answers)[1:]
    other_device = Attempt.objects.get(pk=attempt.pk)

    assert attempt_save_draft(attempt=attempt, answers={second: answers[second]})
    assert attempt_save_draft(attempt=other_device, answers={third: answers[third]})

    assert Attempt.objects.get(pk=attempt.pk).draft == answers
    assert other_device.draft == answers


def test_a_refused_submit_never_clears_a_saved_answer(started):
    """Even a page that showed every question blank (a tab opened before the draft was
    saved) only adds answers when its submit is refused."""
    client, course, attempt, draft = started
    shown = [
        str(pk)
        for pk in Question.objects.filter(section__course=course).values_list("pk", flat=True)
    ]

    response = client.post(
        _url(course), {"attempt": attempt.pk, "action": "submit", "shown": shown}
    )

    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.draft == draft


def test_a_shown_marker_that_is_not_a_booklet_question_is_refused(started):
    client, course, attempt, draft = started

    response = client.post(
        _url(course),
        {"attempt": attempt.pk, "action": "save", "shown": "x"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 400
    assert response.json() == {"errors": ["“x” is not a question in this answer booklet."]}
    attempt.refresh_from_db()
    assert attempt.draft == draft
