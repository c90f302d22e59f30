"""Celery tasks (ceapp/celery.py finds them here). Each is idempotent: the broker may
deliver a message twice, and the sweep may queue a task that is already queued."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from courses.models import OutboundEmailStatus
from courses.services.mail import outbound_email_enqueue_due, outbound_email_send
from courses.services.reminders import renewal_reminders_send

# A pending email this long past due has lost its task (a backlog can make a task late,
# but not this late), so the sweep queues another.
SWEEP_GRACE = timedelta(minutes=10)


@shared_task(bind=True, max_retries=None)
def send_outbound_email(self, email_id: int) -> str:
    email = outbound_email_send(email_id=email_id)
    if email is None:
        return "nothing to do"
    if email.status != OutboundEmailStatus.PENDING:
        return email.status
    if self.request.is_eager:
        # No worker to come back later (development without a broker): the row waits
        # for the sweep rather than the request retrying in a loop.
        return "will retry"
    countdown = max((email.next_attempt_at - timezone.now()).total_seconds(), 0)
    raise self.retry(countdown=countdown)


@shared_task
def outbox_sweep() -> int:
    """Every few minutes (beat): queue again the emails whose task was lost."""
    return outbound_email_enqueue_due(due_before=timezone.now() - SWEEP_GRACE)


@shared_task
def renewal_reminders_send_due() -> int:
    """Daily (beat): renewal reminders due today; a second run the same day sends nothing."""
    return renewal_reminders_send(on=timezone.localdate())
