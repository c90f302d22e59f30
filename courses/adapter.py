"""How allauth talks to this site: a paused login answers with the 429 page."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429


class AccountAdapter(DefaultAccountAdapter):
    def validation_error(self, code, *args):
        # allauth shows too many failed logins, by password or by authenticator code, as a
        # form error; like every other rate limit here it gets the 429 page, which says
        # what to do next.
        if code == "too_many_login_attempts":
            raise ImmediateHttpResponse(respond_429(context.request))
        return super().validation_error(code, *args)
