from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

# The addresses every page's header and footer link to.
NAV_URLS = {
    "catalog": "courses:catalog",
    "transcript": "courses:transcript",
    "verify": "verify",
    "reports": "courses:report_index",
    "admin": "admin:index",
    "profile": "profile",
    "logout": "logout",
    "login": "login",
    "signup": "signup",
    "accessibility": "accessibility",
}


@cache
def _nav_urls(script_prefix: str) -> dict[str, str]:
    # Reversed once per process (and script prefix), not a dozen times per page.
    return {key: reverse(name) for key, name in NAV_URLS.items()}


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "nav_urls": _nav_urls(get_script_prefix())}
