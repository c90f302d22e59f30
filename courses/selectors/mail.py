"""What to watch in the outbox: the backlog, its oldest email and the failures."""

from datetime import timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from courses.models import OutboundEmail, OutboundEmailStatus


def outbox_health(*, failed_since: timedelta = timedelta(days=1)) -> dict:
    """Pending emails, the age in seconds of the oldest one (0 when none), and the
    emails that failed for good within failed_since. One query."""
    now = timezone.now()
    pending = Q(status=OutboundEmailStatus.PENDING)
    row = OutboundEmail.objects.aggregate(
        pending=Count("pk", filter=pending),
        oldest=Min("created_at", filter=pending),
        failed=Count(
            "pk", filter=Q(status=OutboundEmailStatus.FAILED, created_at__gte=now - failed_since)
        ),
    )
    return {
        "pending": row["pending"],
        "oldest_pending_seconds": round((now - row["oldest"]).total_seconds())
        if row["oldest"]
        else 0,
        "failed_last_day": row["failed"],
    }
