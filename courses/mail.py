"""The email backend every part of the app sends through (settings.EMAIL_BACKEND).

It sends nothing itself: each message becomes an outbox row in the caller's
transaction, and a task sends it once that transaction commits. So an email exists
exactly when the change it announces does, and no request waits on a mail server.
"""

from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from courses.services.mail import outbound_email_queue

        for message in email_messages:
            outbound_email_queue(message=message)
        return len(email_messages)
