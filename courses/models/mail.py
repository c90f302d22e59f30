"""The outbox: every email the app sends is first a row here, written in the same
transaction as the change it announces, then sent by a task (courses/tasks.py)."""

import base64

from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboundEmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed for good"


class OutboundEmail(models.Model):
    # The Message-ID header, fixed when the row is written, so every retry sends the
    # same message and a receiving system can tell a repeat from a new email.
    message_id = models.CharField(max_length=255, unique=True)
    subject = models.CharField(max_length=998)
    recipients = models.TextField(help_text="Every To, Cc and Bcc address, comma separated.")
    message = models.JSONField(help_text="The email's parts, as EmailMultiAlternatives takes them.")
    status = models.CharField(
        max_length=10, choices=OutboundEmailStatus.choices, default=OutboundEmailStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When a task should next try it; a pending row long past this lost its task.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "outbound email"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="outbound_email_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="outbound_email_sent_at_iff_sent",
            )
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipients}"

    @staticmethod
    def parts_of(message) -> dict:
        """What to keep of a Django EmailMessage to build the same one again later."""
        attachments = []
        for attachment in message.attachments:
            filename, content, mimetype = attachment  # a MIMEBase part is not supported
            raw = content.encode() if isinstance(content, str) else content
            attachments.append([filename, base64.b64encode(raw).decode(), mimetype])
        return {
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "cc": list(message.cc),
            "bcc": list(message.bcc),
            "reply_to": list(message.reply_to),
            "headers": dict(message.extra_headers),
            "content_subtype": message.content_subtype,
            "alternatives": [list(a) for a in getattr(message, "alternatives", [])],
            "attachments": attachments,
        }

    def to_message(self, *, connection=None) -> EmailMultiAlternatives:
        parts = self.message
        message = EmailMultiAlternatives(
            subject=parts["subject"],
            body=parts["body"],
            from_email=parts["from_email"],
            to=parts["to"],
            cc=parts["cc"],
            bcc=parts["bcc"],
            reply_to=parts["reply_to"],
            headers={**parts["headers"], "Message-ID": self.message_id},
            alternatives=[tuple(a) for a in parts["alternatives"]],
            connection=connection,
        )
        message.content_subtype = parts["content_subtype"]
        for filename, content, mimetype in parts["attachments"]:
            message.attach(filename, base64.b64decode(content), mimetype)
        return message
