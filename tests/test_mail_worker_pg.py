"""Workers and brokers that fail: a worker killed mid-send, a Redis restarted with
tasks queued, and RabbitMQ as the broker. Deliveries are counted at a real SMTP server.

Real `celery -A ceapp worker` processes on the test database: PostgreSQL only.
"""

import os
import signal
import time
from contextlib import contextmanager

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ceapp.celery import app as celery_app
from courses.models import Certificate, OutboundEmail, OutboundEmailStatus
from courses.services.certificates import certificate_issue
from courses.services.mail import outbound_email_enqueue_due
from tests.conftest import use_broker
from tests.factories import CompletedEnrollmentFactory, booklet_course
from tests.helpers import PAGE_BUDGET, complete_course
from tests.mail_servers import Fault, RedisServer, wait_until

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the worker needs the test's database"
    ),
    pytest.mark.django_db(transaction=True),
]

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def issue(n=1):
    """n certificates, each queuing one certificate-ready email when it commits."""
    return [certificate_issue(enrollment=CompletedEnrollmentFactory()) for _ in range(n)]


def statuses():
    return list(OutboundEmail.objects.order_by("pk").values_list("status", flat=True))


def all_sent(n):
    return lambda: statuses() == [OutboundEmailStatus.SENT] * n


def assert_one_delivery_each(smtp_server, certificates):
    assert smtp_server.count_by_recipient() == {c.enrollment.learner.email: 1 for c in certificates}
    assert sorted(d.message_id for d in smtp_server.deliveries) == sorted(
        OutboundEmail.objects.values_list("message_id", flat=True)
    )


def test_a_pool_process_killed_mid_send_is_replaced_and_the_email_sent_once(
    smtp_server, start_worker
):
    """SIGKILL to the process running the task, while it waits on the mail server.

    The worker sees its pool process lost and, with reject_on_worker_lost, puts the
    message back at once; a new pool process sends it."""
    smtp_server.fault = Fault.HANG
    worker = start_worker(email_timeout=30)
    [certificate] = issue()
    wait_until(lambda: smtp_server.hung == 1, timeout=20, what="the task waiting on SMTP")
    [pool_process] = worker.pool_pids()

    os.kill(pool_process, signal.SIGKILL)
    smtp_server.fault = Fault.ACCEPT

    wait_until(all_sent(1), timeout=20, what="the email sent after the kill")
    time.sleep(1)
    assert worker.pool_pids() != [pool_process]
    assert_one_delivery_each(smtp_server, [certificate])
    assert "WorkerLostError" in worker.output()


def test_a_whole_worker_killed_mid_send_is_redelivered_to_another_and_sent_once(
    smtp_server, start_worker
):
    """SIGKILL to the worker and its pool at once, as the OOM killer or a lost machine.

    Nothing is left to put the message back: Redis holds it as unacknowledged until the
    visibility timeout (2 s here, an hour in production), then another worker gets it."""
    smtp_server.fault = Fault.HANG
    worker = start_worker(email_timeout=30, visibility_timeout=2)
    [certificate] = issue()
    wait_until(lambda: smtp_server.hung == 1, timeout=20, what="the task waiting on SMTP")

    worker.kill()
    smtp_server.fault = Fault.ACCEPT
    assert statuses() == [OutboundEmailStatus.PENDING]  # its lock died with its connection
    start_worker(visibility_timeout=2)

    # Redis's transport looks for overdue unacknowledged messages every 10 seconds.
    wait_until(all_sent(1), timeout=30, what="the email redelivered and sent")
    time.sleep(1)
    assert_one_delivery_each(smtp_server, [certificate])


@pytest.mark.parametrize("appendonly", [False, True], ids=["no-persistence", "append-only-file"])
def test_a_redis_restart_with_tasks_queued(
    appendonly, client, settings, smtp_server, start_worker, task_queue
):
    """Restart Redis while emails wait in its queue, with no worker running.

    Without persistence the queue is gone after the restart; with an append-only file
    it survives. Either way the outbox rows survive in PostgreSQL, so the sweep queues
    the lost ones again and every email arrives exactly once. While Redis is down, the
    app keeps serving: sessions are read from the database (cached_db), and a request
    that queues an email returns at once and leaves the row for the sweep."""
    redis = RedisServer(appendonly=appendonly).start()
    try:
        use_broker(redis.url, eager=False)
        settings.CACHES = {
            alias: {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": redis.url.replace("/0", "/1"),
                "OPTIONS": {
                    "SOCKET_CONNECT_TIMEOUT": 1,
                    "SOCKET_TIMEOUT": 1,
                    "IGNORE_EXCEPTIONS": True,
                },
            }
            for alias in ("default", "content", "documents")
        }
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        queued = issue(3)
        assert redis.llen("celery") == 3

        course = booklet_course(2)
        signed_in = queued[0].enrollment.learner
        client.force_login(signed_in)
        redis.stop()
        # Redis is down: a clinician signed in before stays signed in (the session is
        # read from the database), pages serve, and a learner still completes a course.
        response = client.get(reverse("courses:catalog"))
        assert response.status_code == 200
        assert response.context["user"] == signed_in
        learner, elapsed = complete_course(client, course)
        assert elapsed < PAGE_BUDGET, f"the request took {elapsed:.2f} s"
        assert Certificate.objects.filter(enrollment__learner=learner).exists()
        assert client.get(reverse("courses:catalog")).context["user"] == learner
        assert statuses() == [OutboundEmailStatus.PENDING] * 4

        redis.start()
        # What survived the restart in the queue: all three with an append-only file,
        # nothing without one. The fourth was never queued.
        assert redis.llen("celery") == (3 if appendonly else 0)

        start_worker(broker_url=redis.url)
        if appendonly:
            wait_until(
                lambda: statuses()[:3] == [OutboundEmailStatus.SENT] * 3,
                timeout=20,
                what="the surviving queue worked off",
            )
        assert statuses()[3] == OutboundEmailStatus.PENDING
        # The sweep (beat, every 5 minutes) queues what the broker lost.
        swept = outbound_email_enqueue_due(due_before=timezone.now())
        assert swept == (1 if appendonly else 4)
        wait_until(all_sent(4), timeout=20, what="every email sent after the sweep")
        time.sleep(1)
        certificates = [*queued, Certificate.objects.get(enrollment__learner=learner)]
        assert_one_delivery_each(smtp_server, certificates)
    finally:
        redis.close()


def test_rabbitmq_as_the_broker(smtp_server, start_worker, task_queue):
    """CELERY_BROKER_URL=amqp://...: the same task, through RabbitMQ on loopback."""
    use_broker(RABBITMQ_URL, eager=False)
    with emptied_default_queue(RABBITMQ_URL):
        start_worker(broker_url=RABBITMQ_URL)
        certificates = issue(2)
        wait_until(all_sent(2), timeout=20, what="the emails sent through RabbitMQ")
    assert_one_delivery_each(smtp_server, certificates)


@contextmanager
def emptied_default_queue(url):
    """The default queue empty before and after, so no other run's messages count."""

    def purge():
        with celery_app.connection_for_write(url) as conn:
            conn.default_channel.queue_declare(queue="celery", durable=True, auto_delete=False)
            conn.default_channel.queue_purge("celery")

    purge()
    try:
        yield
    finally:
        purge()
