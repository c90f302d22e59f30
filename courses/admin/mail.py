"""The outbox in the admin: what is waiting, what was sent, what failed and why.

Superusers only (no staff group has rights on it), read-only, and never the body:
verification and password-reset emails carry sign-in links.
"""

from django.contrib import admin

from courses.admin.learning import ReadOnlyMixin
from courses.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["recipients", "subject", "message_id"]
    date_hierarchy = "created_at"
    fields = [
        "subject",
        "recipients",
        "message_id",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
