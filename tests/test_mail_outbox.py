"""The outbox: every email is a row in the sender's transaction, sent once by a task.

These run the task in the test's own process (as development does, without a broker)
against a real SMTP server on loopback; tests/test_mail_faults_pg.py and
tests/test_mail_worker_pg.py run it in real workers.
"""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ceapp.celery import app as celery_app
from courses.models import OutboundEmail, OutboundEmailStatus
from courses.selectors.mail import outbox_health
from courses.services.certificates import certificate_issue
from courses.services.mail import outbound_email_enqueue_due, retry_delay
from courses.tasks import outbox_sweep, send_outbound_email
from tests.factories import CompletedEnrollmentFactory
from tests.mail_servers import Fault
from tests.second_factor import force_login_with_second_factor
from tests.security_data import registrar

pytestmark = pytest.mark.django_db


def queue_one(django_capture_on_commit_callbacks, subject="Hello"):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail(subject, "Body text.", None, ["dana@example.org"])
    return OutboundEmail.objects.get(subject=subject)


def wait_out(email):
    """The backoff has passed: the email is due now."""
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    email.refresh_from_db()


def test_an_email_is_a_row_until_commit_then_sent_once(
    smtp_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_mail("Your certificate is ready", "Body text.", None, ["dana@example.org"])
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts, email.recipients) == (
        OutboundEmailStatus.PENDING,
        0,
        "dana@example.org",
    )
    assert smtp_mail.deliveries == []  # nothing leaves before the transaction commits

    [enqueue] = callbacks
    enqueue()

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutboundEmailStatus.SENT, 1, "")
    assert email.sent_at is not None
    [delivery] = smtp_mail.deliveries
    assert delivery.recipients == ("dana@example.org",)
    assert delivery.message_id == email.message_id
    assert delivery.subject == "Your certificate is ready"
    assert delivery.body.strip() == "Body text."


def test_a_rolled_back_change_sends_nothing(smtp_mail, django_capture_on_commit_callbacks):
    enrollment = CompletedEnrollmentFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        certificate_issue(enrollment=enrollment)
        raise RuntimeError("the request failed after issuing")
    assert OutboundEmail.objects.count() == 0
    assert smtp_mail.deliveries == []


def test_a_task_run_twice_sends_once(smtp_mail, django_capture_on_commit_callbacks):
    email = queue_one(django_capture_on_commit_callbacks)

    # The broker hands the message out again (a worker died before acknowledging it),
    # or the sweep queued a second task for it.
    assert send_outbound_email.apply(args=[email.pk]).get() == "nothing to do"

    assert len(smtp_mail.deliveries) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_a_temporary_failure_waits_with_backoff_and_the_sweep_sends_it(
    smtp_mail, django_capture_on_commit_callbacks
):
    smtp_mail.fault = Fault.TEMPFAIL
    before = timezone.now()
    email = queue_one(django_capture_on_commit_callbacks)

    email.refresh_from_db()
    assert email.status == OutboundEmailStatus.PENDING
    assert email.attempts == 1
    assert email.last_error.startswith("SMTPDataError: (451")
    assert email.next_attempt_at >= before + timedelta(seconds=retry_delay(1))
    assert smtp_mail.deferred == 1 and smtp_mail.deliveries == []

    # Not yet due: the sweep leaves it to its own retry, and a task delivered early (a
    # redelivery, or the retry and the sweep at once) leaves it waiting.
    with django_capture_on_commit_callbacks(execute=True):
        assert outbound_email_enqueue_due(due_before=timezone.now()) == 0
    assert send_outbound_email.apply(args=[email.pk]).get() == "nothing to do"
    assert OutboundEmail.objects.get(pk=email.pk).attempts == 1
    smtp_mail.fault = Fault.ACCEPT
    wait_out(email)
    assert outbound_email_enqueue_due(due_before=email.next_attempt_at + timedelta(seconds=1)) == 1

    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmailStatus.SENT, 2)
    assert [d.message_id for d in smtp_mail.deliveries] == [email.message_id]


def test_a_hung_server_costs_one_timeout_per_attempt(smtp_mail, django_capture_on_commit_callbacks):
    smtp_mail.fault = Fault.HANG
    started = timezone.now()
    email = queue_one(django_capture_on_commit_callbacks)
    took = (timezone.now() - started).total_seconds()

    email.refresh_from_db()
    assert email.status == OutboundEmailStatus.PENDING
    assert "timed out" in email.last_error
    assert 1 <= took < 3  # EMAIL_TIMEOUT is 1 s
    assert smtp_mail.hung == 1 and smtp_mail.deliveries == []


def test_a_permanent_refusal_is_not_retried(smtp_mail, django_capture_on_commit_callbacks):
    email = queue_one(django_capture_on_commit_callbacks, subject="First")
    smtp_mail.fault = Fault.REJECT
    refused = queue_one(django_capture_on_commit_callbacks, subject="Second")

    refused.refresh_from_db()
    assert refused.status == OutboundEmailStatus.FAILED
    assert refused.last_error.startswith("SMTPDataError: (550")
    assert outbound_email_enqueue_due(due_before=timezone.now() + timedelta(days=1)) == 0
    assert [d.message_id for d in smtp_mail.deliveries] == [email.message_id]


def test_a_refused_sign_in_is_the_servers_fault_and_is_retried_not_dropped(
    smtp_mail, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "mailer", "rotated-yesterday"
    smtp_mail.fault = Fault.BAD_LOGIN
    email = queue_one(django_capture_on_commit_callbacks)

    email.refresh_from_db()
    assert email.last_error.startswith("SMTPAuthenticationError: (535")
    assert (email.status, email.attempts) == (OutboundEmailStatus.PENDING, 1)

    smtp_mail.fault = Fault.ACCEPT  # the password is put right
    wait_out(email)
    outbound_email_enqueue_due(due_before=email.next_attempt_at + timedelta(seconds=1))
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmailStatus.SENT, 2)


def test_it_gives_up_after_the_last_attempt(
    smtp_mail, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_MAX_ATTEMPTS = 2
    smtp_mail.fault = Fault.REFUSE
    email = queue_one(django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmailStatus.PENDING, 1)

    with django_capture_on_commit_callbacks(execute=True):
        outbox_sweep.apply()  # queues nothing: the retry is not overdue yet
    wait_out(email)
    outbound_email_enqueue_due(due_before=email.next_attempt_at + timedelta(seconds=1))

    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmailStatus.FAILED, 2)
    assert "Connection refused" in email.last_error


def test_beat_schedules_the_sweep_every_five_minutes():
    entry = celery_app.conf.beat_schedule["outbox-sweep"]
    assert entry["schedule"] == 300.0
    assert celery_app.tasks[entry["task"]] is outbox_sweep._get_current_object()


def test_retry_delay_doubles_up_to_its_cap(settings):
    settings.EMAIL_RETRY_DELAY, settings.EMAIL_RETRY_DELAY_MAX = 30, 900
    assert [retry_delay(n) for n in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]


def test_html_alternatives_attachments_and_headers_survive_the_outbox(
    outbox, django_capture_on_commit_callbacks
):
    message = EmailMultiAlternatives(
        "Verify your email",
        "Open the link.",
        "CE Office <ce@example.org>",
        ["dana@example.org"],
        cc=["audit@example.org"],
        bcc=["archive@example.org"],
        reply_to=["help@example.org"],
        headers={"X-Kind": "verification"},
    )
    message.attach_alternative("<p>Open the <a href='#'>link</a>.</p>", "text/html")
    message.attach("notes.txt", b"plain notes", "text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        message.send()

    email = OutboundEmail.objects.get()
    assert email.recipients == "dana@example.org, audit@example.org, archive@example.org"
    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.from_email) == (
        "Verify your email",
        "Open the link.",
        "CE Office <ce@example.org>",
    )
    assert (sent.to, sent.cc, sent.bcc, sent.reply_to) == (
        ["dana@example.org"],
        ["audit@example.org"],
        ["archive@example.org"],
        ["help@example.org"],
    )
    assert sent.alternatives[0][1] == "text/html"
    assert sent.attachments[0][:2] == ("notes.txt", "plain notes")
    assert sent.extra_headers["X-Kind"] == "verification"
    assert sent.message()["Message-ID"] == email.message_id


# Watching the outbox ------------------------------------------------------------------


def _row(status, *, age, n=[0]):  # noqa: B006  # a counter for unique Message-IDs
    n[0] += 1
    return OutboundEmail.objects.create(
        message_id=f"<{n[0]}@test>",
        subject="Your certificate is ready: Ethics",
        recipients="dana@example.org",
        message={},
        status=status,
        created_at=timezone.now() - age,
        sent_at=timezone.now() if status == OutboundEmailStatus.SENT else None,
        last_error="SMTPDataError: (550, b'No such mailbox')" if status == "failed" else "",
    )


def test_outbox_health_counts_the_backlog_its_oldest_and_the_failures(
    django_assert_num_queries,
):
    _row(OutboundEmailStatus.SENT, age=timedelta(hours=3))
    _row(OutboundEmailStatus.PENDING, age=timedelta(minutes=20))
    _row(OutboundEmailStatus.PENDING, age=timedelta(minutes=2))
    _row(OutboundEmailStatus.FAILED, age=timedelta(hours=2))
    _row(OutboundEmailStatus.FAILED, age=timedelta(days=3))  # older than a day

    with django_assert_num_queries(1):  # one aggregate over the outbox
        health = outbox_health()

    assert health["pending"] == 2
    assert 20 * 60 <= health["oldest_pending_seconds"] < 21 * 60
    assert health["failed_last_day"] == 1


def test_outbox_status_command_fails_a_monitoring_check_when_mail_is_stuck():
    _row(OutboundEmailStatus.PENDING, age=timedelta(minutes=20))
    out = StringIO()
    call_command("outbox_status", stdout=out)
    assert json.loads(out.getvalue())["pending"] == 1

    call_command("outbox_status", "--max-age", "1800", stdout=StringIO())  # 20 min is fine
    with pytest.raises(CommandError, match="is a worker running"):
        call_command("outbox_status", "--max-age", "900", stdout=StringIO())


def test_only_superusers_see_the_outbox_in_the_admin_and_never_a_body(admin_client, client):
    email = _row(OutboundEmailStatus.FAILED, age=timedelta(hours=1))
    email.message = {"body": "Reset your password: https://ce.example.org/reset/secret-token/"}
    email.save()
    url = reverse("admin:courses_outboundemail_change", args=[email.pk])

    page = admin_client.get(url).content.decode()
    assert "No such mailbox" in page and "dana@example.org" in page
    assert "secret-token" not in page
    assert admin_client.post(url, {"status": "sent"}).status_code == 403

    force_login_with_second_factor(client, registrar())
    assert client.get(reverse("admin:courses_outboundemail_changelist")).status_code == 403


def test_a_superuser_sends_failed_emails_again_once_the_fault_is_put_right(
    admin_client, smtp_mail, django_capture_on_commit_callbacks
):
    sent = queue_one(django_capture_on_commit_callbacks, subject="Sent")
    smtp_mail.fault = Fault.REJECT
    failed = queue_one(django_capture_on_commit_callbacks, subject="Failed")
    smtp_mail.fault = Fault.ACCEPT  # the mailbox is set up again
    changelist = reverse("admin:courses_outboundemail_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist, {"action": "send_again", "_selected_action": [failed.pk, sent.pk]}
        )

    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts) == (OutboundEmailStatus.SENT, 1)
    assert (sent.status, sent.attempts) == (OutboundEmailStatus.SENT, 1)  # left alone
    assert [d.message_id for d in smtp_mail.deliveries] == [sent.message_id, failed.message_id]
    assert "1 failed email(s) queued" in admin_client.get(changelist).content.decode()
