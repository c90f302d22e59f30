"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Locally, without /usr/bin/chromium, these tests are skipped; in CI (CI=true) a missing
browser is an error, so a broken install never passes as "all green".
"""

import os
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from django.test import Client

from courses.models import Question
from tests.factories import (
    ApprovalFactory,
    AuthorFactory,
    CourseFactory,
    QuestionFactory,
    ReferenceFactory,
    SectionFactory,
)
from tests.second_factor import force_login_with_second_factor

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous, so Django's guard must be relaxed here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
AXE_JS = Path(__file__).resolve().parents[1] / "vendor" / "axe-4.14.1.min.js"
# 30 s of espeak-ng speech, mono 16 kHz 16 kbit/s mp3: long enough to seek into.
SECTION_AUDIO = Path(__file__).resolve().parent / "data" / "section-audio.mp3"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# Package scope: Playwright's sync API allows one instance per thread at a time, so the
# browser closes when these tests end and other packages may start their own.
@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(
                f"CI is set but no Chromium at {CHROMIUM}: install it (apt-get install chromium)"
            )
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, but media goes through the app's own view.

    Django's test server answers /media/ itself with a handler that ignores Range, so
    audio could never seek there; the app's view (courses.views.media) is what is tested.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(request.config.getvalue("liveserver") or "localhost", start=False)
    server.app = _Counting()

    def handler(media):
        # LiveServerThread wraps the app in its media handler and hands that to this hook.
        server.app.app = StaticFilesHandler(media.application)
        return server.app

    server.thread.static_handler = handler
    server.start()
    yield server
    server.stop()


class _Counting:
    """The live server's app, counting the requests it is answering."""

    def __init__(self):
        self.app = None  # set when the server thread starts
        self.busy = 0
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self._lock:
            self.busy += 1
        try:
            return self.app(environ, start_response)
        finally:
            with self._lock:
                self.busy -= 1


@pytest.fixture(autouse=True)
def _server_idle_before_flush(transactional_db, live_server):
    """A page that closes sends its last reading beat (a keepalive fetch), and emptying
    the database after a test fails while the live server answers a request. So after
    each test, once its browser contexts have closed, wait until the server has been
    idle for a moment (set up after the database, this runs before it is emptied)."""
    yield
    deadline, idle_since = time.monotonic() + 5, None
    while time.monotonic() < deadline:
        if live_server.app.busy:
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since > 0.25:
            return
        time.sleep(0.01)


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(15_000)
    _quiet_favicon(context)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    _record_console_errors(page)
    return page


def _record_console_errors(page):
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    _quiet_favicon(context)
    page = context.new_page()
    _record_console_errors(page)
    yield page
    context.close()


def _quiet_favicon(context):
    # The site has no favicon; its 404 would otherwise be the only console error.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))


@pytest.fixture
def log_in(live_server):
    """Put a logged-in session for `user` into a browser context, skipping the form (and
    for staff, the authenticator code)."""

    def log_in(context, user):
        client = Client()
        if user.is_staff:
            force_login_with_second_factor(client, user)
        else:
            client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )

    return log_in


# The course every journey takes: two sections (the first narrated, with two references),
# four single-answer questions, pass mark 75%: three right pass, two right fail.
COURSE_TITLE = "The Therapeutic Alliance in Practice"
QUESTIONS = [
    (
        "Which factor best predicts outcome across therapy models?",
        ["The therapeutic alliance", "The length of each session", "The therapist's age"],
    ),
    (
        "What is a rupture in the alliance?",
        ["A strain in the collaborative bond", "The end of therapy", "A missed payment"],
    ),
    (
        "What should a clinician do first after noticing a rupture?",
        ["Name it openly with the client", "Ignore it", "Refer the client elsewhere"],
    ),
    (
        "Who defines the goals of therapy in a strong alliance?",
        ["Client and clinician together", "The clinician alone", "The insurer"],
    ),
]


@pytest.fixture
def course(db):
    course = CourseFactory(
        title=COURSE_TITLE,
        slug="therapeutic-alliance",
        summary="How the working alliance between client and clinician shapes outcomes.",
        learning_objectives="Define the working alliance.\nRepair a rupture in the alliance.",
        ce_hours="2.50",
        pass_mark=75,
        # Reading is required: 20% of Section 1's 30 s of audio is 6 s on the page.
        require_reading=True,
        reading_share=20,
        authors=[AuthorFactory(name="Robin Example", credentials="PhD")],
    )
    ApprovalFactory(course=course)
    with SECTION_AUDIO.open("rb") as audio:
        first = SectionFactory(
            course=course,
            number=1,
            title="What the alliance is",
            body="The **alliance** is the collaborative bond between client and clinician. "
            "This text is also the transcript of the section's recording.",
            audio=File(audio, name="alliance.mp3"),
        )
    second = SectionFactory(
        course=course, number=2, title="Repairing ruptures", body="Ruptures can be repaired."
    )
    ReferenceFactory(section=first, position=0)
    ReferenceFactory(
        section=first,
        position=1,
        authors="Bordin, E. S.",
        year=1979,
        title="The generalizability of the psychoanalytic concept of the working alliance",
        container_title="Psychotherapy: Theory, Research & Practice",
        volume="16",
        issue="3",
        pages="252–260",
    )
    for number, (stem, choices) in enumerate(QUESTIONS, start=1):
        QuestionFactory(
            section=first if number <= 2 else second,
            number=number,
            stem=stem,
            choices=[(text, i == 0) for i, text in enumerate(choices)],
        )
    return course


def correct_choice(question_number: int) -> str:
    return QUESTIONS[question_number - 1][1][0]


def wrong_choice(question_number: int) -> str:
    return QUESTIONS[question_number - 1][1][1]


def question_ids(course) -> list[int]:
    return list(
        Question.objects.filter(section__course=course)
        .order_by("number")
        .values_list("pk", flat=True)
    )


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_violations(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")):
    """Run axe-core in the page and return its violations at WCAG 2.1 A and AA.

    The script is evaluated through the DevTools protocol, so the site's CSP stays strict.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        list(tags),
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
