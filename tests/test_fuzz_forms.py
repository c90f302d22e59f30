"""Junk posted to every form and POST endpoint never gives a 5xx or changes saved data.

Hypothesis starts from a valid submission of each form and mangles it: values become
generated text (any Unicode, NUL bytes, right-to-left marks), huge strings, numbers out
of range, lists where one value is expected; fields go missing; unknown fields appear;
the body is sent form-encoded, multipart or as a JSON or plain-text body. Each example
runs in a savepoint that is rolled back, so every example starts from the same records.

Inside the savepoint the saved records are compared with their state before the post:
- a refused post (anything but the form's success redirect or JSON) changed nothing;
- whatever the answer, graded attempts and their answers, certificates and their trail,
  and evaluations that existed before are never changed or removed.

SQLite runs 2,000 examples in all (EXAMPLES); PostgreSQL, the second CI pass where each
example costs more, runs 40% of them (800). CI (CI set) derandomizes: a run is repeatable.
"""

import json
import os
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from courses.content_cache import booklet_questions
from courses.models import (
    Answer,
    Approval,
    Attempt,
    AttemptState,
    Certificate,
    CertificateEvent,
    Choice,
    Course,
    CourseApproval,
    CourseCredit,
    Enrollment,
    EvaluationItem,
    EvaluationRating,
    EvaluationResponse,
    License,
    Question,
    ReissueRequest,
    Section,
)
from courses.services.evaluation import evaluation_items_ensure
from tests.factories import StaffFactory
from tests.second_factor import force_login_with_second_factor
from tests.security_data import admin_form_data, learner_with_records

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
# Examples per endpoint on SQLite. The admin's change page costs ten times a learner
# form to render, so it gets fewer. PostgreSQL runs 40% of each (see the docstring).
EXAMPLES = {
    "signup": 240,
    "profile": 240,
    "booklet_draft_save": 240,
    "booklet_submit": 240,
    "evaluation": 240,
    "verification": 240,
    "reissue_request": 240,
    "login": 240,
    "license_add": 120,
    "license_edit": 120,
    "admin_course_save": 80,
}


def fuzz_settings(endpoint):
    return hypothesis_settings(
        max_examples=EXAMPLES[endpoint] * 2 // 5 if ON_POSTGRES else EXAMPLES[endpoint],
        deadline=None,
        derandomize=bool(os.environ.get("CI")),
        database=None,  # nothing written into the work tree
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,  # the records are built once per endpoint
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


# --- What is posted ------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "-inf",
    "9" * 40,
    "\x00",
    "a\x00b",
    "null",
    "true",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\u202egnp.exe",
    "\ud7ff\ufeff\u200b",
    "😀" * 30,
    "ǅ" * 300,
    "2025-02-30",
    "x" * 100_000,
]
scalars = st.one_of(
    st.text(max_size=40),
    st.sampled_from(NASTY),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(repr),
)
values = st.one_of(scalars, st.lists(scalars, min_size=0, max_size=4))
field_names = st.one_of(
    st.text(min_size=1, max_size=20),
    st.sampled_from(
        ["id", "pk", "user", "learner", "is_staff", "is_superuser", "status", "score", "passed"]
    ),
)


@st.composite
def mangled(draw, base: dict):
    """A valid submission with some fields dropped, replaced by junk, or added."""
    data = {}
    for key, value in base.items():
        fate = draw(st.sampled_from(["keep", "keep", "drop", "junk"]))
        if fate == "keep":
            data[key] = value
        elif fate == "junk":
            data[key] = draw(values)
    data.update(draw(st.dictionaries(field_names, values, max_size=3)))
    return data


@st.composite
def bodies(draw, base: dict):
    """(body, content type) as the client sends them; None means multipart (the default)."""
    data = draw(mangled(base))
    encoding = draw(st.sampled_from(["multipart", "multipart", "urlencoded", "json", "text"]))
    if encoding == "multipart":
        return data, None
    if encoding == "urlencoded":
        return urlencode(data, doseq=True), "application/x-www-form-urlencoded"
    if encoding == "json":
        return json.dumps(data), "application/json"
    return draw(st.sampled_from(NASTY + ["a=b&c", "=&=&", "%zz=%"])), "text/plain"


def post(client, url, body, **extra):
    data, content_type = body
    if content_type is None:
        return client.post(url, data, **extra)
    return client.post(url, data, content_type=content_type, **extra)


# --- What must not change ----------------------------------------------------------------

RECORDS = {
    "user": get_user_model(),
    "license": License,
    "course": Course,
    "section": Section,
    "question": Question,
    "choice": Choice,
    "approval": Approval,
    "course approval": CourseApproval,
    "course credit": CourseCredit,
    "evaluation item": EvaluationItem,
    "enrollment": Enrollment,
    "attempt": Attempt,
    "answer": Answer,
    "evaluation": EvaluationResponse,
    "rating": EvaluationRating,
    "certificate": Certificate,
    "certificate event": CertificateEvent,
    "reissue request": ReissueRequest,
}
# Rows that, once they exist, nothing may change or remove.
CREDIT_RECORDS = ["answer", "evaluation", "rating", "certificate", "certificate event"]


def state():
    snapshot = {
        name: {row["id"]: row for row in model.objects.values()} for name, model in RECORDS.items()
    }
    for row in snapshot["user"].values():
        row.pop("last_login")  # a successful login sets it
    snapshot["graded attempt"] = {
        pk: row for pk, row in snapshot["attempt"].items() if row["state"] == AttemptState.GRADED
    }
    return snapshot


def changes(before, after):
    """{record kind: ids added, changed or removed} between two states."""
    found = {}
    for name in RECORDS:
        ids = {
            pk
            for pk in before[name].keys() | after[name].keys()
            if before[name].get(pk) != after[name].get(pk)
        }
        if ids:
            found[name] = ids
    return found


def fuzz(request_fn, succeeded, may_change=()):
    """Send one junk request inside a rolled-back savepoint and check what it changed."""
    before = state()
    with transaction.atomic():
        response = request_fn()
        after = state()
        transaction.set_rollback(True)
    assert response.status_code < 500, response
    changed = changes(before, after)
    for name in [*CREDIT_RECORDS, "graded attempt"]:
        kept = {pk for pk in before[name] if before[name][pk] != after[name].get(pk)}
        assert not kept, f"an existing {name} changed: {kept}"
    if succeeded(response):
        assert set(changed) <= set(may_change), changed
    else:
        assert not changed, f"a refused post ({response.status_code}) changed {changed}"
    return response


def redirect(response, prefix=""):
    return response.status_code == 302 and response["Location"].startswith(prefix)


@pytest.fixture
def records(db):
    return learner_with_records()


@pytest.fixture
def learner(client, records):
    client.force_login(records.learner)
    return client


def answers(course):
    questions = booklet_questions(course=course)
    return {
        f"question-{q.pk}": [str(next(c.pk for c in q.choices if c.is_correct))] for q in questions
    }


# --- The endpoints ---------------------------------------------------------------------


SIGNUP = {
    "full_name": "Nia New, LPC",
    "email": "nia@example.org",
    "license-license_type": "lpc",
    "license-number": "LPC-1",
    "license-state": "TX",
    "license-renews_on": "2027-01-31",
    "password1": "Sturdy-pass-42",
    "password2": "Sturdy-pass-42",
}


@fuzz_settings("signup")
@given(body=bodies(SIGNUP))
def test_signup(client, records, body):
    fuzz(
        lambda: post(client, reverse("account_signup"), body),
        succeeded=redirect,
        may_change=["user", "license"],
    )
    client.logout()


@fuzz_settings("profile")
@given(
    body=bodies(
        {
            "full_name": "Owen Owner, LCSW",
            "email": "owen@example.org",
        }
    )
)
def test_profile(learner, records, body):
    fuzz(lambda: post(learner, reverse("profile"), body), succeeded=redirect, may_change=["user"])


LICENSE = {"license_type": "lmft", "state": "OR", "number": "LMFT-7", "renews_on": "2027-01-31"}


@fuzz_settings("license_add")
@given(body=bodies(LICENSE))
def test_license_add(learner, records, body):
    fuzz(
        lambda: post(learner, reverse("license_add"), body),
        succeeded=redirect,
        may_change=["license"],
    )


@fuzz_settings("license_edit")
@given(body=bodies(LICENSE))
def test_license_edit(learner, records, body):
    url = reverse("license_edit", args=[records.learner.licenses.get().pk])
    fuzz(lambda: post(learner, url, body), succeeded=redirect, may_change=["license"])


def booklet_base(records, action):
    return {"attempt": str(records.in_progress.pk), "action": action, **answers(records.reading)}


@pytest.fixture
def booklet_url(records):
    return reverse("courses:booklet", kwargs={"slug": records.reading.slug})


def saved(response):
    if response.get("Content-Type") == "application/json":
        return response.status_code == 200 and json.loads(response.content).get("saved") is True
    return redirect(response)


@fuzz_settings("booklet_draft_save")
@given(data=st.data(), as_json=st.booleans())
def test_booklet_draft_save(learner, records, booklet_url, data, as_json):
    body = data.draw(bodies(booklet_base(records, "save")))
    accept = {"HTTP_ACCEPT": "application/json"} if as_json else {}
    fuzz(
        lambda: post(learner, booklet_url, body, **accept),
        succeeded=saved,
        may_change=["attempt"],
    )


@fuzz_settings("booklet_submit")
@given(data=st.data())
def test_booklet_submit(learner, records, booklet_url, data):
    body = data.draw(bodies(booklet_base(records, "submit")))
    fuzz(
        lambda: post(learner, booklet_url, body),
        succeeded=redirect,
        may_change=["attempt", "answer", "enrollment"],
    )


@fuzz_settings("evaluation")
@given(data=st.data())
def test_evaluation(learner, records, data):
    items = evaluation_items_ensure(course=records.passed)
    base = {f"item-{item.pk}": "4" for item in items} | {"minutes_spent": "60", "comments": "Ok"}
    body = data.draw(bodies(base))
    fuzz(
        lambda: post(
            learner, reverse("courses:evaluation", kwargs={"slug": records.passed.slug}), body
        ),
        succeeded=redirect,
        may_change=["evaluation", "rating", "enrollment", "certificate", "certificate event"],
    )


@pytest.fixture
def fresh_cache():
    cache.clear()  # verification counts misses per client in the cache
    yield
    cache.clear()


@fuzz_settings("verification")
@given(code=st.one_of(scalars, st.lists(scalars, max_size=3)), in_path=scalars)
def test_verification(client, records, fresh_cache, code, in_path):
    """The verification form (GET) and the code in the URL path."""
    fuzz(lambda: client.get(reverse("verify"), {"code": code}), succeeded=lambda r: False)
    path = reverse("verify") + quote(in_path[:200], safe="") + "/"
    fuzz(lambda: client.get(path), succeeded=lambda r: False)


@fuzz_settings("reissue_request")
@given(data=st.data())
def test_reissue_request(learner, records, data):
    records.learner.full_name = "Owen Renamed, LCSW"  # so a valid request can go through
    records.learner.save()
    url = reverse("courses:reissue_request", kwargs={"code": records.certificate.code})
    body = data.draw(bodies({"reason": "I changed my name."}))
    fuzz(
        lambda: post(learner, url, body),
        succeeded=redirect,
        may_change=["reissue request", "certificate event"],
    )


@pytest.fixture
def admin_course(client, records):
    force_login_with_second_factor(client, StaffFactory())
    url = reverse("admin:courses_course_change", args=[records.completed.pk])
    return client, url, admin_form_data(client.get(url))


@fuzz_settings("admin_course_save")
@given(data=st.data())
def test_admin_course_save(admin_course, data):
    client, url, base = admin_course
    body = data.draw(bodies(base))
    fuzz(
        lambda: post(client, url, body),
        succeeded=redirect,
        may_change=["course", "section", "course approval", "course credit", "evaluation item"],
    )


@fuzz_settings("login")
@given(body=bodies({"login": "owen@example.org", "password": "correct-horse-battery"}))
def test_login(client, records, body):
    records.learner.email = "owen@example.org"
    records.learner.save()
    for url in (reverse("account_login"), reverse("admin:login")):
        client.cookies.clear()  # anonymous again: a successful login was rolled back
        fuzz(lambda url=url: post(client, url, body), succeeded=redirect)


def test_the_fuzzing_budget():
    fuzzed = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert fuzzed - {"the_fuzzing_budget"} == set(EXAMPLES)
    assert sum(EXAMPLES.values()) >= 2000
