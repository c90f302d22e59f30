"""The learner's pages: enrol, the answer booklet, submitting, results, retake."""

import re

import pytest
from django.urls import reverse

from courses.models import Answer, Attempt, AttemptState, Enrollment, Question, QuestionKind
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    QuestionFactory,
    SectionFactory,
    booklet_answers,
    booklet_course,
)

pytestmark = pytest.mark.django_db


def _text(html):
    """What a reader sees: the page without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _enrol(client, course):
    return EnrollmentFactory(learner=client.user, course=course)


def _booklet_url(course):
    return reverse("courses:booklet", kwargs={"slug": course.slug})


def _open(client, course):
    """Open the booklet (starting attempt 1) and return the attempt."""
    response = client.get(_booklet_url(course))
    assert response.status_code == 200
    return response.context["booklet"].attempt


def _post(client, course, attempt, answers, action="submit"):
    data = {"attempt": attempt.pk, "action": action}
    for question_id, ids in answers.items():
        data[f"question-{question_id}"] = [str(i) for i in ids]
    return client.post(_booklet_url(course), data)


def test_enrol_is_one_post_and_idempotent(learner_client):
    course = booklet_course(2)
    url = reverse("courses:enrol", kwargs={"slug": course.slug})

    first = learner_client.post(url)
    second = learner_client.post(url)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == course.get_absolute_url()
    assert Enrollment.objects.filter(learner=learner_client.user, course=course).count() == 1


def test_enrol_needs_post_login_and_a_published_course(client, learner_client):
    course = booklet_course(1)
    hidden = CourseFactory(is_published=False)

    assert (
        learner_client.get(reverse("courses:enrol", kwargs={"slug": course.slug})).status_code
        == 405
    )
    url = reverse("courses:enrol", kwargs={"slug": hidden.slug})
    assert learner_client.post(url).status_code == 404
    learner_client.logout()
    anonymous = client.post(reverse("courses:enrol", kwargs={"slug": course.slug}))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not Enrollment.objects.exists()


def test_booklet_needs_an_enrollment(learner_client):
    course = booklet_course(2)

    response = learner_client.get(_booklet_url(course))

    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    assert not Attempt.objects.exists()


def test_booklet_groups_questions_by_section_with_accessible_controls(learner_client):
    course = booklet_course(4, sections=2)
    multi = Question.objects.get(section__course=course, number=4)
    multi.kind = QuestionKind.MULTIPLE
    multi.save()
    _enrol(learner_client, course)

    response = learner_client.get(_booklet_url(course))
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Section 1: Section title" in html and "Section 2: Section title" in html
    assert "Section 1 · QUESTION 1" in html and "Section 2 · QUESTION 4" in html
    assert html.count("<fieldset") == 4 and html.count("<legend") == 4
    assert html.count('type="radio"') == 12 and html.count('type="checkbox"') == 4
    # Every input has its label.
    for input_id in re.findall(r'<input class="form-check-input"[^>]* id="(choice-\d+)"', html):
        assert f'for="{input_id}"' in html
    section_2 = reverse("courses:section", kwargs={"slug": course.slug, "number": 2})
    assert f'href="{section_2}#question-4"' in html
    assert "Save progress" in html and "Submit answers for grading" in html
    assert "0 of 4 answered" in _text(html)
    assert 'src="/static/js/booklet.js" defer' in html
    assert "<script>" not in html and "onclick" not in html and 'style="' not in html


def test_save_progress_keeps_a_draft_that_resumes_on_another_visit(learner_client):
    course = booklet_course(3)
    _enrol(learner_client, course)
    attempt = _open(learner_client, course)
    answers = booklet_answers(course, 3)
    first_two = dict(list(answers.items())[:2])

    response = _post(learner_client, course, attempt, first_two, action="save")

    assert response.status_code == 302 and response["Location"] == _booklet_url(course)
    attempt.refresh_from_db()
    assert attempt.draft == {str(q): ids for q, ids in first_two.items()}
    assert attempt.state == AttemptState.IN_PROGRESS
    page = learner_client.get(_booklet_url(course))
    html = page.content.decode()
    assert "Progress saved: 2 of 3 answered." in html
    assert "2 of 3 answered" in _text(html)
    for ids in first_two.values():
        assert re.search(rf'value="{ids[0]}" checked', html)
    assert page.context["booklet"].attempt.pk == attempt.pk  # resumed, not restarted


def test_autosave_answers_json_with_the_count(learner_client):
    course = booklet_course(3)
    _enrol(learner_client, course)
    attempt = _open(learner_client, course)
    one = dict(list(booklet_answers(course, 3).items())[:1])
    data = {"attempt": attempt.pk, "action": "save"}
    data.update({f"question-{q}": ids for q, ids in one.items()})

    response = learner_client.post(
        _booklet_url(course), data, headers={"Accept": "application/json"}
    )

    assert response.status_code == 200
    assert response.json() == {"saved": True, "answered": 1, "total": 3}
    attempt.refresh_from_db()
    assert attempt.draft == {str(q): ids for q, ids in one.items()}


def test_submitting_an_incomplete_booklet_lists_unanswered_and_keeps_the_draft(learner_client):
    course = booklet_course(4)
    _enrol(learner_client, course)
    attempt = _open(learner_client, course)
    partial = dict(list(booklet_answers(course, 4).items())[:2])

    response = _post(learner_client, course, attempt, partial)

    assert response.status_code == 302
    assert response["Location"] == _booklet_url(course) + "?check=1#unanswered"
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS and len(attempt.draft) == 2
    html = learner_client.get(response["Location"]).content.decode()
    assert "2 questions still need an answer" in html
    assert '<a href="#question-3">QUESTION 3</a>' in html
    assert '<a href="#question-4">QUESTION 4</a>' in html
    assert '<a href="#question-1">' not in html
    assert html.count("Not answered yet") == 2
    assert "Not answered yet" not in learner_client.get(_booklet_url(course)).content.decode()
    assert not Answer.objects.exists()


def _saved_four_of_six(client):
    """A learner who saved answers to QUESTIONS 1-4 of 6, as the booklet page posts them."""
    course = booklet_course(6)
    _enrol(client, course)
    attempt = _open(client, course)
    answers = booklet_answers(course, 6)
    saved = dict(list(answers.items())[:4])
    response = _post(client, course, attempt, saved, action="save")
    assert response.status_code == 302
    return course, attempt, answers, saved


def _unanswered_listed(client, url):
    html = client.get(url).content.decode()
    return re.findall(r'<a href="#question-(\d+)">QUESTION', html)


@pytest.mark.parametrize("shown", [False, True], ids=["bare-post", "stale-tab"])
def test_a_refused_empty_submit_keeps_the_saved_draft(learner_client, shown):
    """A stale tab or second device submits nothing: the saved answers stay."""
    course, attempt, _, saved = _saved_four_of_six(learner_client)
    data = {"attempt": attempt.pk, "action": "submit"}
    if shown:  # the stale page lists every question it showed, all still blank
        data["shown"] = [str(q.pk) for q in Question.objects.filter(section__course=course)]
    response = learner_client.post(_booklet_url(course), data)

    assert response.status_code == 302
    assert response["Location"] == _booklet_url(course) + "?check=1#unanswered"
    attempt.refresh_from_db()
    assert attempt.draft == saved and attempt.state == AttemptState.IN_PROGRESS
    assert _unanswered_listed(learner_client, response["Location"]) == ["5", "6"]


def test_a_refused_partial_submit_adds_its_answer_to_the_saved_ones(learner_client):
    course, attempt, answers, saved = _saved_four_of_six(learner_client)
    fifth = dict(list(answers.items())[4:5])

    response = _post(learner_client, course, attempt, fifth)

    assert response["Location"] == _booklet_url(course) + "?check=1#unanswered"
    attempt.refresh_from_db()
    assert attempt.draft == saved | fifth
    assert _unanswered_listed(learner_client, response["Location"]) == ["6"]
    assert not Answer.objects.exists()


def test_a_refused_submit_posting_a_new_answer_replaces_the_saved_one(learner_client):
    course, attempt, _, saved = _saved_four_of_six(learner_client)
    first = next(iter(saved))
    other = Question.objects.get(pk=first).choices.exclude(pk__in=saved[first]).first().pk

    _post(learner_client, course, attempt, {first: [other]})

    attempt.refresh_from_db()
    assert attempt.draft == saved | {first: [other]}


def test_save_clears_a_question_the_page_showed_blank_and_keeps_the_rest(learner_client):
    """Un-ticking every box of a question and saving clears it; questions the post did
    not show (another device's page, a partial post) keep their saved answers."""
    course, attempt, answers, saved = _saved_four_of_six(learner_client)
    first, second, *_ = saved
    data = {"attempt": attempt.pk, "action": "save", "shown": [first, second]}
    data[f"question-{second}"] = [str(i) for i in saved[second]]

    response = learner_client.post(
        _booklet_url(course), data, headers={"Accept": "application/json"}
    )

    assert response.json() == {"saved": True, "answered": 3, "total": 6}
    attempt.refresh_from_db()
    assert attempt.draft == {key: ids for key, ids in saved.items() if key != first}


def test_the_booklet_form_says_which_questions_it_shows(learner_client):
    course = booklet_course(3)
    _enrol(learner_client, course)
    html = learner_client.get(_booklet_url(course)).content.decode()

    shown = re.findall(r'<input type="hidden" name="shown" value="(\d+)">', html)
    assert shown == [
        str(q.pk) for q in Question.objects.filter(section__course=course).order_by("number")
    ]


def test_complete_booklet_is_graded_and_shows_results(learner_client):
    course = booklet_course(4, pass_mark=75)
    _enrol(learner_client, course)
    attempt = _open(learner_client, course)

    response = _post(learner_client, course, attempt, booklet_answers(course, 3))

    results_url = reverse("courses:results", kwargs={"attempt_id": attempt.pk})
    assert response.status_code == 302 and response["Location"] == results_url
    html = learner_client.get(results_url).content.decode()
    assert "Passed" in html and "75%" in html and "3 of 4" in html
    assert reverse("courses:evaluation", kwargs={"slug": course.slug}) in html


def test_failed_results_list_wrong_questions_with_section_links_but_no_answers(learner_client):
    course = booklet_course(4, pass_mark=75, max_attempts=3)
    _enrol(learner_client, course)
    attempt = _open(learner_client, course)
    _post(learner_client, course, attempt, booklet_answers(course, 2))

    html = learner_client.get(
        reverse("courses:results", kwargs={"attempt_id": attempt.pk})
    ).content.decode()

    assert "Not passed" in html and "50%" in html and "Pass mark" in html
    assert "Questions to review" in html
    section_3 = reverse("courses:section", kwargs={"slug": course.slug, "number": 3})
    assert f'href="{section_3}#question-3"' in html and "Question stem 4?" in html
    assert "Question stem 1?" not in html  # answered right: not listed
    assert "choice A" not in html and "Correct answer" not in html and "Explanation" not in html
    assert "You have 2 attempts left." in html
    assert reverse("courses:retake", kwargs={"slug": course.slug}) in html


def test_passed_results_reveal_correct_answers_and_explanations(learner_client):
    course = booklet_course(4, pass_mark=75)
    _enrol(learner_client, course)
    attempt = _open(learner_client, course)
    _post(learner_client, course, attempt, booklet_answers(course, 3))

    html = learner_client.get(
        reverse("courses:results", kwargs={"attempt_id": attempt.pk})
    ).content.decode()

    assert "Your answers and the correct answers" in html
    assert html.count("✓ Correct answer") == 4
    assert "Explanation 4." in html and "Q4 choice B" in html
    assert "Your answer" in html
    assert reverse("courses:retake", kwargs={"slug": course.slug}) not in html


def test_retake_starts_a_fresh_numbered_attempt(learner_client):
    course = booklet_course(2, max_attempts=2)
    _enrol(learner_client, course)
    first = _open(learner_client, course)
    _post(learner_client, course, first, booklet_answers(course, 0))

    response = learner_client.post(reverse("courses:retake", kwargs={"slug": course.slug}))

    assert response.status_code == 302 and response["Location"] == _booklet_url(course)
    second = _open(learner_client, course)
    assert second.number == 2 and second.pk != first.pk and second.draft == {}


def test_results_plainly_explain_running_out_of_attempts(learner_client):
    course = booklet_course(2, max_attempts=1)
    _enrol(learner_client, course)
    attempt = _open(learner_client, course)
    _post(learner_client, course, attempt, booklet_answers(course, 0))

    html = learner_client.get(
        reverse("courses:results", kwargs={"attempt_id": attempt.pk})
    ).content.decode()
    retake = learner_client.post(
        reverse("courses:retake", kwargs={"slug": course.slug}), follow=True
    )

    assert "No attempts left" in html
    assert "try again" not in html
    assert "you cannot earn a certificate or CE credit for this course" in html
    assert reverse("accessibility") in html
    assert reverse("courses:retake", kwargs={"slug": course.slug}) not in html
    assert "You have used all 1 attempt this course allows." in retake.content.decode()
    assert Attempt.objects.count() == 1


def test_booklet_after_grading_goes_to_the_latest_result(learner_client):
    course = booklet_course(2)
    _enrol(learner_client, course)
    attempt = _open(learner_client, course)
    _post(learner_client, course, attempt, booklet_answers(course, 2))

    response = learner_client.get(_booklet_url(course))

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:results", kwargs={"attempt_id": attempt.pk})


def test_double_submit_redirects_the_second_post_to_the_first_result(learner_client):
    course = booklet_course(3)
    _enrol(learner_client, course)
    attempt = _open(learner_client, course)

    first = _post(learner_client, course, attempt, booklet_answers(course, 3))
    second = _post(learner_client, course, attempt, booklet_answers(course, 0))

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    attempt.refresh_from_db()
    assert attempt.correct_count == 3
    assert Answer.objects.filter(attempt=attempt).count() == 3


def test_single_question_section_uses_the_question_number_label(learner_client):
    section = SectionFactory(number=5)
    QuestionFactory(section=section, number=5)
    _enrol(learner_client, section.course)

    html = learner_client.get(_booklet_url(section.course)).content.decode()

    assert "Section 5 · QUESTION 5" in html


def test_results_of_an_attempt_in_progress_lead_back_to_the_booklet(learner_client):
    course = booklet_course(2)
    _enrol(learner_client, course)
    attempt = _open(learner_client, course)

    response = learner_client.get(reverse("courses:results", kwargs={"attempt_id": attempt.pk}))

    assert response.status_code == 302 and response["Location"] == _booklet_url(course)


def test_autosave_after_grading_in_another_tab_points_to_the_result(learner_client):
    course = booklet_course(2)
    _enrol(learner_client, course)
    attempt = _open(learner_client, course)
    _post(learner_client, course, attempt, booklet_answers(course, 2))
    data = {"attempt": attempt.pk, "action": "save"}

    autosave = learner_client.post(
        _booklet_url(course), data, headers={"Accept": "application/json"}
    )
    save = learner_client.post(_booklet_url(course), data)

    results_url = reverse("courses:results", kwargs={"attempt_id": attempt.pk})
    assert autosave.status_code == 409
    assert autosave.json() == {"graded": True, "results_url": results_url}
    assert save.status_code == 302 and save["Location"] == results_url
