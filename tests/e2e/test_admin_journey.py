"""An admin authors and publishes a course in the browser; a learner then takes it."""

from playwright.sync_api import expect

from courses.models import Course, CourseCredit
from tests.e2e.conftest import DESKTOP, SECTION_AUDIO, screenshot
from tests.factories import CreditTypeFactory, StaffFactory, UserFactory, make_publishable
from tests.second_factor import browser_log_in, totp_activate

TITLE = "Boundaries in Rural Practice"


def log_in_with_form(page, user, path, secret=None):
    page.goto(path)
    browser_log_in(page, user, secret=secret)


def test_admin_authors_and_publishes_a_course(page, browser, live_server):
    admin = StaffFactory()
    # The admin's login is the site's, with the staff member's authenticator code.
    log_in_with_form(page, admin, "/admin/", secret=totp_activate(admin))
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    # The course.
    page.goto("/admin/courses/course/add/")
    page.get_by_label("Title:").press_sequentially(TITLE)  # keyup fills in the slug
    expect(page.get_by_label("Slug:")).to_have_value("boundaries-in-rural-practice")
    page.get_by_label("Summary:").fill("Dual relationships and boundaries in small communities.")
    page.get_by_label("Learning objectives:").fill(
        "Describe two boundary risks.\nApply a decision model."
    )
    page.get_by_label("CE hours:").fill("1.5")
    page.get_by_label("Level:").select_option(label="Advanced")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    course = Course.objects.get(slug="boundaries-in-rural-practice")
    assert (course.ce_hours, course.level, course.is_published) == (1.5, "advanced", False)

    # A section with its audio and two references.
    page.goto("/admin/courses/section/add/")
    page.get_by_label("Course:").select_option(label=TITLE)
    # Hidden inline templates share these labels; roles see only what is shown.
    page.get_by_role("spinbutton", name="Number:").fill("1")
    page.get_by_role("textbox", name="Title:").fill("Small towns, many roles")
    page.get_by_label("Body:").fill("In a small town, a **clinician** meets clients everywhere.")
    page.get_by_label("Audio:").set_input_files(SECTION_AUDIO)
    add_reference = page.get_by_role("button", name="Add another Reference")
    add_reference.click()
    add_reference.click()
    first, second = "#references-0", "#references-1"
    page.locator(f"{first} select[name$=kind]").select_option(label="Peer-reviewed journal article")
    page.locator(f"{first} input[name$=authors]").fill("Zur, O., & Lazarus, A. A.")
    page.locator(f"{first} input[name$=-year]").fill("2002")
    page.locator(f"{first} input[name$=-title]").fill("Dual relationships and psychotherapy")
    page.locator(f"{first} input[name$=container_title]").fill("Psychotherapy Bulletin")
    page.locator(f"{second} select[name$=kind]").select_option(label="Book")
    page.locator(f"{second} input[name$=authors]").fill("Pope, K. S., & Vasquez, M. J. T.")
    page.locator(f"{second} input[name$=-year]").fill("2016")
    page.locator(f"{second} input[name$=-title]").fill("Ethics in psychotherapy and counseling")
    page.locator(f"{second} input[name$=publisher]").fill("Wiley")
    screenshot(page, "journey2-01-section-form")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    section = course.sections.get()
    assert section.audio and 25 < section.audio_duration < 35
    assert section.references.count() == 2

    # A question: refused without a correct choice, accepted once one is marked.
    page.get_by_role("link", name="Add a question to this section").click()
    expect(page.get_by_label("Number:")).to_have_value("1")
    page.get_by_label("Stem:").fill("What is the first step when roles overlap?")
    for row, text in enumerate(["Consult and document", "Ignore it", "End therapy at once"]):
        page.locator(f"input[name=choices-{row}-text]").fill(text)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(
        page.get_by_text("A single-answer question needs exactly one correct choice (it has 0).")
    ).to_be_visible()
    screenshot(page, "journey2-02-question-refused")
    assert not section.questions.exists()
    page.locator("input[name=choices-0-is_correct]").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    question = section.questions.get()
    assert [(c.text, c.is_correct) for c in question.choices.all()][0] == (
        "Consult and document",
        True,
    )

    # Publish, once the course has an author, an evaluation, its credit split and an
    # approval (authored in tests/e2e/test_approval_journey.py).
    make_publishable(course)
    CourseCredit.objects.create(
        course=course, credit_type=CreditTypeFactory(), hours=course.ce_hours
    )
    page.goto(f"/admin/courses/course/{course.pk}/change/")
    page.get_by_label("Published").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    course.refresh_from_db()
    assert course.is_published

    # A learner, in a browser of their own, finds it and hears the section.
    learner = UserFactory()
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    try:
        reader = context.new_page()
        log_in_with_form(reader, learner, "/accounts/login/")
        expect(reader.get_by_role("heading", level=1)).to_have_text("Continuing education courses")
        reader.get_by_role("link", name=TITLE).click()
        reader.get_by_role("link", name="Section 1: Small towns, many roles").click()
        expect(reader.get_by_role("heading", level=1)).to_contain_text("Small towns, many roles")
        duration = reader.locator("audio").evaluate(
            """a => new Promise(resolve => a.readyState >= 1 ? resolve(a.duration)
                   : a.addEventListener('loadedmetadata', () => resolve(a.duration)))"""
        )
        assert 25 < duration < 35
        expect(reader.locator(".reference-list li")).to_have_count(2)
        screenshot(reader, "journey2-03-learner-sees-section")
    finally:
        context.close()
    # Under the strict CSP the admin's own scripts (slug, inlines) ran and nothing was refused.
    assert page.console_errors == []
