"""One settings module, configured from the environment (django-environ).

With no environment at all DEBUG is off: a deploy that forgets a variable gets the
production profile, never debug pages. Development sets DEBUG=1 (the README's Quick
start does); production sets at least SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; see
README "Running in production".
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from ceapp.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105  # nosec B105
elif not SECRET_KEY:
    # Never a key anyone has seen: a new one per process. Sessions and signed links then
    # last only as long as the process and work on no other server, and
    # `check --deploy` fails (courses.checks), so this is never mistaken for a setup.
    SECRET_KEY = "django-insecure-" + get_random_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

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
    "courses.security.nul_byte_middleware",
    "django.middleware.security.SecurityMiddleware",
    "courses.security.content_security_policy_middleware",
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
            # Written out so production never depends on a default: templates are compiled
            # once per process (runserver's autoreloader clears the cache on an edit).
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
DB_POOL = env.bool("DB_POOL", default=False)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].update(
    CONN_MAX_AGE=0 if DB_POOL else env.int("CONN_MAX_AGE", default=0 if DEBUG else 60),
    CONN_HEALTH_CHECKS=True,
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters travel apart from the SQL, and psycopg prepares a query the fifth time
    # a connection runs it: PostgreSQL then skips parsing and planning the page queries
    # that every request repeats. Behind PgBouncer in transaction mode, which cannot
    # keep prepared statements, set DB_PREPARED_STATEMENTS=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=5 if env.bool("DB_PREPARED_STATEMENTS", default=True) else None,
    )
if DB_POOL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DB_POOL=1 needs a PostgreSQL DATABASE_URL.")
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=4),
        "timeout": env.int("DB_POOL_TIMEOUT", default=10),
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once, so the dev server and tests behave.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests get a file too, not Django's in-memory database, which the browser tests' live
    # server would share as one connection: a request landing while the test reads the
    # database then fails with "database table is locked" instead of waiting its turn.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}

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
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# Accounts (django-allauth): email is the login. Sign-up, login, email verification and
# change, password reset and the second factor are allauth's views and flows.
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
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
# A code from the 30 s step before or after is accepted too (RFC 6238's allowance for
# drift), so a code typed as the step turns over is not refused.
MFA_TOTP_TOLERANCE = 1

# Content history (django-simple-history) is an audit trail: read-only in the admin,
# never a way round the authoring checks by restoring an old version.
SIMPLE_HISTORY_REVERT_DISABLED = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# Static files: whitenoise serves compressed, hashed files.
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers and crawlers ask for at the site root (favicon.ico), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# Media: local disk by default, any S3-compatible store with MEDIA_STORAGE=s3.
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")

if MEDIA_STORAGE == "s3":
    # Keys come from the standard AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY variables
    # (or an instance role), read by boto3 itself. Media URLs point at the bucket,
    # which answers Range requests, so audio seeks without the app in the way.
    bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    region = env.str("AWS_S3_REGION_NAME", default="") or None
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": region,
            # Signature v4: the only one newer AWS regions and most S3-compatible stores accept.
            "signature_version": env.str("AWS_S3_SIGNATURE_VERSION", default="s3v4"),
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
AUDIO_MAX_BYTES = env.int("AUDIO_MAX_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Sessions and caches must work across app servers, so nothing lives in one process.
# Without Redis, sessions are rows in the database. With REDIS_URL the cache is Redis
# and sessions are "cached_db": read from Redis, written through to the database, so a
# Redis restart or eviction logs nobody out. A Redis outage is logged and degrades to
# the database instead of failing requests (IGNORE_EXCEPTIONS, short timeouts).
REDIS_URL = env.str("REDIS_URL", default="")
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
    # "default" holds what every worker must share: allauth's rate limits, the TOTP
    # replay guard and the verification throttle. "content" holds rendered course content
    # (courses.content_cache), "documents" rendered files (certificate PDFs).
    CACHES = {
        "default": redis_cache,
        "content": {**redis_cache, "KEY_PREFIX": "content"},
        "documents": {**redis_cache, "KEY_PREFIX": "documents"},
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        # Shared by every worker and app server through the database, in a table that
        # `migrate` creates (courses.apps): rate limits must hold across them.
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ceapp_cache",
        },
        # Per process. Room for every section's rendered content on a large site (the
        # default of 300 entries would keep evicting it); a few KB each.
        "content": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "content",
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

# Email. Every message goes through the outbox (courses.mail.OutboxBackend): it is
# saved as a row in the sender's transaction and a task sends it after commit, with
# retries, through EMAIL_DELIVERY_BACKEND: SMTP when EMAIL_HOST names a server,
# otherwise the console.
EMAIL_BACKEND = "courses.mail.OutboxBackend"
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_DELIVERY_BACKEND = env.str(
    "EMAIL_DELIVERY_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=not EMAIL_USE_SSL)
# Seconds per SMTP step (connect, each command); a hung server costs a task this much.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10)
# A failed send is retried after EMAIL_RETRY_DELAY seconds, doubling up to
# EMAIL_RETRY_DELAY_MAX; after EMAIL_MAX_ATTEMPTS tries (about 2 hours) it is marked failed.
EMAIL_RETRY_DELAY = env.float("EMAIL_RETRY_DELAY", default=30)
EMAIL_RETRY_DELAY_MAX = env.float("EMAIL_RETRY_DELAY_MAX", default=900)
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=12)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CE Office <ce@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Tasks (Celery; ceapp/celery.py). The broker is CELERY_BROKER_URL (redis:// or a
# RabbitMQ amqp://), else REDIS_URL. With neither, nothing needs installing: tasks run
# in the process that queues them, after commit (development only: check --deploy
# warns, courses.W001).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A message is acknowledged when its task has finished, not when a worker takes it, and
# one whose worker died is handed out again: to another worker at once when a pool
# process dies, or after the visibility timeout (Redis) or the lost connection
# (RabbitMQ) when the whole worker does. Tasks are idempotent, so a second run is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # the outbox row is the result
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis only: an unacknowledged message goes back to the queue after this many
    # seconds. Longer than any task and any retry delay, or a task would run twice.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # Look for overdue messages on every 10 s sweep (one ZRANGE); kombu's default scans
    # on every 10th, so a dead worker's message would wait 100 s past its timeout.
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues mail while the broker is down waits at most about a second;
# its rows stay in the outbox and the sweep queues them again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # keep the JSON log lines
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "courses.tasks.outbox_sweep", "schedule": 300.0},
    # Daily; a day missed is caught up on the next run (courses/services/reminders.py).
    "renewal-reminders": {
        "task": "courses.tasks.renewal_reminders_send_due",
        "schedule": crontab(hour=7, minute=0),
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Shown in the footer and on certificates unless the admin sets its own.
SITE_NAME = env.str("SITE_NAME", default="Helping Professions CE")
MFA_TOTP_ISSUER = SITE_NAME  # the name authenticator apps show
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# The hours justification warns when a course's CE hours exceed its estimated study
# time by more than this share.
CE_HOURS_MARGIN_PERCENT = env.int("CE_HOURS_MARGIN_PERCENT", default=20)
# A section page that is on screen, or whose audio plays, beats this often
# (static/js/reading.js); the server credits at most this plus BEAT_SLACK_SECONDS a beat.
READING_BEAT_SECONDS = 15

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
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Every record as one JSON line on stdout; gunicorn.conf.py uses the same dict.
LOGGING = logging_config(env.str("LOG_LEVEL", default="INFO"))
