"""The request log: one structured line per request, with a request id."""

import io
import json
import logging
import re

import pytest
from django.urls import path

from ceapp.logging import JsonFormatter

LOGGER = "ceapp.request"
FIELDS = {"method", "path", "status", "duration_ms", "user_id", "request_id"}


def _boom(request):
    raise RuntimeError("the view broke")


# Used by the test that needs a view which fails (pytest.mark.urls below).
urlpatterns = [path("boom/", _boom)]


def request_lines(caplog):
    return [record for record in caplog.records if record.name == LOGGER]


@pytest.fixture
def log_lines():
    """What stdout would show: every record, formatted as it is logged."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines():
        text = stream.getvalue()
        return [json.loads(line) for line in text.splitlines()]

    yield lines
    root.removeHandler(handler)


def test_one_line_per_request_with_every_field(client, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})

    [record] = request_lines(caplog)
    assert record.method == "GET"
    assert record.path == "/healthz"
    assert record.status == 200
    assert 0 <= record.duration_ms < 5000
    assert record.user_id is None
    assert record.request_id == "lb-7f3a.42"
    assert response["X-Request-ID"] == "lb-7f3a.42"


def test_the_line_is_one_json_object(client, log_lines):
    client.get("/healthz", headers={"X-Request-ID": "abc-123"})

    [entry] = log_lines()
    assert entry.keys() >= FIELDS
    assert entry["status"] == 200
    assert entry["request_id"] == "abc-123"
    assert entry["level"] == "INFO"
    assert entry["logger"] == LOGGER


@pytest.mark.parametrize("incoming", [None, "", "has spaces", "x" * 65, 'quote"\nnewline'])
def test_a_missing_or_unsafe_request_id_is_replaced(client, caplog, incoming):
    caplog.set_level(logging.INFO, logger=LOGGER)
    headers = {} if incoming is None else {"X-Request-ID": incoming}

    response = client.get("/healthz", headers=headers)

    [record] = request_lines(caplog)
    assert re.fullmatch(r"[0-9a-f]{32}", record.request_id)
    assert response["X-Request-ID"] == record.request_id


def test_each_request_gets_its_own_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert first != second


def test_logs_the_user_id_and_never_the_email(staff_client, log_lines):
    response = staff_client.get("/admin/")

    assert response.status_code == 200
    [entry] = [line for line in log_lines() if line["logger"] == LOGGER]
    assert entry["user_id"] == staff_client.user.pk
    assert staff_client.user.email not in json.dumps(log_lines())


def test_anonymous_user_is_logged_as_null(client, db, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    client.get("/admin/")  # redirects to the login page

    [record] = request_lines(caplog)
    assert record.status == 302
    assert record.user_id is None


def test_the_log_adds_no_query_of_its_own(learner_client, django_assert_num_queries):
    # /healthz never loads the user, so the log must not load it either.
    with django_assert_num_queries(0):
        learner_client.get("/healthz")


def test_query_strings_are_not_logged(client, log_lines):
    client.get("/healthz?token=s3cret-value")

    [entry] = log_lines()
    assert entry["path"] == "/healthz"
    assert "s3cret-value" not in json.dumps(entry)


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (
            "/accounts/password/reset/key/1-cc2k1q-0123456789abcdef0123456789abcdef/",
            "/accounts/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        ),
        (
            "/accounts/confirm-email/MQ:1xaPAU:0123456789abcdef0123456789abcdef/",
            "/accounts/confirm-email/(?P<key>[-:\\w]+)/$",
        ),
    ],
)
def test_password_reset_and_confirmation_keys_are_not_logged(client, db, log_lines, path, logged):
    client.get(path)

    [entry] = [line for line in log_lines() if line["logger"] == LOGGER]
    assert entry["path"] == logged
    assert "0123456789abcdef" not in json.dumps(log_lines())


@pytest.mark.urls("tests.test_request_log")
def test_a_failing_view_is_logged_as_500_with_its_request_id(client, log_lines):
    client.raise_request_exception = False

    response = client.get("/boom/", headers={"X-Request-ID": "trace-500"})

    assert response.status_code == 500
    assert response["X-Request-ID"] == "trace-500"
    lines = log_lines()
    [entry] = [line for line in lines if line["logger"] == LOGGER]
    assert entry["status"] == 500
    # Django's own error record, traceback included, carries the same request id.
    [error] = [line for line in lines if line["logger"] == "django.request"]
    assert error["request_id"] == "trace-500"
    assert "the view broke" in error["exc_info"]
