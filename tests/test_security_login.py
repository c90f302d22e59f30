"""Rate limits on login, sign-up, password reset and verification (allauth's, counted in
Django's cache), the 429 page, and a password reset that tells nobody who has an account."""

import time
from urllib.parse import urlsplit

import pytest
from allauth.core.internal import ratelimit
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # UserFactory's
WRONG = "the email address and/or password you specified are not correct"


def log_in(client, email, password, *, ip="203.0.113.10"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def fail(client, email, times, **kwargs):
    """Fail `times` logins, each answered with the form and its generic error."""
    for _ in range(times):
        response = log_in(client, email, "wrong-password", **kwargs)
        assert response.status_code == 200
        assert WRONG in response.content.decode().lower()


@pytest.fixture
def user(db):
    return UserFactory(email="dana@example.org")


def test_five_failures_pause_logins_to_that_address(client, user):
    fail(client, user.email, 5)

    sixth = log_in(client, user.email, "wrong-password")
    right_password = log_in(client, user.email, PASSWORD)

    for response in (sixth, right_password):
        assert response.status_code == 429
        page = response.content.decode()
        assert "Too many attempts" in page
        assert reverse("account_reset_password") in page
    assert "_auth_user_id" not in client.session


def test_the_pause_is_per_address_from_any_client_and_others_log_in(client, user):
    fail(client, user.email, 5)

    elsewhere = log_in(client, user.email, PASSWORD, ip="198.51.100.7")
    assert elsewhere.status_code == 429  # guessing from many clients does not help

    colleague = UserFactory()
    assert log_in(client, colleague.email, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_one_client_trying_many_addresses_is_paused(client, db):
    for n in range(10):
        assert log_in(client, f"guess{n}@example.org", "password").status_code == 200

    assert log_in(client, "guess10@example.org", "password").status_code == 429
    other_client = log_in(client, "guess10@example.org", "password", ip="198.51.100.7")
    assert other_client.status_code == 200


def test_changing_the_case_of_the_email_does_not_reset_the_count(client, user):
    for email in ("dana@example.org", "DANA@example.org", " Dana@Example.org", "dAnA@example.ORG"):
        log_in(client, email, "wrong-password")
    log_in(client, "Dana@example.org", "wrong-password")

    assert log_in(client, user.email, PASSWORD).status_code == 429


def test_the_pause_lifts_after_15_minutes(client, user, monkeypatch):
    fail(client, user.email, 5)
    assert log_in(client, user.email, PASSWORD).status_code == 429

    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)

    assert log_in(client, user.email, PASSWORD).status_code == 302


def test_a_successful_login_does_not_wipe_earlier_failures(client, user):
    # Otherwise a guesser who owns the account's password... is not the worry: one who
    # interleaves their own logins would get unlimited guesses at someone else's.
    fail(client, user.email, 4)
    assert log_in(client, user.email, PASSWORD).status_code == 302
    client.logout()

    fail(client, user.email, 1)  # the fifth failure in 15 minutes
    assert log_in(client, user.email, PASSWORD).status_code == 429


def test_a_password_reset_lifts_the_pause_for_its_owner(client, user):
    fail(client, user.email, 5)
    assert log_in(client, user.email, PASSWORD).status_code == 429

    client.post(reverse("account_reset_password"), {"email": user.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    form = client.get(urlsplit(link.strip()).path, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"password1": "N3w-pass-phrase", "password2": "N3w-pass-phrase"},
    )

    assert log_in(client, user.email, "N3w-pass-phrase").status_code == 302


def test_the_admin_login_is_the_site_login(client, db):
    admin_login = reverse("admin:login")

    page = client.get(f"{admin_login}?next=/admin/")
    posted = client.post(admin_login, {"username": "x@example.org", "password": "guess"})

    assert page.status_code == 302
    assert page["Location"] == f"{reverse('account_login')}?next=/admin/"
    assert posted.status_code == 302  # no password is checked there
    assert urlsplit(posted["Location"]).path == reverse("account_login")
    anonymous_admin = client.get(reverse("admin:index"), follow=True)
    assert anonymous_admin.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_the_429_page_passes_the_page_checks(client, user):
    fail(client, user.email, 5)
    response = log_in(client, user.email, PASSWORD)

    page = response.content.decode()
    assert page.count("<h1") == 1
    assert response["Content-Security-Policy"]
    assert 'style="' not in page
    assert f'href="{reverse("courses:catalog")}"' in page  # the site's own header


def test_unknown_addresses_and_wrong_passwords_get_the_same_answer(client, user):
    UserFactory(email="left@example.org", is_active=False)

    pages = [
        log_in(client, email, password).content.decode().lower()
        for email, password in [
            ("nobody@example.org", PASSWORD),
            ("left@example.org", "wrong-password"),
            (user.email, "wrong-password"),
        ]
    ]
    # Only the right password learns that an account was closed.
    closed = log_in(client, "left@example.org", PASSWORD)

    assert all(WRONG in page for page in pages)
    assert closed["Location"] == reverse("account_inactive")
    assert "_auth_user_id" not in client.session


def test_sign_up_is_limited_per_client(client, db):
    for n in range(20):
        response = client.post(reverse("account_signup"), {"email": f"x{n}@example.org"})
        assert response.status_code == 200  # the form again: nothing else filled in

    assert client.post(reverse("account_signup"), {}).status_code == 429
    assert client.get(reverse("account_signup"), REMOTE_ADDR="198.51.100.7").status_code == 200


# --- Password reset ----------------------------------------------------------------


def test_password_reset_does_not_reveal_who_has_an_account(client, user):
    registered = client.post(reverse("account_reset_password"), {"email": user.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "stranger@example.org"})

    assert registered.status_code == unknown.status_code == 302
    assert registered["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    done = client.get(reverse("account_reset_password_done")).content.decode()
    assert "If an account exists for the address you entered" in done
    # Only the account holder gets an email; the stranger's address gets nothing.
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_password_reset_is_limited_per_address_and_per_client(client, user):
    for _ in range(5):
        assert (
            client.post(reverse("account_reset_password"), {"email": user.email}).status_code == 302
        )
    assert client.post(reverse("account_reset_password"), {"email": user.email}).status_code == 429
    assert len(mail.outbox) == 5

    for n in range(20):
        email = f"someone{n}@example.org"
        client.post(reverse("account_reset_password"), {"email": email}, REMOTE_ADDR="192.0.2.9")
    blocked = client.post(
        reverse("account_reset_password"),
        {"email": "one-more@example.org"},
        REMOTE_ADDR="192.0.2.9",
    )
    assert blocked.status_code == 429


def test_password_reset_link_sets_a_new_password_once(client, user):
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = urlsplit(link.strip()).path

    form = client.get(path, follow=True)
    assert "Change Password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    done = client.post(set_url, {"password1": "N3w-pass-phrase", "password2": "N3w-pass-phrase"})
    assert done.status_code == 302

    again = client.get(path, follow=True)
    assert "The password reset link was invalid" in again.content.decode()
    user.refresh_from_db()
    assert user.check_password("N3w-pass-phrase")


def test_verification_emails_are_limited_per_address(client, db):
    """Logging in unconfirmed resends the link: at most one email per address every 3
    minutes, however often anyone tries."""
    UserFactory(email="new@example.org", email_verified=False)

    answers = [log_in(client, "new@example.org", PASSWORD) for _ in range(3)]
    elsewhere = log_in(client, "new@example.org", PASSWORD, ip="198.51.100.7")

    for response in [*answers, elsewhere]:
        assert response["Location"] == reverse("account_email_verification_sent")
    assert [message.to for message in mail.outbox] == [["new@example.org"]]
