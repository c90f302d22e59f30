"""Renewal reminders: 90, 30 and 7 days before a license's renewal date, a clinician
who still lacks hours gets one email listing what each license is missing.

Run daily by beat (courses.tasks.renewal_reminders_send). A day missed (no beat, a
worker down) is caught up the next run: a license is due the reminder of the smallest
mark at or above its days left, if that one was not sent for its License.board_key and
renewal date (to a license removed and added again, say). The RenewalReminder rows are
written in the same transaction as the email's outbox row, and their unique constraint
makes a second run, or two at once, send nothing more.
"""

import datetime
import logging
from itertools import groupby

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from courses.models import License, ReminderMark, RenewalReminder, User
from courses.selectors.renewals import RenewalProgress, renewals_for

logger = logging.getLogger(__name__)

MARKS = sorted(ReminderMark.values)  # 7, 30, 90
BOARD_KEY = tuple(License().board_key)  # the RenewalReminder columns it fills


def reminder_mark(days_left: int) -> int | None:
    """The reminder a license with this many days left is due: 7, 30, 90 or none."""
    return next((mark for mark in MARKS if days_left <= mark), None)


def _due(progress: list[RenewalProgress], sent: set) -> list[tuple[RenewalProgress, int]]:
    due = []
    for p in progress:
        if p.period is None or not (p.missing or p.gaps):
            continue
        mark = reminder_mark(p.days_left)
        key = (*p.license.board_key.values(), p.end, mark)
        if mark is not None and key not in sent:
            sent.add(key)  # one board key held twice (an 'Other' license entered twice)
            due.append((p, mark))
    return due


@transaction.atomic
def renewal_reminder_send(
    *, holder: User, licenses: list[License], on: datetime.date
) -> list[RenewalReminder]:
    """One email to the holder listing what each license due a reminder is missing."""
    sent = set(
        RenewalReminder.objects.filter(holder=holder).values_list(
            *BOARD_KEY, "renews_on", "days_before"
        )
    )
    due = _due(renewals_for(holder=holder, on=on, licenses=licenses), sent)
    if not due:
        return []
    try:
        with transaction.atomic():
            reminders = RenewalReminder.objects.bulk_create(
                RenewalReminder(
                    holder=holder, **p.license.board_key, renews_on=p.end, days_before=mark
                )
                for p, mark in due
            )
    except IntegrityError:
        return []  # a run at the same moment recorded them first, and sends the email
    site = settings.SITE_URL.rstrip("/")
    send_mail(
        "Your license renewal: CE hours still needed",
        render_to_string(
            "courses/email/renewal_reminder.txt",
            {
                "holder": holder,
                "due": [p for p, _ in due],
                "my_ce_url": site + reverse("courses:transcript"),
                "catalog_url": site + reverse("courses:catalog"),
            },
        ),
        None,
        [holder.email],
    )
    return reminders


def renewal_reminders_send(*, on: datetime.date) -> int:
    """Every clinician's reminders due on `on`; returns how many emails were queued."""
    licenses = (
        License.objects.filter(renews_on__isnull=False, holder__is_active=True)
        .select_related("holder")
        .order_by("holder_id", "pk")
    )
    emails = 0
    for holder, group in groupby(licenses, key=lambda lic: lic.holder):
        try:
            emails += bool(renewal_reminder_send(holder=holder, licenses=list(group), on=on))
        except Exception:  # one clinician's bad data must not stop everyone else's reminders
            logger.exception("Renewal reminder for user %s failed", holder.pk)
    return emails
