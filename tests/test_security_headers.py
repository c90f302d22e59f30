"""Content Security Policy and the other security headers, on every kind of page.

Every main page (learner, public verification, staff reports and the admin's list,
change, history and action pages) is rendered and parsed: none may carry an inline
script, an inline event handler, a style attribute or a <style> block, because the
policy refuses them all. A browser test then checks that the admin's and the booklet's
JavaScript still works under the policy, with no violation reported.
"""

import os
import runpy
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.urls import reverse

from courses.models import ReissueRequest
from courses.services.certificates import certificate_revoke
from tests.factories import ReferenceFactory, StaffFactory
from tests.second_factor import browser_log_in, force_login_with_second_factor, totp_activate
from tests.security_data import learner_with_records, registrar

SETTINGS = Path(__file__).resolve().parent.parent / "ceapp" / "settings.py"
POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "media-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def policy(header: str) -> dict[str, set[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


class InlineCode(HTMLParser):
    """Collects everything in a page that a strict CSP would refuse to run or apply."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name in {"href", "src", "action", "formaction"} and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_checker_finds_what_the_policy_refuses():
    page = (
        '<p style="color:red" onclick="x()">a</p><script>alert(1)</script>'
        '<style>p{}</style><a href="javascript:void(0)">b</a>'
        '<script src="/static/x.js" defer></script><script type="application/json">{}</script>'
    )
    assert inline_code(page) == [
        '<p style="color:red">',
        "<p onclick=...>",
        "inline <script>",
        "<style> block",
        "<a href=javascript:void(0)>",
    ]


@pytest.fixture
def records(db):
    records = learner_with_records()
    section = records.reading.sections.get()
    ReferenceFactory(section=section)
    section.audio.save(
        "talk.mp3", ContentFile((Path(__file__).parent / "data" / "voice.mp3").read_bytes())
    )
    ReissueRequest.objects.create(
        certificate=records.certificate, requested_by=records.learner, reason="Name change"
    )
    return records


def learner_pages(r):
    slug = r.reading.slug
    return [
        reverse("courses:catalog"),
        reverse("courses:course", kwargs={"slug": slug}),
        reverse("courses:section", kwargs={"slug": slug, "number": 1}),
        reverse("courses:booklet", kwargs={"slug": slug}),
        reverse("courses:results", kwargs={"attempt_id": r.failed_attempt.pk}),
        reverse("courses:results", kwargs={"attempt_id": r.passed_attempt.pk}),
        reverse("courses:evaluation", kwargs={"slug": r.passed.slug}),
        reverse("courses:course", kwargs={"slug": r.completed.slug}),
        reverse("courses:reissue_request", kwargs={"code": r.certificate.code}),
        reverse("courses:transcript"),
        reverse("profile"),
        reverse("account_change_password"),
        reverse("account_email"),
        reverse("mfa_index"),
        reverse("account_reauthenticate"),
        reverse("verify"),
        reverse("verify_code", kwargs={"code": r.certificate.code}),
        reverse("accessibility"),
    ]


def public_pages(r):
    return [
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_email_verification_sent"),
        reverse("account_reset_password"),
        reverse("account_reset_password_done"),
        reverse("verify") + "?code=not-a-code",  # the form with an error (400)
        reverse("verify_code", kwargs={"code": "2345-6789-ABCD"}),  # unknown (404)
        "/no-such-page/",
    ]


def staff_pages(r):
    course, certificate = r.completed, r.certificate
    return [
        reverse("courses:report_index"),
        reverse("courses:completions"),
        reverse("courses:course_report", kwargs={"slug": course.slug}),
        reverse("admin:index"),
        reverse("admin:courses_course_changelist"),
        reverse("admin:courses_course_add"),
        reverse("admin:courses_course_change", args=[course.pk]),
        reverse("admin:courses_course_history", args=[course.pk]),
        reverse("admin:courses_section_change", args=[r.reading.sections.get().pk]),
        reverse("admin:courses_question_add"),
        reverse(
            "admin:courses_question_change", args=[r.reading.sections.get().questions.get().pk]
        ),
        reverse("admin:courses_attempt_change", args=[r.passed_attempt.pk]),
        reverse("admin:courses_enrollment_changelist"),
        reverse("admin:courses_evaluationresponse_changelist"),
        reverse("admin:courses_certificate_changelist"),
        reverse("admin:courses_certificate_change", args=[certificate.pk]),
        reverse("admin:courses_reissuerequest_changelist"),
        reverse("admin:courses_providersettings_change", args=[1]),
        reverse("admin:courses_user_changelist"),
        reverse("admin:courses_user_change", args=[r.learner.pk]),
        reverse("admin:courses_user_add"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:account_emailaddress_changelist"),
        reverse("admin:mfa_authenticator_changelist"),
        reverse("admin:password_change"),
    ]


def check_page(response, url):
    assert response.status_code in (200, 400, 404), (url, response.status_code)
    assert "text/html" in response["Content-Type"], url
    assert policy(response["Content-Security-Policy"]) == POLICY, url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    html = response.content.decode()
    assert not inline_code(html), (url, inline_code(html))


def test_learner_and_public_pages(client, records):
    for url in public_pages(records):
        check_page(client.get(url), url)
    client.force_login(records.learner)
    for url in learner_pages(records):
        check_page(client.get(url), url)


def test_staff_report_and_admin_pages(client, records):
    force_login_with_second_factor(client, StaffFactory())
    ProviderSettingsPage = reverse("admin:courses_providersettings_change", args=[1])
    client.get(reverse("admin:courses_providersettings_changelist"))  # creates the one row
    for url in staff_pages(records):
        check_page(client.get(url), url)
    assert ProviderSettingsPage in staff_pages(records)


def test_admin_action_and_delete_pages(client, records):
    force_login_with_second_factor(client, StaffFactory())
    changelist = reverse("admin:courses_certificate_changelist")
    revoke = client.post(
        changelist, {"action": "revoke_selected", "_selected_action": [records.certificate.pk]}
    )
    check_page(revoke, "revoke: ask for a reason")
    assert "Revoke certificates" in revoke.content.decode()
    delete = reverse("admin:courses_section_delete", args=[records.reading.sections.get().pk])
    check_page(client.get(delete), delete)


def test_registrar_sees_the_same_policy(client, records):
    force_login_with_second_factor(client, registrar())
    for url in (
        reverse("courses:report_index"),
        reverse("admin:courses_course_change", args=[records.completed.pk]),
    ):
        check_page(client.get(url), url)


def test_every_response_type_carries_the_policy(client, records):
    client.force_login(records.learner)
    responses = {
        "certificate PDF": client.get(
            reverse("courses:certificate_pdf", kwargs={"code": records.certificate.code})
        ),
        "transcript PDF": client.get(reverse("courses:transcript_pdf")),
        "transcript CSV": client.get(reverse("courses:transcript_csv")),
        "autosave JSON": client.post(
            reverse("courses:booklet", kwargs={"slug": records.reading.slug}),
            {"attempt": records.in_progress.pk, "action": "save"},
            HTTP_ACCEPT="application/json",
        ),
        "health JSON": client.get(reverse("healthz")),
        "redirect": client.get(reverse("courses:booklet", kwargs={"slug": records.passed.slug})),
        "403": client.get(reverse("courses:report_index")),
        "405": client.get(reverse("courses:enrol", kwargs={"slug": records.reading.slug})),
    }
    certificate_revoke(certificate=records.certificate, actor=None, reason="Audit")
    responses["410"] = client.get(
        reverse("courses:certificate_pdf", kwargs={"code": records.certificate.code})
    )
    for kind, response in responses.items():
        assert response.status_code < 500, kind
        assert policy(response["Content-Security-Policy"]) == POLICY, kind
        assert response["X-Frame-Options"] == "DENY", kind


def test_media_is_sandboxed_and_never_a_page(client, db):
    for name, content in [
        ("uploads/page.html", b"<script>alert(document.cookie)</script>"),
        ("uploads/drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("uploads/code.js", b"alert(1)"),
        ("uploads/page.htm", b"<h1>hi</h1>"),
        ("uploads/noextension", b"<html><script>alert(1)</script></html>"),
    ]:
        default_storage.save(name, ContentFile(content))
        response = client.get(f"/media/{name}")

        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/octet-stream", name
        assert response["Content-Disposition"].startswith("attachment;"), name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox", name


def test_media_audio_plays_inline_but_sandboxed(client, db):
    default_storage.save("audio/talk.mp3", ContentFile(b"ID3..."))

    response = client.get("/media/audio/talk.mp3")

    assert response["Content-Type"] == "audio/mpeg"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


# --- Production headers ------------------------------------------------------------

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "prod-" + "Zq8vX2mN4bR7tY1wK6pL3sD9fG5hJ0cV" * 2,
    "ALLOWED_HOSTS": "ce.example.org",
    "DATABASE_URL": "postgres://ce:pw@db.internal:5432/ce",
    "SITE_URL": "https://ce.example.org",
}


def load(**env):
    with mock.patch.dict(os.environ, env, clear=True):
        return runpy.run_path(str(SETTINGS))


def test_production_turns_on_hsts_secure_cookies_and_https():
    s = load(**PRODUCTION)

    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and s["SECURE_HSTS_PRELOAD"]
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"]
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert policy_from_settings(s) == POLICY


def policy_from_settings(s):
    return {
        name: set(values) for name, values in s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"].items()
    }


def test_production_responses_carry_hsts_and_secure_cookies(client, settings, db):
    s = load(**PRODUCTION)
    for name in (
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    ):
        setattr(settings, name, s[name])

    plain = client.get(reverse("account_login"))
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver" + reverse("account_login")
    assert client.get(reverse("healthz")).status_code == 200  # load balancer probes stay on HTTP

    page = client.get(reverse("account_login"), secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page.cookies["csrftoken"]["secure"]
    user = StaffFactory()
    client.post(
        reverse("account_login"),
        {"login": user.email, "password": "correct-horse-battery"},
        secure=True,
    )
    session = client.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


def test_s3_media_origin_is_allowed_for_images_and_audio_only():
    s3 = {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "ce-media",
        "AWS_S3_REGION_NAME": "us-east-2",
    }
    endpoint = policy_from_settings(
        load(**PRODUCTION, **s3, AWS_S3_ENDPOINT_URL="https://objects.example.test/")
    )
    aws = policy_from_settings(load(**PRODUCTION, **s3))

    assert endpoint["img-src"] == {"'self'", "data:", "https://objects.example.test"}
    assert endpoint["media-src"] == {"'self'", "https://objects.example.test"}
    assert aws["media-src"] == {
        "'self'",
        "https://ce-media.s3.amazonaws.com",
        "https://ce-media.s3.us-east-2.amazonaws.com",
    }
    for directives in (endpoint, aws):
        assert directives["script-src"] == directives["style-src"] == {"'self'"}


# --- In a real browser ---------------------------------------------------------------

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(
  `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture
def browser_page(live_server):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.errors = []
        # Refused scripts and styles show as violations; failed loads as responses.
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and not m.text.startswith("Failed to load")
                and page.errors.append(m.text)
            ),
        )
        page.on(
            "response",
            lambda r: (
                r.status >= 400
                and not r.url.endswith("/favicon.ico")
                and page.errors.append(f"{r.status} {r.url}")
            ),
        )
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        yield page
        browser.close()
        # While Playwright's loop runs, Django keeps this thread's connections per context,
        # apart from the ones pytest-django closes: close them here, or the test database
        # cannot be dropped at the end ("being accessed by other users").
        connections.close_all()


def browser_login(page, user):
    # Staff type their authenticator code too.
    secret = totp_activate(user) if user.is_staff else None
    page.goto(reverse("account_login"))
    browser_log_in(page, user, secret=secret)
    page.wait_for_url("**/")


def assert_no_violations(page):
    assert page.evaluate("window.cspViolations") == [], page.url
    assert page.errors == [], page.url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_javascript_works_under_the_policy(browser_page):
    page = browser_page
    browser_login(page, StaffFactory())

    page.goto(reverse("admin:courses_course_add"))
    page.get_by_label("Title:").fill("Ethics in Supervision")
    page.get_by_label("Summary:").click()
    assert page.get_by_label("Slug:").input_value() == "ethics-in-supervision"  # prepopulate.js
    assert page.locator(".selector-available").count() == 1  # SelectFilter2.js built the widget
    rows = page.locator("#credits-group tr.form-row:not(.empty-form)")
    before = rows.count()
    page.locator("#credits-group .add-row a").click()  # inlines.js
    assert rows.count() == before + 1
    with page.expect_popup() as popup:  # RelatedObjectLookups.js: a window, never a frame
        page.locator("#add_id_authors").click()
    author = popup.value
    author.get_by_label("Name:").fill("Dr. Popup")
    author.get_by_role("button", name="Save", exact=True).click()
    page.locator("#id_authors_to option", has_text="Dr. Popup").wait_for()
    assert_no_violations(page)

    page.goto(reverse("admin:courses_course_changelist"))
    page.locator("button.theme-toggle").first.click()  # theme.js
    assert page.evaluate("document.documentElement.dataset.theme") in {"dark", "light"}
    assert_no_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_learner_javascript_works_under_the_policy(browser_page):
    records = learner_with_records()
    page = browser_page
    browser_login(page, records.learner)

    page.goto(reverse("courses:booklet", kwargs={"slug": records.reading.slug}))
    page.locator("input[type=radio]").last.check()  # booklet.js saves as you answer
    # The page's word, not the response's body: Chromium keeps no body of a no-store reply.
    page.get_by_text("Saved at").wait_for()
    assert_no_violations(page)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("courses:catalog"))
    page.get_by_role("button", name="Toggle navigation").click()  # Bootstrap's collapse
    page.get_by_role("link", name="My CE").wait_for(state="visible")
    assert_no_violations(page)
