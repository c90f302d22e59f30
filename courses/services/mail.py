"""The outbox: queue an email in the caller's transaction, send it once, find the lost.

Exactly once, and where that stops: a send holds the row's lock from the check "not
sent yet" to the mark "sent", so two deliveries of one task, or a task and the sweep,
never both send. The one gap is a worker that dies after the mail server has accepted
the message and before "sent" commits (a single-row update): the lock
goes with its connection, the row is still pending, and the next try sends again. The
second copy carries the same Message-ID, by which mail systems recognise a duplicate.
"""

import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.message import make_msgid
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.utils import timezone

from courses.models import OutboundEmail, OutboundEmailStatus

ERROR_LENGTH = 2000


def _enqueue(email_id: int) -> None:
    from courses.tasks import send_outbound_email

    send_outbound_email.delay(email_id)


def outbound_email_queue(*, message: EmailMessage) -> OutboundEmail:
    """Keep the message as a row; after commit, a task sends it.

    One insert in the caller's transaction, with no savepoint of its own: the row
    commits or rolls back with the change the email announces.
    """
    email = OutboundEmail.objects.create(
        message_id=message.extra_headers.get("Message-ID") or make_msgid(domain=DNS_NAME),
        subject=message.subject[:998],
        recipients=", ".join(message.recipients()),
        message=OutboundEmail.parts_of(message),
    )
    # robust: a broker that is down must not fail the request; the sweep queues it later.
    transaction.on_commit(lambda: _enqueue(email.pk), robust=True)
    return email


def _permanent(error: Exception) -> bool:
    """The server refused this message for good: every recipient, or its content, with a
    5xx. A 5xx to the sign-in or the sender is the server's set-up, which gets put right,
    so those are retried like any other fault."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def retry_delay(attempts: int) -> float:
    """Seconds before the next try: EMAIL_RETRY_DELAY, doubling up to EMAIL_RETRY_DELAY_MAX."""
    return min(settings.EMAIL_RETRY_DELAY * 2 ** (attempts - 1), settings.EMAIL_RETRY_DELAY_MAX)


@transaction.atomic
def outbound_email_send(*, email_id: int) -> OutboundEmail | None:
    """Send a pending email and record what happened.

    Returns None when there is nothing to do: it was sent, it failed for good, it is
    not due yet (a redelivered task must not skip the backoff), or another worker is
    sending it right now. A returned row still pending failed this time and is due
    again at next_attempt_at.
    """
    email = (
        OutboundEmail.objects.select_for_update(skip_locked=True)
        .filter(
            pk=email_id,
            status=OutboundEmailStatus.PENDING,
            next_attempt_at__lte=timezone.now(),
        )
        .first()
    )
    if email is None:
        return None
    email.attempts += 1
    try:
        # The delivery backend keeps EMAIL_TIMEOUT on every step of the conversation.
        email.to_message(connection=get_connection(settings.EMAIL_DELIVERY_BACKEND)).send()
    except Exception as error:  # every failure is recorded; the task decides on a retry
        email.last_error = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        if _permanent(error) or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            email.status = OutboundEmailStatus.FAILED
        else:
            email.next_attempt_at = timezone.now() + timedelta(seconds=retry_delay(email.attempts))
    else:
        email.status = OutboundEmailStatus.SENT
        email.sent_at = timezone.now()
    email.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "sent_at"])
    return email


@transaction.atomic
def outbound_email_send_again(*, email_ids) -> int:
    """Queue failed emails again with a fresh set of tries, for when the fault that failed
    them (a long outage, a refused mailbox since fixed) is put right. Returns how many."""
    failed = OutboundEmail.objects.select_for_update().filter(
        pk__in=email_ids, status=OutboundEmailStatus.FAILED
    )
    again = list(failed.values_list("pk", flat=True))
    OutboundEmail.objects.filter(pk__in=again).update(
        status=OutboundEmailStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    for email_id in again:
        transaction.on_commit(lambda email_id=email_id: _enqueue(email_id), robust=True)
    return len(again)


def outbound_email_enqueue_due(*, due_before: datetime) -> int:
    """Queue a task again for every pending email that was due before due_before.

    Its task was lost: the broker was down at commit, restarted without saving its
    queue, or evicted it. A task that is only late finds the email sent by then and
    does nothing, so erring early costs one query.
    """
    due = list(
        OutboundEmail.objects.filter(
            status=OutboundEmailStatus.PENDING, next_attempt_at__lt=due_before
        ).values_list("pk", flat=True)
    )
    for email_id in due:
        _enqueue(email_id)
    return len(due)
