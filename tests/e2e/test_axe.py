"""axe-core on every learner-facing page and the verification pages: zero WCAG 2.1 A/AA
violations, each page its own test. The data behind each page comes from the services a
learner's clicks would call, so the pages show real states (a failed attempt to review,
a passed one, an issued certificate)."""

import json
import re

import pytest
from playwright.sync_api import expect

from courses.services.certificates import certificate_issue
from courses.services.enrollment import enrollment_create
from courses.services.evaluation import evaluation_items_ensure, evaluation_submit
from courses.services.grading import attempt_save_draft, attempt_start, attempt_submit
from courses.services.reading import section_mark_read
from tests.e2e.conftest import axe_violations, screenshot
from tests.factories import CompletedEnrollmentFactory, UserFactory, booklet_answers


def _graded(learner, course, right):
    enrollment = enrollment_create(learner=learner, course=course)
    for number in (1, 2):  # the course asks for every section read first
        section_mark_read(learner=learner, section=course.sections.get(number=number))
    attempt = attempt_start(enrollment=enrollment)
    return enrollment, attempt_submit(
        attempt=attempt, answers=booklet_answers(course, right)
    ).attempt


def _completed(learner, course):
    enrollment, _ = _graded(learner, course, right=None)
    items = evaluation_items_ensure(course=course)
    evaluation_submit(
        enrollment=enrollment, ratings={item.pk: 4 for item in items}, minutes_spent=120
    )


def catalog(learner, course):
    return "/"


def course_page(learner, course):
    enrollment = enrollment_create(learner=learner, course=course)
    attempt_save_draft(attempt=attempt_start(enrollment=enrollment), answers={})
    return course.get_absolute_url()


def section(learner, course):
    if learner:  # enrolled: the page beats and offers "I have read this section"
        enrollment_create(learner=learner, course=course)
    return course.sections.get(number=1).get_absolute_url()


def booklet(learner, course):
    enrollment = enrollment_create(learner=learner, course=course)
    answers = booklet_answers(course)
    attempt_save_draft(
        attempt=attempt_start(enrollment=enrollment), answers=dict(list(answers.items())[:2])
    )
    return f"/courses/{course.slug}/booklet/"


def booklet_unanswered(learner, course):
    return booklet(learner, course) + "?check=1#unanswered"


def results_failed(learner, course):
    return _graded(learner, course, right=2)[1].get_absolute_url()


def results_passed(learner, course):
    return _graded(learner, course, right=None)[1].get_absolute_url()


def evaluation(learner, course):
    _graded(learner, course, right=None)
    return f"/courses/{course.slug}/evaluation/"


def course_complete(learner, course):
    _completed(learner, course)
    return course.get_absolute_url()


def transcript(learner, course):
    _completed(learner, course)
    return "/my-ce/"


def profile(learner, course):
    return "/accounts/profile/"


def password_change(learner, course):
    return "/accounts/password/change/"


def email_addresses(learner, course):
    return "/accounts/email/"


def second_factor(learner, course):
    return "/accounts/2fa/"


def password_again(learner, course):
    return "/accounts/reauthenticate/"


def reissue_request(learner, course):
    certificate = certificate_issue(enrollment=CompletedEnrollmentFactory(learner=learner))
    return f"/certificates/{certificate.code}/reissue/"


def signup(learner, course):
    return "/accounts/signup/"


def login(learner, course):
    return "/accounts/login/"


def check_your_email(learner, course):
    return "/accounts/confirm-email/"


def password_reset(learner, course):
    return "/accounts/password/reset/"


def confirm_link_expired(learner, course):
    return "/accounts/confirm-email/made-up-key/"


def verify_form(learner, course):
    return "/verify/"


def verify_result(learner, course):
    return certificate_issue(enrollment=CompletedEnrollmentFactory()).get_absolute_url()


def verify_unknown(learner, course):
    return "/verify/ABCD-EFGH-JKMN/"


def accessibility(learner, course):
    return "/accessibility/"


LOGGED_IN = [
    catalog,
    course_page,
    section,
    booklet,
    booklet_unanswered,
    results_failed,
    results_passed,
    evaluation,
    course_complete,
    transcript,
    profile,
    password_change,
    email_addresses,
    second_factor,
    password_again,
    reissue_request,
]
ANONYMOUS = [
    signup,
    login,
    check_your_email,
    password_reset,
    confirm_link_expired,
    verify_form,
    verify_result,
    verify_unknown,
    accessibility,
]


def _check(page, url, name):
    response = page.goto(url)
    assert response.status < 500
    violations = axe_violations(page)
    screenshot(page, f"axe-{name}")
    assert violations == [], f"{url}: {json.dumps(violations, indent=2)}"
    # A script or style the CSP refused, or a failed fetch, shows up here. A page that
    # answers 4xx on purpose (an unknown code) logs just that one status.
    errors = [
        e for e in page.console_errors if f"status of {response.status}" not in e or response.ok
    ]
    assert errors == []


@pytest.mark.parametrize("setup", LOGGED_IN, ids=lambda f: f.__name__)
def test_no_axe_violations_logged_in(page, log_in, course, setup):
    learner = UserFactory()
    log_in(page.context, learner)
    _check(page, setup(learner, course), setup.__name__)


@pytest.mark.parametrize("setup", ANONYMOUS, ids=lambda f: f.__name__)
def test_no_axe_violations_anonymous(page, course, setup):
    _check(page, setup(None, course), setup.__name__)


@pytest.mark.parametrize(
    "setup",
    [catalog, section, booklet, results_failed, evaluation, transcript],
    ids=lambda f: f.__name__,
)
def test_no_axe_violations_on_a_phone(phone_page, log_in, course, setup):
    learner = UserFactory()
    log_in(phone_page.context, learner)
    url = setup(learner, course)
    _check(phone_page, url, f"{setup.__name__}-phone")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize(
    "setup", [signup, login, password_reset, verify_form], ids=lambda f: f.__name__
)
def test_no_axe_violations_on_forms_with_errors(page, course, setup):
    page.goto(setup(None, course))
    page.locator("main").get_by_role("button").last.click()
    invalid = page.locator("[aria-invalid=true]")
    expect(invalid.first).to_be_visible()
    # Each refused field is described by its error, so a screen reader reads it out.
    for field in invalid.all():
        expect(field).to_have_accessible_description(re.compile("required"))
    violations = axe_violations(page)
    screenshot(page, f"axe-{setup.__name__}-errors")
    assert violations == [], json.dumps(violations, indent=2)


def test_audio_player_is_labelled_reachable_by_keyboard_and_transcribed(page, course):
    page.goto(section(None, course))
    audio = page.locator("audio")
    label = audio.evaluate(
        "a => document.getElementById(a.getAttribute('aria-labelledby')).textContent"
    )
    assert " ".join(label.split()) == "Listen to Section 1 (0:30)"
    expect(
        page.get_by_text("The transcript of this recording is the section text below.")
    ).to_be_visible()
    expect(page.locator(".section-body")).to_contain_text("the collaborative bond")

    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.querySelector('audio')"):
            break
    else:
        raise AssertionError("Tab never reached the audio player")
    # Its first control is the play button: Space plays.
    page.keyboard.press("Space")
    page.wait_for_function("() => !document.querySelector('audio').paused")


def test_no_axe_violations_on_the_enrol_refusal(page, log_in, course):
    """A clinician who has not confirmed their address yet is refused enrolment."""
    log_in(page.context, UserFactory(email_verified=False))
    page.goto(course.get_absolute_url())
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address first")
    violations = axe_violations(page)
    screenshot(page, "axe-enrol-refused-unconfirmed")
    assert violations == [], json.dumps(violations, indent=2)
