"""One settings module, configured from the environment.

With no environment at all the app runs for development: DEBUG on, SQLite,
media on the local disk. Production sets DEBUG=0 and at least SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL; see README "Running in production".
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "simple_history",
    "courses",
]

MIDDLEWARE = [
    # Outermost, so it times and logs every response, redirects and errors included.
    "ceapp.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff pass a second factor before the admin or the staff reports open.
    "courses.security.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in user on content history rows (who changed a course).
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "ceapp.urls"
WSGI_APPLICATION = "ceapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Written out so production never depends on a default: templates are
            # compiled once per process. (Django 4.1+ picks the same loaders when none
            # are set, even with DEBUG on; runserver's autoreloader clears this cache
            # when a template changes.)
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "courses.context_processors.site",
            ],
        },
    },
]

# Connections: by default each worker thread keeps its connection for CONN_MAX_AGE
# seconds (persistent connections), checked before reuse so a restarted PostgreSQL
# costs no failed request. That needs nothing extra and suits gunicorn's sync workers:
# one connection per worker. DB_POOL=1 switches to psycopg's pool instead: a
# worker's threads share DB_POOL_MAX_SIZE connections, which bounds the total when
# many threads (or servers) would otherwise each hold one. The two cannot be combined,
# so the pool forces CONN_MAX_AGE to 0 (the connection goes back to the pool after
# each request).
DB_POOL = env_bool("DB_POOL", False)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0 if DB_POOL else int(os.environ.get("CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that needs no round trip (see its docstring).
    DATABASES["default"]["ENGINE"] = "ceapp.postgresql"
    # Parameters travel apart from the SQL, and psycopg prepares a query the fifth time
    # a connection runs it: PostgreSQL then skips parsing and planning the page queries
    # that every request repeats. Behind PgBouncer in transaction mode, which cannot
    # keep prepared statements, set DB_PREPARED_STATEMENTS=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=5 if env_bool("DB_PREPARED_STATEMENTS", True) else None,
    )
if DB_POOL:
    if DATABASES["default"]["ENGINE"] != "ceapp.postgresql":
        raise ImproperlyConfigured("DB_POOL=1 needs a PostgreSQL DATABASE_URL.")
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", 1)),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", 4)),
        "timeout": int(os.environ.get("DB_POOL_TIMEOUT", 10)),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once, so the dev server and tests behave.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "courses.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "courses:catalog"
LOGOUT_REDIRECT_URL = "courses:catalog"

# Behind N reverse proxies that each append to X-Forwarded-For, the client is the Nth
# address from the right (anything further left is whatever the client sent). 0: no
# proxy, the peer address is the client. Used by rate limits, the request log and
# verification.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Accounts (django-allauth): email is the login. Sign-up, login, email verification and
# change, password reset and the second factor are allauth's views and flows.
AUTHENTICATION_BACKENDS = ["courses.auth.UserBackend"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The license part of sign-up (name and license as certificates print them).
ACCOUNT_SIGNUP_FORM_CLASS = "courses.forms.accounts.LicenseSignupForm"
# Mandatory: a new account logs in only once its address is verified. That is also what
# lets sign-up answer the same for a new and an existing address (the owner of an
# existing one is emailed instead), which allauth can only do with mandatory verification.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3  # the emails say so
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
# One address per account; a new one replaces it once verified.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# A password reset for an address with no account sends nothing (the page reads the same).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# A logged-in user who opens the login page (say, for a page their account cannot
# open) sees it, rather than being bounced back in a loop.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
# Rate limits, counted in Django's default cache (allauth has no setting for another
# alias), so with REDIS_URL they hold across workers and servers. "ip" is the client,
# "key" the email address. Failed logins: 5 per address in 15 minutes, whoever tries;
# a password reset lifts that pause for its owner. A blocked request gets 429.html.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/15m/key",
    "signup": "20/m/ip,100/h/ip",
    "reset_password": "20/m/ip,5/h/key",  # nosec B105  # a rate, not a password
    "reset_password_from_key": "20/m/ip",  # nosec B105
    # Verification (and "someone tried to sign up") emails: one per address per 3 minutes.
    "confirm_email": "30/h/ip,1/3m/key",
    "change_password": "5/m/user",  # nosec B105
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
ACCOUNT_ADAPTER = "courses.adapter.AccountAdapter"

# Second factor (allauth.mfa): an authenticator app (TOTP) with recovery codes. Staff
# must use it (courses.security.StaffSecondFactorMiddleware); clinicians may.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

# Content history (django-simple-history) is an audit trail: read-only in the admin,
# never a way round the authoring checks by restoring an old version.
SIMPLE_HISTORY_REVERT_DISABLED = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# Static files: whitenoise serves compressed, hashed files.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Media: local disk by default, any S3-compatible store with MEDIA_STORAGE=s3.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local")

if MEDIA_STORAGE == "s3":
    # Keys come from the standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables
    # (or an instance role), read by boto3 itself. Media URLs point at the bucket,
    # which answers Range requests, so audio seeks without the app in the way.
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # Signature v4: the only one newer AWS regions and most S3-compatible stores accept.
            "signature_version": os.environ.get("AWS_S3_SIGNATURE_VERSION", "s3v4"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    # Where media URLs point, so the Content Security Policy lets pages play and show them.
    if default_storage["OPTIONS"]["endpoint_url"]:
        endpoint = urlsplit(default_storage["OPTIONS"]["endpoint_url"])
        MEDIA_ORIGINS = [f"{endpoint.scheme}://{endpoint.netloc}"]
    else:
        bucket, region = os.environ["AWS_STORAGE_BUCKET_NAME"], os.environ.get("AWS_S3_REGION_NAME")
        MEDIA_ORIGINS = [f"https://{bucket}.s3.amazonaws.com"]
        if region:
            MEDIA_ORIGINS.append(f"https://{bucket}.s3.{region}.amazonaws.com")
elif MEDIA_STORAGE == "local":
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    MEDIA_ORIGINS = []
else:
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'local' or 's3'.")

STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded audio is capped; the cap is checked again by the audio validator.
AUDIO_MAX_BYTES = int(os.environ.get("AUDIO_MAX_BYTES", 50 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Sessions and caches must work across app servers, so nothing lives in one process.
# Without Redis, sessions are rows in the database. With REDIS_URL the cache is Redis
# and sessions are "cached_db": read from Redis, written through to the database, so a
# Redis restart or eviction logs nobody out. A Redis outage is logged and degrades to
# the database instead of failing requests (IGNORE_EXCEPTIONS, short timeouts).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    redis_cache = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            "IGNORE_EXCEPTIONS": True,
        },
    }
    # "documents" holds rendered files (certificate PDFs), kept apart from the small
    # entries so the per-process fallback below can bound its memory on its own.
    CACHES = {"default": redis_cache, "documents": {**redis_cache, "KEY_PREFIX": "documents"}}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Per process. Room for every section's rendered content on a large site (the
    # default of 300 entries would keep evicting it); a few KB each.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
        # Certificate PDFs are about 45 KB: at most ~100 MB per process.
        "documents": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "documents",
            "OPTIONS": {"MAX_ENTRIES": 2_500},
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Email: printed to the console unless EMAIL_HOST names an SMTP server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not env_bool("EMAIL_USE_SSL", False))
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 10))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CE Office <ce@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Shown in the footer and on certificates unless the admin sets its own.
SITE_NAME = os.environ.get("SITE_NAME", "Helping Professions CE")
MFA_TOTP_ISSUER = SITE_NAME  # the name authenticator apps show
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

SECURE_CONTENT_TYPE_NOSNIFF = True
# No page is ever framed; the admin's related-object popups are windows, not frames.
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): scripts, styles and everything else come from
# this site's own files only. There is no 'unsafe-inline' anywhere, the admin
# included: Django 5.2's admin has no inline scripts, styles or handlers. data: images
# are Bootstrap's SVG icons (form controls, navbar toggler), which its CSS embeds.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *MEDIA_ORIGINS],
        "media-src": ["'self'", *MEDIA_ORIGINS],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Load balancers probe app servers over plain HTTP; an HTTPS redirect would fail them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Everything goes to stdout as one JSON object per line; the request log
# (ceapp.logging.RequestLogMiddleware) adds one line per request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ceapp.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
