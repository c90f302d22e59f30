"""Who is asking (the client address), requests refused before they reach a view, and
the second factor staff pages require."""

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from csp.utils import build_policy
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def content_security_policy_middleware(get_response):
    """settings.CONTENT_SECURITY_POLICY, written by django-csp, on every response without
    a policy of its own (media has one). Built once, since no view varies it; django-csp's
    own middleware rebuilds it for every response."""
    policy = build_policy()

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", policy)
        return response

    return middleware


def nul_byte_middleware(get_response):
    """PostgreSQL refuses a NUL byte in any text, so one must never reach a query. No
    URL of ours has one (404); in the query string it is bad input (400)."""

    def middleware(request):
        if "\x00" in request.path_info:
            raise Http404("No such page.")
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            raise BadRequest("A NUL byte in the query string.")
        return get_response(request)

    return middleware


def client_ip(request) -> str:
    """The client's address: the peer, or behind TRUSTED_PROXY_COUNT proxies the address
    the outermost trusted proxy saw (the Nth from the right of X-Forwarded-For)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies and forwarded[-proxies]:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def second_factor_used(request) -> bool:
    """Whether this session's login (or a later check) passed a second factor that the
    user still has: a superuser's reset ends what an earlier code allowed."""
    records = get_authentication_records(request, request.user)
    used = [record.get("id") for record in records if record.get("method") == "mfa"]
    return bool(used) and Authenticator.objects.filter(user=request.user, pk__in=used).exists()


class StaffSecondFactorMiddleware:
    """Staff reach the admin and the staff reports only with a second factor used in this
    session: without an authenticator they are sent to set one up, with one they have
    not used since logging in they are asked for a code. Other pages and other users
    pass untouched, without a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not (match.namespaces[:1] == ["admin"] or match.route.startswith("staff/")):
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff) or second_factor_used(request):
            return None
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            target = reverse("mfa_reauthenticate")
            messages.info(request, "Staff pages need your authenticator code once per login.")
        else:
            target = reverse("mfa_activate_totp")
            messages.info(
                request,
                "Staff pages need a second factor. Set up an authenticator app to continue.",
            )
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


@receiver(authenticator_added, dispatch_uid="courses.second_factor_on_setup")
def second_factor_on_setup(sender, request, user, authenticator, **kwargs):
    """Setting up TOTP means typing a valid code: that counts as using it in this session."""
    if authenticator.type == Authenticator.Type.TOTP:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
