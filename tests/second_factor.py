"""Staff sessions that have passed the second factor, and authenticator codes."""

import time

import pyotp
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret


def totp_activate(user) -> str:
    """Give the user an authenticator app (TOTP); returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()


def force_login_with_second_factor(client, user):
    """Log the staff member in as if they had typed their password and authenticator code."""
    totp_activate(user)
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    client.force_login(user)
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "type": "totp", "id": authenticator.pk},
    ]
    session.save()
    return client


def browser_log_in(page, user, *, password="correct-horse-battery", secret=None):  # noqa: S107
    """Log in through the form on the page the browser is at; with the authenticator
    app's secret, type its code when asked."""
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if secret:
        page.get_by_label("Code").fill(totp_code(secret))
        page.get_by_role("button", name="Continue").click()
