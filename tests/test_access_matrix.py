"""Who may open what: every URL in the URL conf against five kinds of visitor.

The table below has a rule for every named URL. The URL conf is walked on each run, so a
new URL without a rule (or a URL without a name) fails test_every_url_has_a_rule. Each
learner-owned or staff URL is requested as the owner of the records, another learner,
an anonymous visitor, an author (staff) and a registrar (staff); public URLs are
requested anonymously. The admin is one group here; test_security_admin.py covers it
page by page for authors and registrars.
"""

from dataclasses import dataclass, field
from io import BytesIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import URLResolver, get_resolver, reverse
from django.utils.http import int_to_base36
from pypdf import PdfReader

from courses.models import Answer, Attempt, Certificate, Enrollment
from tests.factories import UserFactory
from tests.second_factor import force_login_with_second_factor
from tests.security_data import author, learner_with_records, registrar

OWNER, OTHER, ANONYMOUS, AUTHOR, REGISTRAR = ROLES = (
    "owner",
    "another learner",
    "anonymous",
    "author",
    "registrar",
)

# Expected outcomes. OK: 200, and a learner's private details appear only to the owner
# (and to registrars where the rule says so). OWN: 200 showing the visitor's own
# (empty) records, never the owner's. LOGIN: a redirect to the login page.
OK, OWN, LOGIN, NOT_FOUND, FORBIDDEN = "200", "200 own only", "login", "404", "403"
REDIRECT = "302"  # elsewhere in the visitor's own account pages
TO_COURSE = "redirect to the course page"  # "enrol first", or "not possible now"
TO_BOOKLET = "redirect to the answer booklet"
TO_TRANSCRIPT = "redirect to My CE"


@dataclass
class Rule:
    expect: dict  # role -> outcome
    kwargs: object = None  # records -> URL kwargs
    method: str = "get"
    data: dict = field(default_factory=dict)


def learner_rule(owner, other, author=None, registrar=None, **rest):
    """A learner's URL: staff are learners here too, unless they are given their own."""
    return Rule(
        {
            OWNER: owner,
            OTHER: other,
            ANONYMOUS: LOGIN,
            AUTHOR: author or other,
            REGISTRAR: registrar or other,
        },
        **rest,
    )


def records_rule(**rest):
    """A staff report: registrars only (courses.view_certificate)."""
    return Rule(
        {OWNER: FORBIDDEN, OTHER: FORBIDDEN, ANONYMOUS: LOGIN, AUTHOR: FORBIDDEN, REGISTRAR: OK},
        **rest,
    )


def public(status=200, kwargs=None, method="get"):
    return Rule({ANONYMOUS: str(status)}, kwargs=kwargs, method=method)


def slug(name):
    return lambda records: {"slug": getattr(records, name).slug}


def code(records):
    return {"code": records.certificate.code}


RULES = {
    # --- Public ----------------------------------------------------------------------
    "courses:catalog": public(),
    "courses:course": public(kwargs=slug("reading")),
    "courses:section": public(kwargs=lambda r: {"slug": r.reading.slug, "number": 1}),
    "verify": public(),
    "verify_code": public(kwargs=code),
    "accessibility": public(),
    "healthz": public(),
    "readyz": public(),
    "media": public(kwargs=lambda r: {"path": "audio/public.mp3"}),
    # Accounts (django-allauth). A made-up key gets the "invalid or expired" page.
    "account_login": public(),
    "account_logout": public(status=302),  # nobody to log out: back to the catalog
    "account_inactive": public(),
    "account_signup": public(),
    "account_email_verification_sent": public(),
    "account_confirm_email": public(kwargs=lambda r: {"key": "made-up"}),
    "account_reset_password": public(),
    "account_reset_password_done": public(),
    "account_reset_password_from_key": public(kwargs=lambda r: {"uidb36": "1", "key": "made-up"}),
    "account_reset_password_from_key_done": public(),
    "account_confirm_login_code": public(status=302),  # no login in progress: to the login
    "mfa_authenticate": public(status=302),  # no login in progress: to the login
    "admin_login_redirect": public(status=302),  # the admin logs in through the site login
    # --- The learner's own ----------------------------------------------------------------
    # Enrolling is per visitor: it makes the visitor's own enrollment, nobody else's.
    "courses:enrol": learner_rule(TO_COURSE, TO_COURSE, kwargs=slug("reading"), method="post"),
    "courses:booklet": learner_rule(OK, TO_COURSE, kwargs=slug("reading")),
    "courses:retake": learner_rule(TO_BOOKLET, TO_COURSE, kwargs=slug("failed"), method="post"),
    "courses:results": learner_rule(
        OK, NOT_FOUND, kwargs=lambda r: {"attempt_id": r.passed_attempt.pk}
    ),
    "courses:evaluation": learner_rule(OK, TO_COURSE, kwargs=slug("passed")),
    "courses:certificate_pdf": learner_rule(OK, NOT_FOUND, kwargs=code),
    "courses:reissue_request": learner_rule(OK, NOT_FOUND, kwargs=code),
    "courses:transcript": learner_rule(OK, OWN),
    "courses:transcript_pdf": learner_rule(OK, OWN),
    "courses:transcript_csv": learner_rule(OK, OWN),
    # Time on a section counts for enrolled learners only; a beat answers in JSON.
    "courses:section_beat": Rule(
        {
            OWNER: OK,
            OTHER: NOT_FOUND,
            ANONYMOUS: FORBIDDEN,
            AUTHOR: NOT_FOUND,
            REGISTRAR: NOT_FOUND,
        },
        kwargs=lambda r: {"slug": r.reading.slug, "number": 1},
        method="post",
    ),
    "courses:section_read": learner_rule(
        "302",  # marked read, back to the course page
        NOT_FOUND,
        kwargs=lambda r: {"slug": r.reading.slug, "number": 1},
        method="post",
    ),
    "profile": learner_rule(OK, OWN),
    "license_add": learner_rule(OK, OWN),
    "courses:self_reported_add": learner_rule(OK, OWN),
    "courses:self_reported_certificate": learner_rule(
        OK, NOT_FOUND, kwargs=lambda r: {"pk": r.self_reported.pk}
    ),
    "courses:self_reported_remove": learner_rule(
        TO_TRANSCRIPT, NOT_FOUND, kwargs=lambda r: {"pk": r.self_reported.pk}, method="post"
    ),
    "license_edit": learner_rule(
        OK, NOT_FOUND, kwargs=lambda r: {"pk": r.learner.licenses.get().pk}
    ),
    "license_remove": learner_rule(
        OK, NOT_FOUND, kwargs=lambda r: {"pk": r.learner.licenses.get().pk}
    ),
    # Each visitor's own account settings; changing a factor first asks for the password.
    "account_email": learner_rule(OK, OWN),
    "account_change_password": learner_rule(OK, OWN),
    "account_set_password": learner_rule(REDIRECT, REDIRECT),  # has one: change it
    "account_reauthenticate": learner_rule(OK, OWN),
    "account_request_reauthentication_code": learner_rule(OK, OWN),
    "account_confirm_reauthentication_code": learner_rule(REDIRECT, REDIRECT),
    "mfa_index": learner_rule(OK, OWN),
    # Staff here have an authenticator app; the learners none.
    "mfa_reauthenticate": learner_rule(REDIRECT, REDIRECT, author=OK, registrar=OK),
    "mfa_activate_totp": learner_rule(REDIRECT, REDIRECT),
    "mfa_deactivate_totp": learner_rule(NOT_FOUND, NOT_FOUND, author=REDIRECT, registrar=REDIRECT),
    "mfa_view_recovery_codes": learner_rule(NOT_FOUND, NOT_FOUND),
    "mfa_generate_recovery_codes": learner_rule(REDIRECT, REDIRECT),
    "mfa_download_recovery_codes": learner_rule(NOT_FOUND, NOT_FOUND),
    # --- Staff -------------------------------------------------------------------------
    "courses:report_index": records_rule(),
    "courses:completions": records_rule(),
    "courses:completions_csv": records_rule(),
    "courses:course_report": records_rule(kwargs=slug("completed")),
    # Approvals lapsing: every staff member who may see approvals (authors and registrars).
    "courses:approvals_lapsing": Rule(
        {OWNER: FORBIDDEN, OTHER: FORBIDDEN, ANONYMOUS: LOGIN, AUTHOR: OK, REGISTRAR: OK}
    ),
    "courses:hours": records_rule(kwargs=slug("completed")),
    "courses:hours_pdf": records_rule(kwargs=slug("completed")),
    "courses:hours_csv": records_rule(kwargs=slug("completed")),
    "courses:evidence": records_rule(kwargs=code),
    "courses:evidence_pdf": records_rule(kwargs=code),
    # Registrars keep the certificate records, so they may download any certificate.
    "courses:staff_certificate_pdf": records_rule(kwargs=code),
    # The admin checks its own permissions: see test_admin_group_is_staff_only below
    # and tests/test_security_admin.py.
    "admin:*": None,
}


def route_names(patterns=None, namespace=""):
    """Every named route in the URL conf, 'namespace:name'; the admin as 'admin:*'."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:*"
                continue
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from route_names(pattern.url_patterns, prefix)
        else:
            yield f"{namespace}{pattern.name}" if pattern.name else f"(unnamed) {pattern.pattern}"


def test_every_url_has_a_rule():
    routes = set(route_names())

    assert not routes - set(RULES), f"URLs without an access rule: {sorted(routes - set(RULES))}"
    assert not set(RULES) - routes, f"Rules for URLs that are gone: {sorted(set(RULES) - routes)}"


MATRIX = [
    (name, role)
    for name, rule in RULES.items()
    if rule is not None
    for role in ROLES
    if role in rule.expect
]


def test_the_matrix_is_complete():
    protected = [name for name, rule in RULES.items() if rule and OWNER in rule.expect]
    assert len(protected) == 43
    assert all(set(RULES[name].expect) == set(ROLES) for name in protected)
    assert len(MATRIX) == 43 * 5 + 22


@pytest.fixture
def records(db):
    records = learner_with_records()
    default_storage.save("audio/public.mp3", ContentFile(b"ID3 not really audio"))
    return records


def visitor(role, records):
    return {
        OWNER: lambda: records.learner,
        OTHER: lambda: UserFactory(full_name="Olive Other"),
        ANONYMOUS: lambda: None,
        AUTHOR: author,
        REGISTRAR: registrar,
    }[role]()


def snapshot(learner):
    """The owner's records, to prove no visit by someone else changed them."""
    return (
        list(Enrollment.objects.filter(learner=learner).order_by("pk").values()),
        list(Attempt.objects.filter(enrollment__learner=learner).order_by("pk").values()),
        list(Answer.objects.filter(attempt__enrollment__learner=learner).order_by("pk").values()),
        list(Certificate.objects.filter(enrollment__learner=learner).order_by("pk").values()),
        list(get_user_model().objects.filter(pk=learner.pk).values()),
    )


def text(response) -> str:
    """What a visitor can read in the response: the page, the CSV or the PDF's text."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type") == "application/pdf":
        return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return data.decode("utf-8", "replace")


@pytest.mark.parametrize(("name", "role"), MATRIX, ids=[f"{n} as {r}" for n, r in MATRIX])
def test_access(client, records, name, role):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(records) if rule.kwargs else None)
    user = visitor(role, records)
    if user and user.is_staff:
        force_login_with_second_factor(client, user)
    elif user:
        client.force_login(user)
    before = snapshot(records.learner)

    response = getattr(client, rule.method)(url, rule.data)

    expected = rule.expect[role]
    login_url = f"{reverse(settings.LOGIN_URL)}?next="
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(login_url)
    elif expected == TO_TRANSCRIPT:
        assert response.status_code == 302
        assert response["Location"] == reverse("courses:transcript")
    elif expected in (TO_COURSE, TO_BOOKLET):
        target = "courses:course" if expected == TO_COURSE else "courses:booklet"
        assert response.status_code == 302
        assert response["Location"] == reverse(target, kwargs=rule.kwargs(records))
    else:
        assert response.status_code == int(expected[:3]), response
    if role != OWNER and rule.expect.get(role) != OK:
        content = text(response) if response.status_code == 200 else ""
        leaked = [secret for secret in records.secrets if secret in content]
        assert not leaked, f"{name} shows {role} the owner's {leaked}"
    if role != OWNER:
        assert snapshot(records.learner) == before


def test_owner_pages_do_show_the_owners_details(client, records):
    """The leak check above can fail: the owner's own pages carry the same details."""
    client.force_login(records.learner)
    pages = {
        "profile": [records.learner.licenses.get().number, records.learner.email],
        "courses:transcript": [records.certificate.code],
        "courses:transcript_csv": [records.certificate.code],
        "courses:transcript_pdf": [records.certificate.code],
        "courses:reissue_request": [records.certificate.code],
    }
    for name, details in pages.items():
        kwargs = code(records) if name == "courses:reissue_request" else None
        content = text(client.get(reverse(name, kwargs=kwargs)))
        assert all(detail in content for detail in details), name


def test_another_learner_cannot_post_into_the_owners_attempt(client, records):
    """The booklet POST names its attempt: someone else's attempt id is not found."""
    client.force_login(UserFactory())
    attempt = records.in_progress
    before = snapshot(records.learner)

    for action in ("save", "submit"):
        response = client.post(
            reverse("courses:booklet", kwargs={"slug": records.reading.slug}),
            {"attempt": attempt.pk, "action": action},
        )
        assert response.status_code == 404

    assert snapshot(records.learner) == before


def test_admin_group_is_staff_only(client, records):
    admin_urls = [
        reverse("admin:index"),
        reverse("admin:courses_certificate_changelist"),
        reverse("admin:courses_certificate_change", args=[records.certificate.pk]),
        reverse("admin:courses_user_change", args=[records.learner.pk]),
    ]
    for url in admin_urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

    client.force_login(records.learner)  # not staff
    for url in admin_urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_password_reset_link_for_another_account_is_refused(client, records):
    """A reset link only works with its own token; a made-up one changes nothing."""
    uid = int_to_base36(records.learner.pk)
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": uid, "key": "made-up"})
    password = records.learner.password

    response = client.post(url, {"password1": "N3w-pass-word!", "password2": "N3w-pass-word!"})

    assert response.status_code == 200
    assert "invalid" in response.content.decode().lower()
    records.learner.refresh_from_db()
    assert records.learner.password == password
