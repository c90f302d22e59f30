"""Who is asking (the client address and the login name that throttling counts by),
and requests refused before they reach a view."""

from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import render


def content_security_policy_middleware(get_response):
    """settings.CONTENT_SECURITY_POLICY, written by django-csp, on every response without
    a policy of its own (media has one). django-csp's middleware rebuilds the same
    header for every response, a fifth of a trivial request's CPU; no view varies it."""
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


def login_username(request, credentials=None) -> str | None:
    """The email a login attempt names, as django-axes counts it: case and spacing do not
    make a new account to guess at, and what is stored fits its column."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(value, str):
        return None
    return value.replace("\x00", "").strip().lower()[:254] or None


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (django-axes' AXES_LOCKOUT_CALLABLE): 429 and
    how long to wait, in minutes."""
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    return render(request, "registration/locked.html", {"minutes": minutes}, status=429)
