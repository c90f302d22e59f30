import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.test import Client

from ceapp.celery import app as celery_app
from ceapp.warmup import warm_up_tasks
from tests.factories import StaffFactory, UserFactory
from tests.mail_servers import CeleryWorker, RedisServer, SmtpServer, worker_env
from tests.second_factor import force_login_with_second_factor


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Every test writes uploads to its own media root and hashes passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Rolled-back tests reuse ids, so nothing cached by one test may reach the next.
    # Tasks run in the test's own process, whatever broker the environment names; the
    # worker tests (tests/test_mail_*_pg.py) start real workers instead.
    celery_app.conf.task_always_eager = True
    for cache in caches.all():
        if not isinstance(cache, DatabaseCache):  # its rows roll back with the test
            cache.clear()


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    client.user = learner
    return client


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin client (a client of its own), past the second factor the
    admin asks staff for."""
    return force_login_with_second_factor(Client(), admin_user)


@pytest.fixture
def staff_client(client, staff):
    force_login_with_second_factor(client, staff)
    client.user = staff
    return client


@pytest.fixture
def outbox(settings):
    """Email through the app's outbox, as in production, delivered into mail.outbox."""
    settings.EMAIL_BACKEND = "courses.mail.OutboxBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


# --- Real servers for the mail and task tests (tests/mail_servers.py) -------------------


@pytest.fixture
def smtp_server():
    """An SMTP server on a free loopback port that accepts until told to misbehave."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_mail(settings, smtp_server):
    """Email through the outbox, its task run in this process (as without a broker),
    delivered over SMTP to `smtp_server`; read what arrived in `smtp_server.deliveries`.
    Works for live-server browser tests too: the server thread runs the task."""
    settings.EMAIL_BACKEND = "courses.mail.OutboxBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    return smtp_server


@pytest.fixture(scope="session")
def redis_broker():
    """A private redis-server for the task tests' queues (never the shared one)."""
    server = RedisServer().start()
    yield server
    server.close()


def use_broker(url: str, *, eager: bool) -> None:
    """Point this process's Celery app at another broker (or back to running tasks in
    process), dropping the connections it holds to the previous one."""
    celery_app.conf.update(broker_url=url, task_always_eager=eager)
    celery_app._after_fork()  # what Celery does in a forked child: forget the pools


@pytest.fixture
def task_queue(settings, redis_broker):
    """Email through the outbox onto a real broker: nothing runs until a worker does."""
    settings.EMAIL_BACKEND = "courses.mail.OutboxBackend"
    use_broker(redis_broker.url, eager=False)
    warm_up_tasks()  # as the gunicorn master does before it forks the app servers
    yield redis_broker
    redis_broker.command("FLUSHALL")
    use_broker(settings.CELERY_BROKER_URL, eager=True)


@pytest.fixture
def start_worker(tmp_path, task_queue, smtp_server):
    """Start `celery -A ceapp worker` processes on the test database, the test broker and
    the test SMTP server; every one started is stopped after the test."""
    from django.db import connection

    from tests.benchmarks.load.common import database_url

    workers = []

    def start(*, wait=True, **env):
        worker_environment = worker_env(
            database_url=database_url(connection.settings_dict["NAME"]),
            broker_url=env.pop("broker_url", task_queue.url),
            smtp_port=smtp_server.port,
            **env,
        )
        worker = CeleryWorker(env=worker_environment, log_dir=tmp_path)
        workers.append(worker)
        return worker.start(wait=wait)

    yield start
    for worker in workers:
        worker.kill()  # the test is over: nothing in hand needs finishing
