"""Journey 1's answer booklet and evaluation with the keyboard alone.

No clicks and no fill(): only Tab, Shift+Tab, Space, Enter, arrow keys and typing. After
every Tab the focused element must show a focus indicator (an outline or a box-shadow)
and must not sit under the booklet's sticky Save/Submit bar.
"""

import pytest
from playwright.sync_api import expect

from courses.models import Enrollment
from courses.services.reading import section_mark_read
from tests.e2e.conftest import DESKTOP, correct_choice, question_ids, screenshot
from tests.factories import EnrollmentFactory, UserFactory

FOCUS = """selector => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none";
  const name = (el.labels && el.labels[0] ? el.labels[0].textContent : el.textContent) || "";
  // WCAG 2.2 focus not obscured: no part of it under the booklet's sticky Save/Submit bar.
  const bar = document.querySelector(".booklet-actions");
  let obscured = false;
  if (bar && !bar.contains(el) && getComputedStyle(bar).position === "sticky") {
    const a = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
    obscured = a.bottom > b.top && a.top < b.bottom && a.right > b.left && a.left < b.right;
  }
  return {
    visible: outline || shadow,
    obscured,
    matches: el.matches(selector),
    what: `${el.tagName.toLowerCase()}#${el.id} "${name.trim().slice(0, 50)}"`,
  };
}"""


@pytest.fixture
def keyboard_page(browser, live_server, log_in):
    # Reduced motion turns off Bootstrap's focus transitions, so each style read is final.
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.log_in = lambda user: log_in(context, user)
    yield page
    context.close()


def tab_to(page, selector, limit=80):
    """Press Tab until an element matching `selector` has focus; every stop shows focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS, selector)
        seen.append(focus["what"])
        assert focus["visible"], f"focus is not visible on {focus['what']}"
        assert not focus["obscured"], f"{focus['what']} has focus under the sticky bar"
        if focus["matches"]:
            return
    raise AssertionError(f"Tab never reached {selector}; it went through {seen}")


def choose(page, question_pk, position):
    """Tab into a question's radio group and select the choice at `position` (0 = first)."""
    tab_to(page, f"input[name='question-{question_pk}']")
    page.keyboard.press("Space")
    for _ in range(position):
        page.keyboard.press("ArrowDown")


def test_booklet_and_evaluation_by_keyboard_only(keyboard_page, course):
    page = keyboard_page
    learner = UserFactory(full_name="Kim Keyboard, LPC")
    EnrollmentFactory(learner=learner, course=course)
    # This journey is about the booklet; the course asks for its sections read first.
    for section in course.sections.all():
        section_mark_read(learner=learner, section=section, self_declared=True)
    page.log_in(learner)
    questions = question_ids(course)

    page.goto(f"/courses/{course.slug}/")
    tab_to(page, "a[href$='/booklet/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer booklet")

    # First attempt: questions 2 and 3 wrong (the second choice), saved, then submitted.
    for number, pk in enumerate(questions, start=1):
        choose(page, pk, 1 if number in (2, 3) else 0)
    tab_to(page, "button[value=save]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Progress saved: 4 of 4 answered.")).to_be_visible()
    expect(page.locator("input[type=radio]:checked")).to_have_count(4)
    tab_to(page, "button[value=submit]")
    screenshot(page, "journey4-01-booklet-keyboard-focus")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Not passed")).to_be_visible()

    # Retake and pass.
    tab_to(page, "form[action$='/retake/'] button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Attempt 2")).to_be_visible()
    for pk in questions:
        choose(page, pk, 0)
    for number in range(1, 5):
        expect(page.get_by_label(correct_choice(number), exact=True)).to_be_checked()
    tab_to(page, "button[value=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Passed")).to_be_visible()

    # The evaluation: "Agree" (fourth of five) on every statement, typed minutes, Enter.
    tab_to(page, "a[href$='/evaluation/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Course evaluation")
    statements = page.locator(".likert")
    names = statements.locator("input[type=radio]").evaluate_all(
        "inputs => [...new Set(inputs.map(i => i.name))]"
    )
    assert len(names) == statements.count() > 0
    for name in names:
        tab_to(page, f"input[name='{name}']")
        page.keyboard.press("Space")
        for _ in range(3):
            page.keyboard.press("ArrowRight")
    expect(
        statements.get_by_label("Agree", exact=True).and_(page.locator(":checked"))
    ).to_have_count(len(names))
    tab_to(page, "input[name=minutes_spent]")
    page.keyboard.type("90")
    tab_to(page, "textarea[name=comments]")
    page.keyboard.type("Usable without a mouse.")
    tab_to(page, "input[type=submit], button[type=submit]:not(.nav-link)")
    screenshot(page, "journey4-02-evaluation-keyboard-focus")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your certificate is ready.")).to_be_visible()

    enrollment = Enrollment.objects.get(learner=learner)
    assert enrollment.completed_at is not None
    assert enrollment.evaluation.minutes_spent == 90
    assert set(enrollment.evaluation.ratings.values_list("rating", flat=True)) == {4}
