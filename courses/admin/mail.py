"""The outbox in the admin: what is waiting, what was sent, what failed and why.

Superusers only (no staff group has rights on it), read-only but for sending failed
emails again, and never the body: verification and password-reset emails carry
sign-in links.
"""

from django.contrib import admin

from courses.admin.learning import ReadOnlyMixin
from courses.models import OutboundEmail
from courses.services.mail import outbound_email_send_again


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
    actions = ["send_again"]

    @admin.action(description="Send the selected failed emails again", permissions=["send"])
    def send_again(self, request, queryset):
        count = outbound_email_send_again(email_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{count} failed email(s) queued to send again.")

    def has_send_permission(self, request):
        return request.user.is_superuser
