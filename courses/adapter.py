"""How allauth talks to this site: a paused login answers with the 429 page; sign-up and
email change refuse an address too long to store."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django import forms

# What an address can be (RFC 5321) and what the user and address tables hold.
EMAIL_MAX_LENGTH = 254


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # allauth cuts a longer address to fit the table yet looks it up uncut, so the
        # same sign-up twice made a second account that failed on the cut one.
        if len(email) > EMAIL_MAX_LENGTH:
            raise forms.ValidationError(
                f"Enter an email address of at most {EMAIL_MAX_LENGTH} characters."
            )
        return super().clean_email(email)

    def validation_error(self, code, *args):
        # allauth shows too many failed logins, by password or by authenticator code, as a
        # form error; like every other rate limit here it gets the 429 page, which says
        # what to do next.
        if code == "too_many_login_attempts":
            raise ImmediateHttpResponse(respond_429(context.request))
        return super().validation_error(code, *args)
