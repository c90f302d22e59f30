"""Public certificate verification: what it shows, what it hides, and guessing limits."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from courses.models import ProviderSettings
from courses.services.certificates import (
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
    reissue_request_create,
)
from courses.views import certificates as views
from tests.factories import (
    ApprovalFactory,
    AuthorFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # the guessing counter lives there
    yield
    cache.clear()


def _certificate():
    course = CourseFactory(
        title="Power in the Helping Relationship",
        ce_hours=Decimal("3.00"),
        authors=[AuthorFactory(name="Miriam Hale")],
    )
    ApprovalFactory(
        course=course,
        number="APA-4471",
        starts_on=date(2024, 1, 1),
        ends_on=date(2099, 12, 31),
        statement_template="APA approves {provider_name}.",
    )
    return certificate_issue(enrollment=CompletedEnrollmentFactory(course=course))


def _unknown(n):
    return f"ZZZZ-ZZZZ-{n:04d}".replace("0", "A").replace("1", "B")


def test_form_page(client):
    response = client.get(reverse("verify"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert re.search(r'<label\s+for="id_code"', html)
    assert 'name="viewport"' in html


def test_form_normalizes_the_code_and_redirects(client):
    response = client.get(reverse("verify"), {"code": " 7kq4 mx2p9tra "})
    assert response.status_code == 302
    assert response.url == "/verify/7KQ4-MX2P-9TRA/"


def test_form_explains_a_malformed_code(client):
    response = client.get(reverse("verify"), {"code": "OIL0-1234"})
    assert response.status_code == 400
    assert "A certificate code has twelve letters and digits" in response.content.decode()


def test_code_url_is_normalized(client):
    response = client.get("/verify/7kq4mx2p9tra/")
    assert response.status_code == 302
    assert response.url == "/verify/7KQ4-MX2P-9TRA/"


def test_valid_certificate_shows_the_stated_facts_and_nothing_more(client):
    certificate = _certificate()
    response = client.get(reverse("verify_code", args=[certificate.code]))
    assert response.status_code == 200
    html = response.content.decode()
    completed = certificate.completed_on
    for expected in [
        "Valid",
        certificate.code,
        certificate.learner_name,
        "Power in the Helping Relationship",
        '<dd class="col-sm-8">3</dd>',
        f"{completed:%B} {completed.day}, {completed.year}",
        ProviderSettings.load().provider_name,
        # The same facts as the certificate: licenses, credit types, level, approvals.
        f"Psychologist · License No. …{certificate.license_number[-4:]} · California",
        "3 general/clinical",
        "Intermediate",
        # The format, which ASWB requires a certificate to state.
        f'<dd class="col-sm-8">{certificate.delivery_format}</dd>',
        "American Psychological Association (APA)",
        "No. APA-4471 · Approval period January 1, 2024 – December 31, 2099",
        "APA approves Helping Professions CE.",
    ]:
        assert expected in html
    learner = certificate.enrollment.learner
    # A license number is shortened on this public page; the email and authors are not shown.
    for secret in [certificate.license_number, learner.email, "Miriam Hale"]:
        assert secret not in html


def test_revoked_certificate_shows_the_date_not_the_reason(client):
    certificate = _certificate()
    certificate = certificate_revoke(
        certificate=certificate, actor=StaffFactory(), reason="Secret misconduct"
    )
    html = client.get(reverse("verify_code", args=[certificate.code])).content.decode()
    revoked = certificate.revoked_at.astimezone()
    assert "Revoked" in html
    assert "revoked on" in html and f"{revoked.year}" in html
    assert "Valid" not in html
    assert "Secret misconduct" not in html


def test_reissued_certificate_links_to_its_replacement(client):
    original = _certificate()
    learner = original.enrollment.learner
    learner.full_name = "Dana Newname"
    learner.save()
    request = reissue_request_create(certificate=original, learner=learner, reason="Married")
    new = certificate_reissue(request=request, actor=StaffFactory())
    html = client.get(reverse("verify_code", args=[original.code])).content.decode()
    assert "Replaced" in html
    assert f'href="/verify/{new.code}/"' in html
    assert "Dana Newname" not in html  # the original states the old name
    new_html = client.get(reverse("verify_code", args=[new.code])).content.decode()
    assert "Valid" in new_html and "Dana Newname" in new_html


def test_unknown_code_is_a_clear_404(client):
    response = client.get(reverse("verify_code", args=["ZZZZ-ZZZZ-ZZZZ"]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "No certificate with this code" in html
    assert 'value="ZZZZ-ZZZZ-ZZZZ"' in html  # ready to correct and retry


@pytest.mark.parametrize("count", [2, 40])
def test_query_count_does_not_grow_with_certificates(client, django_assert_num_queries, count):
    certificates = [_certificate() for _ in range(count)]
    for certificate in certificates[:2]:
        # The client's miss counter (the database cache, without Redis); the certificate.
        with django_assert_num_queries(2):
            assert client.get(reverse("verify_code", args=[certificate.code])).status_code == 200
    # The miss counter; the lookup; counting the miss: the cache's size (its cull check),
    # then in a savepoint the counter's row and its insert.
    with django_assert_num_queries(7):
        assert client.get(reverse("verify_code", args=["ZZZZ-ZZZZ-ZZZZ"])).status_code == 404


def test_reissued_lookup_is_one_query_after_the_miss_counter(client, django_assert_num_queries):
    original = _certificate()
    learner = original.enrollment.learner
    learner.full_name = "Dana Newname"
    learner.save()
    request = reissue_request_create(certificate=original, learner=learner, reason="Married")
    certificate_reissue(request=request, actor=StaffFactory())
    with django_assert_num_queries(2):  # the miss counter; the certificate and its successor
        client.get(reverse("verify_code", args=[original.code]))


def test_guessing_is_throttled_per_client(client):
    certificate = _certificate()
    for n in range(views.VERIFY_MISS_LIMIT):
        assert client.get(reverse("verify_code", args=[_unknown(n)])).status_code == 404
    response = client.get(reverse("verify_code", args=[_unknown(99)]))
    assert response.status_code == 429
    assert "Too many unknown codes" in response.content.decode()
    # A throttled client learns nothing, not even about a real code.
    assert client.get(reverse("verify_code", args=[certificate.code])).status_code == 429
    # Another client is not affected.
    other = client.get(reverse("verify_code", args=[certificate.code]), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_real_codes_do_not_count_towards_the_limit(client):
    certificate = _certificate()
    for _ in range(views.VERIFY_MISS_LIMIT + 5):
        assert client.get(reverse("verify_code", args=[certificate.code])).status_code == 200


def test_throttle_ends_with_the_window(client, monkeypatch):
    for n in range(views.VERIFY_MISS_LIMIT):
        client.get(reverse("verify_code", args=[_unknown(n)]))
    assert client.get(reverse("verify_code", args=[_unknown(99)])).status_code == 429
    cache.delete("verify-misses:127.0.0.1")  # what the window's expiry does
    assert client.get(reverse("verify_code", args=[_unknown(99)])).status_code == 404


def test_client_behind_trusted_proxies(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(views.VERIFY_MISS_LIMIT):
        client.get(reverse("verify_code", args=[_unknown(n)]), HTTP_X_FORWARDED_FOR="203.0.113.5")
    blocked = client.get(
        reverse("verify_code", args=[_unknown(99)]), HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    assert blocked.status_code == 429
    # Same proxy, another client: not blocked.
    other = client.get(
        reverse("verify_code", args=[_unknown(99)]), HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert other.status_code == 404
