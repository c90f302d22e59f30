from functools import cache

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

# The addresses every page's header and footer link to.
NAV_URLS = {
    "catalog": "courses:catalog",
    "transcript": "courses:transcript",
    "verify": "verify",
    "reports": "courses:report_index",
    "admin": "admin:index",
    "profile": "profile",
    "logout": "account_logout",
    "login": "account_login",
    "signup": "account_signup",
    "accessibility": "accessibility",
}


# The files every page loads; their hashed names are fixed for the life of a process.
ASSETS = {
    "bootstrap_css": "vendor/bootstrap-5.3.9/bootstrap.min.css",
    "site_css": "css/site.css",
    "bootstrap_js": "vendor/bootstrap-5.3.9/bootstrap.bundle.min.js",
}


@cache
def _nav_urls(script_prefix: str) -> dict[str, str]:
    # Reversed once per process (and script prefix), not a dozen times per page.
    return {key: reverse(name) for key, name in NAV_URLS.items()}


@cache
def _asset_urls(static_url: str, storage: str) -> dict[str, str]:
    # Looked up in the static files manifest once per process, not three times per page.
    return {key: static(path) for key, path in ASSETS.items()}


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "nav_urls": _nav_urls(get_script_prefix()),
        "asset_urls": _asset_urls(settings.STATIC_URL, settings.STORAGES["staticfiles"]["BACKEND"]),
    }
