"""What to watch in the outbox: the backlog, its oldest email and the failures."""

from datetime import timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from courses.models import OutboundEmail, OutboundEmailStatus


def outbox_health() -> dict:
    """Pending emails, the age in seconds of the oldest one (0 when none), and the
    emails that failed for good within the last day. One query."""
    now = timezone.now()
    pending = Q(status=OutboundEmailStatus.PENDING)
    failed = Q(status=OutboundEmailStatus.FAILED, created_at__gte=now - timedelta(days=1))
    row = OutboundEmail.objects.aggregate(
        pending=Count("pk", filter=pending),
        oldest=Min("created_at", filter=pending),
        failed=Count("pk", filter=failed),
    )
    oldest = row["oldest"]
    return {
        "pending": row["pending"],
        "oldest_pending_seconds": round((now - oldest).total_seconds()) if oldest else 0,
        "failed_last_day": row["failed"],
    }
