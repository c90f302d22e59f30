"""Whole journeys in Chromium against the live server: a new clinician earning a
certificate, and a board clerk checking it on a phone."""

import re
from io import BytesIO

from playwright.sync_api import expect
from pypdf import PdfReader

from courses.models import (
    Attempt,
    Certificate,
    Enrollment,
    EvaluationResponse,
    QuestionKind,
    User,
)
from courses.pdf.certificate import certificate_qr_payload
from tests.e2e.conftest import (
    COURSE_TITLE,
    DESKTOP,
    PHONE,
    QUESTIONS,
    correct_choice,
    question_ids,
    screenshot,
    wrong_choice,
)
from tests.factories import (
    CompletedEnrollmentFactory,
    EnrollmentFactory,
    QuestionFactory,
    UserFactory,
)
from tests.mail_servers import wait_until

NAME = "Avery Q. Clinician, PsyD"
LICENSE = "PSY 31415"


def sign_up(page, smtp_server):
    """Sign up, read the confirmation email at the SMTP server, follow its link and
    confirm: logged in."""
    page.goto("/accounts/signup/")
    page.get_by_label("Full name").fill(NAME)
    page.get_by_label("Email").fill("avery@example.org")
    page.get_by_label("License type").select_option(label="Psychologist")
    page.get_by_label("License number").fill(LICENSE)
    page.get_by_label("Licensing state").select_option("CA")
    page.get_by_label("Password*", exact=True).fill("a long and lovely passphrase")
    page.get_by_label("Password (again)").fill("a long and lovely passphrase")
    screenshot(page, "journey1-01-signup")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    screenshot(page, "journey1-01-check-your-email")

    # Through the outbox and its task (run by the live server after commit) to the
    # test SMTP server.
    [message] = smtp_server.deliveries
    assert message.recipients == ("avery@example.org",)
    assert message.subject == "Confirm your email address"
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    screenshot(page, "journey1-01-confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("You have confirmed avery@example.org.")).to_be_visible()


def answer(page, choices: dict[int, str]):
    """Pick the given choice text for each question number in the booklet."""
    for number, text in choices.items():
        page.locator(f"#question-{number}").get_by_label(text, exact=True).check()


def on_a_phone(page, name):
    """Screenshot the page at phone width, check nothing scrolls sideways, and go back."""
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, name)
    page.set_viewport_size(DESKTOP)


def seek_to_middle(page):
    """Play the section audio, seek to its middle and wait for playback to pass it."""
    audio = page.locator("audio")
    duration = audio.evaluate(
        """a => new Promise(resolve => a.readyState >= 1 ? resolve(a.duration)
               : a.addEventListener('loadedmetadata', () => resolve(a.duration)))"""
    )
    assert 25 < duration < 35
    audio.evaluate("a => a.play()")
    target = duration / 2
    audio.evaluate("(a, t) => { a.currentTime = t; }", target)
    page.wait_for_function(
        "t => { const a = document.querySelector('audio'); return a.currentTime > t + 0.5; }",
        arg=target,
    )
    assert audio.evaluate("a => a.error") is None
    audio.evaluate("a => a.pause()")
    return target


def test_new_clinician_earns_a_certificate(page, course, live_server, settings, smtp_mail):
    settings.SITE_URL = live_server.url
    settings.READING_BEAT_SECONDS = 1  # beats a second apart, so reading takes seconds
    media_statuses = []
    page.on(
        "response",
        lambda r: "/media/" in r.url and media_statuses.append((r.status, r.request.headers)),
    )

    sign_up(page, smtp_mail)
    learner = User.objects.get(email="avery@example.org")
    assert (learner.full_name, learner.licenses.get().number) == (NAME, LICENSE)

    # The catalog, the course page, enrol.
    expect(page.get_by_role("heading", level=1)).to_have_text("Continuing education courses")
    screenshot(page, "journey1-02-catalog")
    page.get_by_role("link", name=COURSE_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_text(f"You are enrolled in {COURSE_TITLE}")).to_be_visible()
    screenshot(page, "journey1-03-course-enrolled")

    # Read Section 1 and listen: seeking to the middle needs HTTP Range. The page's
    # beats count the time on it, and the section counts as read after 6 s.
    page.get_by_role("link", name="Start reading").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What the alliance is")
    seek_to_middle(page)
    assert any(status == 206 for status, _ in media_statuses), media_statuses
    expect(page.get_by_text("You have read this section.")).to_be_visible(timeout=20_000)
    screenshot(page, "journey1-04-section")
    on_a_phone(page, "journey1-04-section-phone")
    page.get_by_role("link", name=COURSE_TITLE).first.click()
    expect(page.get_by_text("1 of 2 sections read")).to_be_visible()

    # First attempt: two wrong of four is 50%, one wrong too many for the 75% pass mark.
    page.get_by_role("link", name="Open the answer booklet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer booklet")
    first = {1: correct_choice(1), 2: wrong_choice(2), 3: wrong_choice(3), 4: correct_choice(4)}
    answer(page, first)
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_text("Progress saved: 4 of 4 answered.")).to_be_visible()
    page.reload()
    for number, text in first.items():
        expect(page.locator(f"#question-{number}").get_by_label(text, exact=True)).to_be_checked()
    expect(page.get_by_text("4 of 4 answered")).to_be_visible()
    screenshot(page, "journey1-05-booklet-draft")
    on_a_phone(page, "journey1-05-booklet-draft-phone")

    # Section 2 is not read yet: the booklet says so, and submitting is refused.
    expect(page.locator("#submit-missing")).to_contain_text("Section 2: Repairing ruptures")
    page.get_by_role("button", name="Submit answers for grading").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Not ready to submit yet")
    missing = page.locator("#submit-missing li")
    expect(missing).to_have_count(1)
    expect(missing).to_have_text("Section 2: Repairing ruptures")
    screenshot(page, "journey1-05b-submit-refused")
    assert not Attempt.objects.filter(state="graded").exists()
    missing.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Repairing ruptures")
    expect(page.get_by_text("You have read this section.")).to_be_visible(timeout=20_000)
    # They stay with it for half a minute: time on the page counts after it is read too.
    learner_enrollment = Enrollment.objects.filter(learner=learner)
    wait_until(
        lambda: learner_enrollment.get().tracked_seconds >= 35,
        timeout=60,
        what="35 s of reading tracked",
    )
    page.get_by_role("link", name="Back to the course").click()
    page.get_by_role("link", name="Continue the answer booklet").click()
    for number, text in first.items():  # kept while the submit was refused
        expect(page.locator(f"#question-{number}").get_by_label(text, exact=True)).to_be_checked()
    expect(page.locator("#submit-missing")).to_have_count(0)

    page.get_by_role("button", name="Submit answers for grading").click()
    expect(page.get_by_role("heading", name="Not passed")).to_be_visible()
    expect(page.get_by_text("50%", exact=True)).to_be_visible()
    review = page.locator(".review-list li")
    expect(review).to_have_count(2)
    expect(review.nth(0)).to_contain_text(QUESTIONS[1][0])
    expect(review.nth(1)).to_contain_text(QUESTIONS[2][0])
    screenshot(page, "journey1-06-results-failed")
    # No certificate link anywhere yet, and no certificate exists.
    assert not Certificate.objects.exists()
    expect(
        page.locator("main").get_by_role("link", name=re.compile("certificate", re.I))
    ).to_have_count(0)

    # Reviewing a wrong answer leads to its section and question.
    review.nth(1).get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/sections/2/#question-3$"))
    page.go_back()

    # Retake and pass.
    page.get_by_role("button", name="Start attempt 2").click()
    expect(page.get_by_text("Attempt 2")).to_be_visible()
    expect(page.locator("input[type=radio]:checked")).to_have_count(0)
    answer(page, {number: correct_choice(number) for number in range(1, 5)})
    page.get_by_role("button", name="Submit answers for grading").click()
    expect(page.get_by_role("heading", name="Passed")).to_be_visible()
    screenshot(page, "journey1-07-results-passed")
    on_a_phone(page, "journey1-07-results-passed-phone")

    # Passed, but the certificate waits for the evaluation.
    page.get_by_role("link", name=COURSE_TITLE).first.click()
    expect(page.get_by_text("Passed · evaluation due")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Download your certificate"))).to_have_count(0)
    assert not Certificate.objects.exists()
    page.goto("/my-ce/")
    expect(page.get_by_role("link", name=re.compile(r"Certificate \(PDF\)"))).to_have_count(0)
    page.go_back()

    # The time the beats measured on the two sections reached the server, and the
    # evaluation starts from it: over half a minute is 1 minute.
    enrollment = learner_enrollment.get()
    assert 35 <= enrollment.tracked_seconds < 90, enrollment.tracked_seconds
    page.get_by_role("link", name="Fill in the course evaluation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Course evaluation")
    expect(page.get_by_text("We measured 1 minute on")).to_be_visible()
    minutes = page.get_by_label("Time you actually spent on this course (minutes)")
    expect(minutes).to_have_value("1")
    statements = page.locator(".likert")
    for i in range(statements.count()):
        statements.nth(i).get_by_label("Agree", exact=True).check()
    page.get_by_label("Time you actually spent on this course (minutes)").fill("150")
    page.get_by_label("Comments (optional)").fill("Clear and practical.")
    screenshot(page, "journey1-08-evaluation")
    page.get_by_role("button", name="Submit evaluation").click()
    expect(page.get_by_text("Your certificate is ready.")).to_be_visible()
    evaluation = EvaluationResponse.objects.get(enrollment=enrollment)
    assert (evaluation.tracked_minutes, evaluation.minutes_spent) == (1, 150)

    # Download the certificate and read it.
    certificate = Certificate.objects.get(enrollment__learner=learner)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    text = "".join(
        p.extract_text() for p in PdfReader(BytesIO(download.value.path().read_bytes())).pages
    )
    flat = " ".join(text.split())
    assert NAME in flat
    assert COURSE_TITLE in flat
    assert certificate.code in flat
    assert LICENSE in flat

    # The QR code's payload opens the public verification page.
    payload = certificate_qr_payload(certificate)
    assert payload.startswith(live_server.url)
    page.goto(payload)
    expect(page.locator(".verify-status")).to_contain_text("Valid")
    expect(page.locator(".verify-details")).to_contain_text(NAME)
    screenshot(page, "journey1-09-verified")
    # The one 4xx on purpose: the submit refused while Section 2 was unread.
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 409 (Conflict)"
    ]


def test_board_clerk_verifies_a_code_on_a_phone(phone_page):
    certificate = CompletedEnrollmentFactory(
        learner=UserFactory(full_name="Jordan Verified, LCSW", license__number="LCS 2718"),
        course__title="Ethics for Clinicians",
        course__ce_hours="3.00",
    )
    from courses.services.certificates import certificate_issue

    certificate = certificate_issue(enrollment=certificate)
    page = phone_page
    page.goto("/verify/")
    screenshot(page, "journey3-01-verify-form-phone")
    typed = certificate.code.replace("-", "").lower()
    page.get_by_label("Certificate code").fill(typed)
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(f"/verify/{certificate.code}/$"))
    status = page.locator(".verify-status")
    expect(status).to_contain_text("Valid")
    details = page.locator(".verify-details")
    for term, value in [
        ("Learner", "Jordan Verified, LCSW"),
        ("Course", "Ethics for Clinicians"),
        ("CE hours", "3"),
        ("Date completed", certificate.completed_on.strftime("%B %-d, %Y")),
        ("Provider", certificate.provider_name),
    ]:
        expect(details.locator(f"dt:text-is('{term}') + dd")).to_have_text(value)
    expect(page.locator("main")).not_to_contain_text("LCS 2718")
    # Nothing sticks out sideways on a 390 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "journey3-02-verified-phone")


def test_answers_saved_on_one_device_survive_a_stale_tab_and_can_be_cleared(
    page, browser, course, live_server, log_in
):
    """Autosave on the laptop, then Submit from a phone tab opened before any answer:
    the refused submit keeps the laptop's answers. Un-ticking a select-all-that-apply
    question and letting it autosave clears it."""
    QuestionFactory(
        section=course.sections.last(),
        number=5,
        kind=QuestionKind.MULTIPLE,
        choices=[("Warmth", True), ("Secrecy", False), ("Collaboration", True)],
    )
    learner = UserFactory()
    EnrollmentFactory(learner=learner, course=course)
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE)
    log_in(page.context, learner)
    log_in(phone, learner)
    stale = phone.new_page()
    stale.goto(f"/courses/{course.slug}/booklet/")  # opened first, left blank
    page.goto(f"/courses/{course.slug}/booklet/")

    def autosaved(action):
        with page.expect_response(lambda r: r.request.method == "POST"):
            action()

    autosaved(lambda: answer(page, {1: correct_choice(1)}))
    autosaved(lambda: answer(page, {2: wrong_choice(2)}))
    question_5 = page.locator("#question-5")
    for label in ("Warmth", "Collaboration"):
        autosaved(lambda label=label: question_5.get_by_label(label).check())

    stale.get_by_role("button", name="Submit answers for grading").click()
    expect(stale.get_by_text("2 questions still need an answer")).to_be_visible()
    expect(stale.locator("#unanswered li")).to_have_text(["QUESTION 3", "QUESTION 4"])
    expect(stale.locator("#question-1").get_by_label(correct_choice(1))).to_be_checked()
    expect(stale.locator("#question-5").get_by_label("Warmth")).to_be_checked()
    phone.close()

    for label in ("Warmth", "Collaboration"):
        autosaved(lambda label=label: question_5.get_by_label(label).uncheck())
    page.reload()
    expect(question_5.get_by_role("checkbox", checked=True)).to_have_count(0)
    expect(page.locator("#question-2").get_by_label(wrong_choice(2))).to_be_checked()
    expect(page.get_by_text("2 of 5 answered")).to_be_visible()
    assert Attempt.objects.get(enrollment__learner=learner).draft.keys() == {
        str(pk) for pk in question_ids(course)[:2]
    }
