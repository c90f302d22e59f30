"""The production profile: settings from the environment, deploy checks, database
connections, Redis, S3 media, email and gunicorn.

Settings are read once at import, so each case loads ceapp/settings.py afresh with a
given environment (or runs manage.py in a subprocess).
"""

import json
import multiprocessing
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.template import engines

from tests.second_factor import force_login_with_second_factor

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "ceapp" / "settings.py"
GUNICORN_CONF = ROOT / "ceapp" / "gunicorn.conf.py"

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "prod-" + "Zq8vX2mN4bR7tY1wK6pL3sD9fG5hJ0cV" * 2,
    "ALLOWED_HOSTS": "ce.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://ce.example.org",
    "DATABASE_URL": "postgres://ce:pw@db.internal:5432/ce",
    "SITE_URL": "https://ce.example.org",
    "CELERY_BROKER_URL": "redis://queue.internal:6379/0",
}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def load(path, **env):
    """Run a settings or config file with exactly this environment; return its names."""
    with mock.patch.dict(os.environ, env, clear=True):
        return runpy.run_path(str(path))


def manage(*args, **env):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def postgres_url():
    """The maintenance database of the PostgreSQL the suite uses (or the local one)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url.rsplit("/", 1)[0] + "/postgres"
    return "postgres://postgres@127.0.0.1:5432/postgres"


# --- Settings from the environment ---------------------------------------------


def test_a_fresh_process_without_environment_has_debug_off():
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings as s; "
            "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)",
        ],
        cwd=ROOT,
        env={},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["False", "True", "True"]


def test_no_environment_means_the_production_profile_with_local_defaults():
    s = load(SETTINGS)

    assert s["DEBUG"] is False
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert s["CACHES"]["default"]["BACKEND"].endswith("DatabaseCache")
    assert s["CACHES"]["content"]["BACKEND"].endswith("LocMemCache")
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert s["EMAIL_BACKEND"] == "courses.mail.OutboxBackend"
    assert s["EMAIL_DELIVERY_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_without_a_secret_key_and_debug_off_each_process_makes_up_its_own():
    first, second = load(SETTINGS)["SECRET_KEY"], load(SETTINGS)["SECRET_KEY"]

    assert first != second  # nothing published, nothing shared
    assert first != load(SETTINGS, DEBUG="1")["SECRET_KEY"]
    assert len(first) >= 50


def test_development_is_debug_on_explicitly():
    s = load(SETTINGS, DEBUG="1")

    assert s["DEBUG"] is True
    assert "SECURE_SSL_REDIRECT" not in s
    assert s["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
    assert s["STORAGES"]["staticfiles"]["BACKEND"].endswith(".StaticFilesStorage")
    assert s["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert s["CACHES"]["default"]["BACKEND"].endswith("DatabaseCache")
    assert s["CACHES"]["content"]["BACKEND"].endswith("LocMemCache")
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert s["EMAIL_BACKEND"] == "courses.mail.OutboxBackend"
    assert s["EMAIL_DELIVERY_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    # Nothing to install: tasks run in the process that queues them.
    assert s["CELERY_TASK_ALWAYS_EAGER"] is True


def test_production_environment_turns_on_https_and_postgresql():
    s = load(SETTINGS, **PRODUCTION)

    assert s["DEBUG"] is False
    assert s["ALLOWED_HOSTS"] == ["ce.example.org"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://ce.example.org"]
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    db = s["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["OPTIONS"]["server_side_binding"] is True  # so repeated queries get prepared
    assert db["HOST"] == "db.internal"
    assert db["CONN_MAX_AGE"] == 60
    assert db["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in db.get("OPTIONS", {})
    assert s["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_prepared_statements_can_be_switched_off_for_pgbouncer():
    on = load(SETTINGS, **PRODUCTION)["DATABASES"]["default"]
    off = load(SETTINGS, **PRODUCTION, DB_PREPARED_STATEMENTS="0")["DATABASES"]["default"]

    assert on["OPTIONS"]["prepare_threshold"] == 5
    assert off["OPTIONS"]["prepare_threshold"] is None


@pytest.mark.parametrize("env", [{}, PRODUCTION], ids=["development", "production"])
def test_the_cached_template_loader_is_configured_explicitly(env):
    [templates] = load(SETTINGS, **env)["TEMPLATES"]

    [(loader, wrapped)] = templates["OPTIONS"]["loaders"]
    assert loader == "django.template.loaders.cached.Loader"
    assert wrapped == [
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]


def test_templates_are_compiled_once_per_process():
    engine = engines["django"].engine

    assert type(engine.template_loaders[0]).__module__ == "django.template.loaders.cached"
    assert engine.get_template("base.html") is engine.get_template("base.html")


def test_the_deploy_check_fails_without_a_secret_key():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]

    result = manage("check", "--deploy", **env)  # at the default level: this is an error

    assert result.returncode != 0
    assert "ceapp.E001" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


# --- manage.py check --deploy ----------------------------------------------------


def test_deploy_check_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_on_a_weak_secret_key():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "SECRET_KEY": "short"}
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_deploy_check_warns_when_no_broker_would_send_mail_in_the_request():
    env = {k: v for k, v in PRODUCTION.items() if k != "CELERY_BROKER_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode != 0
    assert "courses.W001" in result.stdout + result.stderr
    assert "No task broker" in result.stdout + result.stderr


# --- Task queue ---------------------------------------------------------------------


def test_tasks_use_redis_url_as_broker_with_late_acks_and_a_visibility_timeout():
    s = load(
        SETTINGS,
        **{k: v for k, v in PRODUCTION.items() if k != "CELERY_BROKER_URL"},
        REDIS_URL="redis://cache.internal:6379/0",
    )

    assert s["CELERY_BROKER_URL"] == "redis://cache.internal:6379/0"
    assert s["CELERY_TASK_ALWAYS_EAGER"] is False
    assert s["CELERY_TASK_ACKS_LATE"] is True
    assert s["CELERY_TASK_REJECT_ON_WORKER_LOST"] is True
    assert s["CELERY_WORKER_PREFETCH_MULTIPLIER"] == 1
    assert s["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] == 3600
    assert s["CELERY_BEAT_SCHEDULE"]["outbox-sweep"]["task"] == "courses.tasks.outbox_sweep"


def test_celery_broker_url_takes_rabbitmq_before_redis_url():
    s = load(
        SETTINGS,
        **{
            **PRODUCTION,
            "REDIS_URL": "redis://cache.internal:6379/0",
            "CELERY_BROKER_URL": "amqp://ce:pw@mq.internal:5672//",
        },
    )

    assert s["CELERY_BROKER_URL"] == "amqp://ce:pw@mq.internal:5672//"
    assert s["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/0"


# --- Database connections --------------------------------------------------------


def test_db_pool_switches_to_psycopg_pool_without_persistent_connections():
    db = load(SETTINGS, **PRODUCTION, DB_POOL="1", DB_POOL_MAX_SIZE="8")["DATABASES"]["default"]

    assert db["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections
    assert db["OPTIONS"]["pool"]["max_size"] == 8
    assert db["CONN_HEALTH_CHECKS"] is True


def test_db_pool_needs_postgresql():
    with pytest.raises(ImproperlyConfigured, match="DB_POOL=1 needs a PostgreSQL"):
        load(SETTINGS, DB_POOL="1")


# Five simulated requests against the real PostgreSQL: connections are reused, and
# when PostgreSQL drops them (a restart) the next request gets a working one.
REQUESTS_SCRIPT = textwrap.dedent(
    """
    import json, os, django, psycopg
    django.setup()
    from django.core import signals
    from django.db import connection, connections

    def request():
        signals.request_started.send(sender=None)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        signals.request_finished.send(sender=None)
        return pid

    before = [request() for _ in range(5)]
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as admin:
        for pid in set(before):
            # Returns once the backend has gone, as after a restart.
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    after = request()
    print(json.dumps({
        "before": before,
        "after": after,
        "pool": connection.pool is not None,
        "backend": type(connections["default"]).__module__,
    }))
    """
)


@pytest.mark.parametrize(
    ("env", "most_backends"),
    [({}, 1), ({"DB_POOL": "1", "DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "2"}, 2)],
    ids=["persistent", "pool"],
)
def test_postgresql_connections_are_reused_and_recover(env, most_backends):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", REQUESTS_SCRIPT],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "ceapp.settings",
            **PRODUCTION,
            "DATABASE_URL": postgres_url(),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr

    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["backend"] == "django.db.backends.postgresql.base"  # Django's own
    assert seen["pool"] is ("DB_POOL" in env)
    assert len(set(seen["before"])) <= most_backends
    assert seen["after"] not in seen["before"]


# --- Redis: cache and sessions across app servers -----------------------------------


@pytest.fixture
def redis_cache(settings):
    """The project's REDIS_URL settings, pointed at the local Redis, keys isolated."""
    import redis

    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"No Redis at {REDIS_URL}: CI must have one running.")
        pytest.skip(f"No Redis at {REDIS_URL} (CI fails here instead).")
    loaded = load(SETTINGS, REDIS_URL=REDIS_URL)
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {**loaded["CACHES"]["default"], "KEY_PREFIX": prefix}}
    settings.SESSION_ENGINE = loaded["SESSION_ENGINE"]
    yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def test_redis_url_selects_redis_cache_and_durable_sessions():
    s = load(SETTINGS, REDIS_URL="redis://cache.internal:6379/1")

    assert s["CACHES"]["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert s["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/1"
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_the_cache_round_trips_through_redis(redis_cache):
    server, prefix = redis_cache

    cache.set("greeting", {"hello": "clinician"}, 60)

    assert cache.get("greeting") == {"hello": "clinician"}
    assert server.exists(f"{prefix}:1:greeting")


def test_sessions_are_in_redis_and_survive_losing_it(redis_cache, client, staff):
    server, prefix = redis_cache

    force_login_with_second_factor(client, staff)

    session_key = client.cookies["sessionid"].value
    assert list(server.scan_iter(f"{prefix}:*{session_key}"))
    assert Session.objects.filter(session_key=session_key).exists()
    # Redis restarts empty: the session is read back from the database.
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    assert client.get("/admin/").status_code == 200


def test_a_redis_outage_degrades_to_the_database(settings, client, staff):
    loaded = load(SETTINGS, REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    settings.CACHES = loaded["CACHES"]
    settings.SESSION_ENGINE = loaded["SESSION_ENGINE"]

    assert cache.get("anything") is None
    force_login_with_second_factor(client, staff)
    assert client.get("/admin/").status_code == 200


# --- S3-compatible media ------------------------------------------------------------

S3_ENV = {
    "MEDIA_STORAGE": "s3",
    "AWS_STORAGE_BUCKET_NAME": "ce-media",
    "AWS_S3_ENDPOINT_URL": "https://objects.example.test",
    "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE00",
    "AWS_SECRET_ACCESS_KEY": "example-secret-access-key",
}


def test_s3_media_settings_import_and_urls_point_at_the_bucket():
    from storages.backends.s3 import S3Storage

    storage = load(SETTINGS, **PRODUCTION, **S3_ENV)["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"

    with mock.patch.dict(os.environ, S3_ENV):
        url = S3Storage(**storage["OPTIONS"]).url("audio/2026/01/section-1.mp3")

    assert url.startswith("https://objects.example.test/ce-media/audio/2026/01/section-1.mp3?")
    assert "X-Amz-Signature=" in url


def test_s3_media_without_a_bucket_is_refused():
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        load(SETTINGS, MEDIA_STORAGE="s3")


def test_an_unknown_media_storage_is_refused():
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE must be"):
        load(SETTINGS, MEDIA_STORAGE="ftp")


# --- Email ------------------------------------------------------------------------------


def test_email_host_selects_smtp_with_tls():
    s = load(
        SETTINGS, EMAIL_HOST="smtp.example.org", EMAIL_HOST_USER="ce", EMAIL_HOST_PASSWORD="pw"
    )

    assert s["EMAIL_BACKEND"] == "courses.mail.OutboxBackend"
    assert s["EMAIL_DELIVERY_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (s["EMAIL_HOST"], s["EMAIL_PORT"]) == ("smtp.example.org", 587)
    assert (s["EMAIL_USE_TLS"], s["EMAIL_USE_SSL"]) == (True, False)
    assert (s["EMAIL_HOST_USER"], s["EMAIL_HOST_PASSWORD"]) == ("ce", "pw")


def test_email_over_implicit_ssl():
    s = load(SETTINGS, EMAIL_HOST="smtp.example.org", EMAIL_PORT="465", EMAIL_USE_SSL="1")

    assert s["EMAIL_PORT"] == 465
    assert (s["EMAIL_USE_TLS"], s["EMAIL_USE_SSL"]) == (False, True)


# --- gunicorn ---------------------------------------------------------------------------


def test_gunicorn_logs_through_the_settings_logging_dict():
    conf, settings = load(GUNICORN_CONF, LOG_LEVEL="WARNING"), load(SETTINGS, LOG_LEVEL="WARNING")

    assert conf["logconfig_dict"] == settings["LOGGING"]
    assert settings["LOGGING"]["root"]["level"] == "WARNING"
    assert settings["LOGGING"]["loggers"]["gunicorn.access"]["handlers"] == []


def test_gunicorn_defaults():
    conf = load(GUNICORN_CONF)

    assert conf["wsgi_app"] == "ceapp.wsgi:application"
    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert conf["threads"] == 1
    assert conf["accesslog"] is None
    assert conf["max_requests"] > 0
    assert 0 < conf["max_requests_jitter"] < conf["max_requests"]
    assert conf["preload_app"] is True  # a recycled worker is a fork, not a new import
    assert load(GUNICORN_CONF, GUNICORN_PRELOAD="0")["preload_app"] is False
    assert conf["timeout"] == 30
    assert conf["forwarded_allow_ips"] == "127.0.0.1,::1"


@pytest.mark.parametrize(
    ("env", "bind"),
    [
        ({"PORT": "9000"}, ["0.0.0.0:9000"]),
        ({"PORT": "9000", "GUNICORN_BIND": "unix:/run/ce.sock"}, ["unix:/run/ce.sock"]),
        ({"GUNICORN_BIND": "10.0.0.11:8000,127.0.0.1:8000"}, ["10.0.0.11:8000", "127.0.0.1:8000"]),
    ],
)
def test_gunicorn_bind_from_the_environment(env, bind):
    assert load(GUNICORN_CONF, **env)["bind"] == bind


def test_gunicorn_workers_threads_and_proxies_from_the_environment():
    assert load(GUNICORN_CONF, WEB_CONCURRENCY="3")["workers"] == 3
    conf = load(
        GUNICORN_CONF,
        WEB_CONCURRENCY="3",
        GUNICORN_WORKERS="4",
        GUNICORN_THREADS="8",
        FORWARDED_ALLOW_IPS="10.0.0.2",
    )
    assert (conf["workers"], conf["threads"]) == (4, 8)
    assert conf["forwarded_allow_ips"] == "10.0.0.2"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        with error:  # an unread reply left open would hold a worker at shutdown
            return error.code, dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_gunicorn_serves_the_app_with_one_json_line_per_request(tmp_path):
    (tmp_path / "media").mkdir()
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            **PRODUCTION,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            # Shutdown waits at most this long for a worker, well inside communicate()'s
            # 30 s: at gunicorn's default of 30 s the two race.
            "GUNICORN_GRACEFUL_TIMEOUT": "5",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch(f"{base}/healthz", {"X-Request-ID": "warm-up"})
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        health = fetch(f"{base}/healthz", {"X-Request-ID": "probe-1"})
        ready = fetch(f"{base}/readyz")
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"{base}/accessibility/", timeout=5)
        redirect.value.close()
    finally:
        server.send_signal(signal.SIGTERM)
        stdout, stderr = server.communicate(timeout=30)

    assert health[0] == 200
    assert health[1]["X-Request-ID"] == "probe-1"
    assert ready[0] == 200
    assert redirect.value.code == 301  # plain HTTP to a page: off to HTTPS

    lines = [json.loads(line) for line in stdout.splitlines()]  # every line is JSON
    requests = [line for line in lines if line["logger"] == "ceapp.request"]
    assert [(r["path"], r["status"]) for r in requests] == [
        ("/healthz", 200),
        ("/healthz", 200),
        ("/readyz", 200),
        ("/accessibility/", 301),
    ]
    assert requests[1]["request_id"] == "probe-1"
    assert not [line for line in lines if line["logger"] == "gunicorn.access"]
    messages = [line["message"] for line in lines if line["logger"] == "gunicorn.error"]
    assert "Using worker: sync" in messages
    assert sum(message.startswith("Booting worker") for message in messages) == 2
    assert "Traceback" not in stderr


def start_gunicorn(port, env):
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            fetch(f"http://127.0.0.1:{port}/healthz")
            return server
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)


def test_rate_limits_hold_across_app_servers_without_redis(tmp_path):
    """Two app servers on one database and no Redis, a client's requests alternating
    between them: the 21st unknown certificate code and the 6th password reset for one
    address within the hour are refused, as on one server."""
    env = {
        "PATH": os.environ["PATH"],
        **PRODUCTION,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "1",  # static files as they are, without collectstatic
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path),
        "GUNICORN_WORKERS": "1",
        "CELERY_BROKER_URL": "",  # the reset email is sent in the request, to the console
    }
    migrated = manage("migrate", "--noinput", **env)
    assert migrated.returncode == 0, migrated.stderr
    ports = [free_port(), free_port()]
    servers = [start_gunicorn(port, env) for port in ports]
    try:
        codes = [f"ZZZZ-ZZZZ-{n:04d}".replace("0", "A") for n in range(22)]
        verifications = [
            fetch(f"http://127.0.0.1:{ports[n % 2]}/verify/{code}/")[0]
            for n, code in enumerate(codes)
        ]
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(), NoRedirect)
        resets = [
            form_post(
                browser,
                f"http://127.0.0.1:{ports[n % 2]}/accounts/password/reset/",
                {"email": "dana@example.org"},
            )
            for n in range(6)
        ]
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.communicate(timeout=30)

    assert verifications == [404] * 20 + [429, 429]
    assert resets == [302] * 5 + [429]


def form_post(opener, url, data):
    """GET the form for its CSRF token, then POST it; the response's status."""
    with opener.open(url, timeout=5) as page:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token.group(1)}).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
