"""How allauth talks to this site: a paused login answers with the 429 page."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django.core.exceptions import ValidationError


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        # allauth shows too many failed logins as a form error; like every other rate
        # limit here it gets the 429 page, which says what to do next.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from error
            raise
