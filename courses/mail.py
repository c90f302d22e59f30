"""The email backend every part of the app sends through (settings.EMAIL_BACKEND).

It sends nothing itself: each message becomes an outbox row in the caller's
transaction, and a task sends it once that transaction commits. So an email exists
exactly when the change it announces does, and no request waits on a mail server.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from courses.services.mail import outbound_email_queue

        for message in email_messages:
            outbound_email_queue(message=message)
        return len(email_messages)


@register(Tags.compatibility, deploy=True)
def check_task_broker(app_configs, **kwargs):
    """In production, mail needs a worker: without a broker, the request sends it."""
    if settings.DEBUG or not settings.CELERY_TASK_ALWAYS_EAGER:
        return []
    return [
        Warning(
            "No task broker: each email is sent inside the request that queues it.",
            hint="Set REDIS_URL or CELERY_BROKER_URL and run `celery -A ceapp worker` and "
            "`celery -A ceapp beat` (README, Running in production).",
            id="courses.W001",
        )
    ]
