"""Hours that were earned: reading measured by the server, what must happen before
submitting, a course's life, retakes from question pools, and what a failed result shows.

Time on a section comes from beats (courses.services.reading.reading_beat). Tests move
the learner's last beat back instead of waiting: a beat credits the time since then.
"""

import re
from datetime import datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from courses.models import Attempt, Enrollment, EvaluationResponse, SectionRead
from courses.services.evaluation import (
    EvaluationNotAllowed,
    evaluation_items_ensure,
    evaluation_submit,
)
from courses.services.grading import AttemptNotAllowed, attempt_start, attempt_submit
from courses.services.reading import reading_beat
from tests.factories import (
    CompletedEnrollmentFactory,
    EnrollmentFactory,
    UserFactory,
    booklet_answers,
    booklet_course,
    make_publishable,
)
from tests.helpers import AUTH, page_data, text_of

pytestmark = pytest.mark.django_db

BEAT_CAP_SECONDS = 20  # a beat every 15 s (settings.READING_BEAT_SECONDS), and 5 s slack

# 400 words at 200 a minute: two minutes of reading, of which the default 50% counts.
BODY_400_WORDS = " ".join(["word"] * 400)


def beat_url(section):
    return reverse("courses:section_beat", args=[section.course.slug, section.number])


def seconds_ago(enrollment, seconds):
    """As if the learner's last beat on the course was `seconds` ago."""
    Enrollment.objects.filter(pk=enrollment.pk).update(
        last_beat_at=timezone.now() - timedelta(seconds=seconds)
    )


def beat(learner, section, *, start=False):
    return reading_beat(
        learner=learner, slug=section.course.slug, number=section.number, start=start
    )


def read_everything(enrollment):
    for section in enrollment.course.sections.all():
        SectionRead.objects.get_or_create(learner=enrollment.learner, section=section)


@pytest.fixture
def reading_course():
    """A course that requires reading: two sections of 400 words, a question each."""
    course = booklet_course(2, require_reading=True)
    for section in course.sections.all():
        section.body = BODY_400_WORDS
        section.save()
    course.refresh_from_db()
    return course


# Reading is measured, not assumed


def test_a_prefetch_get_does_not_mark_a_section_read(learner_client, reading_course):
    enrollment = EnrollmentFactory(learner=learner_client.user, course=reading_course)
    section = reading_course.sections.get(number=1)

    response = learner_client.get(
        section.get_absolute_url(), headers={"Sec-Purpose": "prefetch", "Purpose": "prefetch"}
    )

    assert response.status_code == 200
    assert not SectionRead.objects.exists()
    enrollment.refresh_from_db()
    assert enrollment.tracked_seconds == 0 and enrollment.last_beat_at is None


def test_a_section_counts_as_read_after_its_share_of_the_reading_time(learner, reading_course):
    """400 words at 200 a minute is 120 s; the course's 50% share is 60 s: three full beats."""
    enrollment = EnrollmentFactory(learner=learner, course=reading_course)
    section = reading_course.sections.get(number=1)

    first = beat(learner, section, start=True)
    results = []
    for _ in range(3):
        seconds_ago(enrollment, BEAT_CAP_SECONDS)
        results.append(beat(learner, section))

    assert (first.credited, first.needed_seconds) == (0, 60)
    assert [(r.section_seconds, r.is_read) for r in results] == [
        (20, False),
        (40, False),
        (60, True),
    ]
    read = SectionRead.objects.get(learner=learner, section=section)
    assert read.self_declared is False


def test_beats_are_capped(learner, reading_course):
    enrollment = EnrollmentFactory(learner=learner, course=reading_course)
    section = reading_course.sections.get(number=1)
    seconds_ago(enrollment, 600)  # a page left open ten minutes since the last beat

    result = beat(learner, section)

    enrollment.refresh_from_db()
    assert result.credited == BEAT_CAP_SECONDS
    assert enrollment.tracked_seconds == BEAT_CAP_SECONDS
    assert enrollment.section_seconds == {str(section.pk): BEAT_CAP_SECONDS}


def test_two_tabs_do_not_double_time(learner, reading_course):
    """Tabs on sections 1 and 2 both beat 10 s after the last beat: 10 s is credited once."""
    enrollment = EnrollmentFactory(learner=learner, course=reading_course)
    one, two = reading_course.sections.order_by("number")
    seconds_ago(enrollment, 10)

    first = beat(learner, one)
    second = beat(learner, two)

    enrollment.refresh_from_db()
    assert first.credited == 10
    assert second.credited == 0
    assert enrollment.tracked_seconds == 10


def test_a_page_shown_again_after_the_background_credits_nothing(learner, reading_course):
    """A background tab does not beat; coming back sends a start beat, which counts no gap."""
    enrollment = EnrollmentFactory(learner=learner, course=reading_course)
    section = reading_course.sections.get(number=1)
    seconds_ago(enrollment, 15 * 60)

    result = beat(learner, section, start=True)

    enrollment.refresh_from_db()
    assert result.credited == 0
    assert enrollment.tracked_seconds == 0


def test_beats_are_for_enrolled_learners_only(learner_client, reading_course):
    section = reading_course.sections.get(number=1)

    refused = learner_client.post(beat_url(section))
    anonymous = learner_client.__class__().post(beat_url(section))

    assert refused.status_code == 404
    assert anonymous.status_code == 403
    assert not Enrollment.objects.exists()


def test_beat_queries(learner_client, reading_course, django_assert_num_queries):
    enrollment = EnrollmentFactory(learner=learner_client.user, course=reading_course)
    section = reading_course.sections.get(number=1)
    learner_client.post(beat_url(section), {"start": "1"})
    seconds_ago(enrollment, 10)

    # the section with the learner's enrollment, course settings and read mark; the
    # UPDATE of the enrollment's time (no transaction, no row per beat)
    with django_assert_num_queries(AUTH + 2):
        response = learner_client.post(beat_url(section))
    seconds_ago(enrollment, BEAT_CAP_SECONDS)
    for _ in range(2):
        learner_client.post(beat_url(section))
        seconds_ago(enrollment, BEAT_CAP_SECONDS)
    # as above, plus the read mark when the time is reached: SAVEPOINT, INSERT .. ON
    # CONFLICT DO NOTHING, RELEASE (BEGIN and COMMIT in production), once per section
    with django_assert_num_queries(AUTH + 5):
        reached = learner_client.post(beat_url(section))

    assert response.json() == {
        "credited": 10,
        "seconds": 10,
        "needed": 60,
        "read": False,
        "complete": False,
    }
    assert reached.json()["read"] is True


def test_a_completed_course_tells_the_page_to_stop_beating_in_one_query(
    learner_client, reading_course, django_assert_num_queries
):
    enrollment = CompletedEnrollmentFactory(learner=learner_client.user, course=reading_course)
    section = reading_course.sections.get(number=1)
    seconds_ago(enrollment, 10)

    # the section with the learner's enrollment: no UPDATE, the time is the record now
    with django_assert_num_queries(AUTH + 1):
        response = learner_client.post(beat_url(section))

    assert response.json()["complete"] is True and response.json()["credited"] == 0


def test_without_javascript_a_section_is_declared_read_and_recorded_so(
    learner_client, reading_course
):
    EnrollmentFactory(learner=learner_client.user, course=reading_course)
    section = reading_course.sections.get(number=2)
    page = learner_client.get(section.get_absolute_url()).content.decode()

    response = learner_client.post(
        reverse("courses:section_read", args=[reading_course.slug, section.number])
    )

    assert "<noscript><button" in page and "I have read this section" in page
    assert response.status_code == 302
    assert SectionRead.objects.get(section=section).self_declared is True


# What submitting asks for


def test_submitting_before_reading_is_refused_with_the_unread_sections(
    learner_client, reading_course
):
    enrollment = EnrollmentFactory(learner=learner_client.user, course=reading_course)
    first = reading_course.sections.get(number=1)
    SectionRead.objects.create(learner=learner_client.user, section=first)
    attempt = attempt_start(enrollment=enrollment)
    answers = booklet_answers(reading_course)
    data = {"attempt": attempt.pk, "action": "submit"}
    for key, ids in answers.items():
        data[f"question-{key}"] = ids
    booklet_url = reverse("courses:booklet", args=[reading_course.slug])

    booklet = learner_client.get(booklet_url)
    refused = learner_client.post(booklet_url, data)

    assert "Not read yet" in text_of(booklet) and "Section 2: " in text_of(booklet)
    assert refused.status_code == 409
    page = text_of(refused)
    assert "Section 2: Section title" in page and "Section 1: " not in page
    assert f'href="/courses/{reading_course.slug}/sections/2/"' in refused.content.decode()
    attempt.refresh_from_db()
    assert attempt.state == "in_progress" and attempt.draft == answers  # answers kept
    with pytest.raises(ValidationError, match="Not read yet: Section 2"):
        attempt_submit(attempt=attempt, answers=answers)


def test_the_minimum_time_is_enforced(learner, reading_course):
    reading_course.min_minutes = 30
    reading_course.save()
    enrollment = EnrollmentFactory(learner=learner, course=reading_course, tracked_seconds=29 * 60)
    read_everything(enrollment)
    attempt = attempt_start(enrollment=enrollment)

    with pytest.raises(ValidationError, match="1 more minute to go"):
        attempt_submit(attempt=attempt, answers=booklet_answers(reading_course))
    Enrollment.objects.filter(pk=enrollment.pk).update(tracked_seconds=30 * 60)
    result = attempt_submit(attempt=attempt, answers=booklet_answers(reading_course))

    assert result.passed


def test_the_evaluation_starts_from_the_tracked_minutes_and_keeps_both(learner_client):
    course = booklet_course(2)
    enrollment = EnrollmentFactory(
        learner=learner_client.user, course=course, tracked_seconds=47 * 60 + 10
    )
    attempt_submit(attempt=attempt_start(enrollment=enrollment), answers=booklet_answers(course))
    url = reverse("courses:evaluation", args=[course.slug])

    form = learner_client.get(url).content.decode()
    items = evaluation_items_ensure(course=course)
    learner_client.post(url, {**{f"item-{item.pk}": "4" for item in items}, "minutes_spent": "60"})

    assert re.search(r'name="minutes_spent" value="47"', form)
    response = EvaluationResponse.objects.get(enrollment=enrollment)
    assert (response.tracked_minutes, response.minutes_spent) == (47, 60)


def test_the_evaluation_asks_for_the_time_when_none_was_measured(learner_client):
    # No beats (JavaScript off, sections marked read by hand): the form must not offer a
    # made-up figure for the learner to accept, nor say one was measured.
    course = booklet_course(2)
    enrollment = EnrollmentFactory(learner=learner_client.user, course=course)
    attempt_submit(attempt=attempt_start(enrollment=enrollment), answers=booklet_answers(course))

    response = learner_client.get(reverse("courses:evaluation", args=[course.slug]))

    form = response.content.decode()
    assert re.search(r'<input[^>]*name="minutes_spent"', form)
    assert not re.search(r'name="minutes_spent" value=', form)
    assert "We measured" not in form
    assert "could not measure your time" in text_of(response)


# A course's life


def test_a_retired_course_can_be_finished_until_the_deadline_and_not_after(client):
    course = booklet_course(2, completion_months=12)
    learner, late, newcomer = UserFactory(), UserFactory(), UserFactory()
    enrollment = EnrollmentFactory(learner=learner, course=course)
    late_enrollment = EnrollmentFactory(learner=late, course=course)
    late_attempt = attempt_start(enrollment=late_enrollment)
    Enrollment.objects.filter(pk=late_enrollment.pk).update(
        enrolled_at=timezone.now() - timedelta(days=370)
    )
    course.is_published, course.is_retired = False, True
    course.save()
    section = course.sections.get(number=1)

    client.force_login(learner)
    section_page = client.get(section.get_absolute_url())
    attempt_submit(attempt=attempt_start(enrollment=enrollment), answers=booklet_answers(course))
    items = evaluation_items_ensure(course=course)
    evaluation_submit(enrollment=enrollment, ratings={i.pk: 4 for i in items}, minutes_spent=90)
    client.force_login(newcomer)
    enrol = client.post(reverse("courses:enrol", args=[course.slug]))
    newcomer_page = client.get(section.get_absolute_url())
    client.force_login(late)
    late_page = text_of(client.get(course.get_absolute_url()))

    assert section_page.status_code == 200
    assert "As you enrolled, you can still finish it" in text_of(section_page)
    assert enrollment.certificates.count() == 1
    assert enrol.status_code == 404 and newcomer_page.status_code == 404
    assert not Enrollment.objects.filter(learner=newcomer).exists()
    assert "No certificate can be issued" in late_page
    assert "completion deadline for this course passed on" in late_page
    with pytest.raises(ValidationError, match="completion deadline"):
        attempt_submit(attempt=late_attempt, answers=booklet_answers(course))
    Enrollment.objects.filter(pk=late_enrollment.pk).update(passed_at=timezone.now())
    late_enrollment.refresh_from_db()
    with pytest.raises(EvaluationNotAllowed, match="completion deadline"):
        evaluation_submit(
            enrollment=late_enrollment, ratings={i.pk: 4 for i in items}, minutes_spent=90
        )
    assert not late_enrollment.certificates.exists()


def test_the_completion_deadline_lasts_to_the_end_of_the_day_learners_are_shown(learner_client):
    course = booklet_course(1, completion_months=12)
    enrollment = EnrollmentFactory(learner=learner_client.user, course=course)
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        enrolled_at=midnight - relativedelta(months=12)
    )
    enrollment.refresh_from_db()
    new_york = timezone.get_current_timezone()
    last_day = enrollment.deadline

    page = text_of(learner_client.get(course.get_absolute_url()))

    assert f"Finish by {last_day:%b} {last_day.day}, {last_day.year}" in page
    assert last_day == midnight.date() and "No certificate can be issued" not in page
    assert (
        enrollment.credit_closed_reason(
            now=datetime.combine(last_day, datetime.max.time(), new_york)
        )
        == ""
    )
    assert "passed on" in enrollment.credit_closed_reason(
        now=datetime.combine(last_day + timedelta(days=1), datetime.min.time(), new_york)
    )


def test_no_certificate_after_the_content_review_date(learner):
    course = booklet_course(1, content_review_on=timezone.localdate() - timedelta(days=1))
    enrollment = EnrollmentFactory(learner=learner, course=course)

    with pytest.raises(AttemptNotAllowed, match="due for review on"):
        attempt_start(enrollment=enrollment)


def test_opening_the_booklet_after_the_deadline_says_why_instead_of_failing(learner_client):
    course = booklet_course(1, completion_months=1)
    enrollment = EnrollmentFactory(learner=learner_client.user, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        enrolled_at=timezone.now() - timedelta(days=40)
    )

    response = learner_client.get(reverse("courses:booklet", args=[course.slug]), follow=True)

    assert response.redirect_chain[-1][0] == course.get_absolute_url()
    assert "completion deadline for this course passed on" in text_of(response)
    assert not Attempt.objects.exists()


def test_a_course_shows_its_release_and_content_review_dates(client):
    course = booklet_course(1, released_on="2026-01-15", content_review_on="2029-01-15")

    page = text_of(client.get(course.get_absolute_url()))

    assert "Released Jan 15, 2026" in page
    assert "Content review due Jan 15, 2029" in page


def test_a_retired_course_cannot_be_published():
    course = booklet_course(1)
    course.is_retired = True

    assert "The course is retired." in course.publish_problems()
    with pytest.raises(ValidationError, match="retired course cannot be published"):
        course.full_clean()


# Retakes from question pools


def test_a_pooled_retake_draws_other_questions_and_is_graded_on_them(learner):
    """Section 1 holds questions 1-4 and draws 2 an attempt; section 2 (5-8) asks all 4."""
    course = booklet_course(8, sections=2, max_attempts=3)
    course.sections.filter(number=1).update(questions_per_attempt=2)
    enrollment = EnrollmentFactory(learner=learner, course=course)
    pool = set(course.sections.get(number=1).questions.values_list("pk", flat=True))

    first = attempt_start(enrollment=enrollment)
    all_answers = booklet_answers(course, right=0)  # every answer wrong
    first_answers = {k: v for k, v in all_answers.items() if int(k) in first.question_ids}
    attempt_submit(attempt=first, answers=first_answers)
    second = attempt_start(enrollment=enrollment)
    right = booklet_answers(course)
    second_answers = {k: v for k, v in right.items() if int(k) in second.question_ids}
    result = attempt_submit(attempt=second, answers=second_answers)

    drawn_first = set(first.question_ids) & pool
    drawn_second = set(second.question_ids) & pool
    assert len(drawn_first) == len(drawn_second) == 2
    assert drawn_first.isdisjoint(drawn_second)
    assert len(second.question_ids) == 6  # 2 drawn + the 4 of section 2
    second.refresh_from_db()
    assert [entry["question_id"] for entry in second.booklet_record] == second.question_ids
    assert (second.question_count, second.correct_count, result.passed) == (6, 6, True)
    assert set(second.answers.values_list("question_id", flat=True)) == set(second.question_ids)
    with pytest.raises(ValidationError, match="not in this answer booklet"):
        attempt_submit(
            attempt=attempt_start(enrollment=EnrollmentFactory(course=course)), answers=right
        )


def test_a_pooled_attempt_shows_only_its_drawn_questions(learner_client):
    course = booklet_course(4, sections=1)
    course.sections.update(questions_per_attempt=2)
    EnrollmentFactory(learner=learner_client.user, course=course)

    page = learner_client.get(reverse("courses:booklet", args=[course.slug])).content.decode()

    attempt = Attempt.objects.get()
    assert page.count("data-question") == 2
    for pk in attempt.question_ids:
        assert f'name="question-{pk}"' in page


# What a failed result shows


@pytest.mark.parametrize(
    ("reveals", "shows_item", "shows_section"),
    [("items", True, True), ("sections", False, True), ("score", False, False)],
)
def test_each_reveal_setting_shows_only_what_it_allows(
    learner_client, reveals, shows_item, shows_section
):
    course = booklet_course(4, sections=2, failed_result_reveals=reveals)
    enrollment = EnrollmentFactory(learner=learner_client.user, course=course)
    attempt = attempt_start(enrollment=enrollment)
    attempt_submit(attempt=attempt, answers=booklet_answers(course, right=1))  # 1 of 4

    page = text_of(learner_client.get(reverse("courses:results", args=[attempt.pk])))

    assert "25%" in page and "Not passed" in page
    assert ("QUESTION 2" in page) is shows_item
    assert ("Question stem 2?" in page) is shows_item
    assert ("Review Section 2" in page or "Section 2: Section title" in page) is shows_section
    assert "Correct answer" not in page


def test_staff_retire_a_course_in_the_admin_and_it_cannot_be_published_again(admin_client):
    course = make_publishable(booklet_course(1))  # retirement is all that stops publishing
    changelist = reverse("admin:courses_course_changelist")

    retired = admin_client.post(
        changelist, {"action": "retire", "_selected_action": [course.pk]}, follow=True
    )
    republished = admin_client.post(
        changelist, {"action": "publish", "_selected_action": [course.pk]}, follow=True
    )

    course.refresh_from_db()
    assert "Retired 1 course(s)." in retired.content.decode()
    assert "was not published: The course is retired." in republished.content.decode()
    assert (course.is_retired, course.is_published) == (True, False)
    assert course.history.first().is_retired is True  # the change is in the audit trail


def test_unticking_retired_in_the_admin_is_refused_and_the_course_stays_retired(admin_client):
    course = make_publishable(booklet_course(1, is_published=False, is_retired=True))
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = page_data(admin_client.get(url))
    del data["is_retired"]  # the box unticked

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "A retired course stays retired: it is never published again." in text_of(response)
    course.refresh_from_db()
    assert (course.is_retired, course.is_published) == (True, False)


def test_item_analysis_counts_each_pooled_question_where_it_was_asked():
    """Six learners each get 2 of section 1's 4 questions: 12 answers spread over the pool,
    each question counted exactly as often as attempts asked it."""
    from courses.selectors.reports import item_analysis

    course = booklet_course(4, sections=1)
    course.sections.update(questions_per_attempt=2)
    asked = []
    for _ in range(6):
        attempt = attempt_start(enrollment=EnrollmentFactory(course=course))
        answers = booklet_answers(course)
        attempt_submit(
            attempt=attempt,
            answers={k: v for k, v in answers.items() if int(k) in attempt.question_ids},
        )
        asked += attempt.question_ids

    items = item_analysis(course=course, learners=6)

    by_number = {item.number: item for item in items}
    numbers = dict(course.sections.get().questions.values_list("pk", "number"))
    assert sum(item.answered for item in items) == 12
    for pk, number in numbers.items():
        answered = by_number[number].answered if number in by_number else 0
        assert answered == asked.count(pk)
    assert all(item.difficulty == 100.0 for item in items)
