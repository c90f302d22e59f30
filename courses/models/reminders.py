"""Renewal reminders sent, one row per clinician, license (its License.board_key),
renewal date and mark (90, 30 or 7 days before), so that none is ever sent twice."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .licenses import License


class ReminderMark(models.IntegerChoices):
    DAYS_90 = 90, "90 days before"
    DAYS_30 = 30, "30 days before"
    DAYS_7 = 7, "7 days before"


class RenewalReminder(models.Model):
    # The license by its License.board_key, not its row: one removed and added again is
    # not reminded again.
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    license_type = models.CharField(max_length=20)
    state = models.CharField(max_length=2, blank=True)
    other_type = models.CharField(max_length=100, blank=True)
    renews_on = models.DateField(help_text="The end of the renewal period it was about.")
    days_before = models.PositiveSmallIntegerField(choices=ReminderMark.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "holder",
                    "license_type",
                    "state",
                    "other_type",
                    "renews_on",
                    "days_before",
                ],
                name="renewal_reminder_once",
            )
        ]

    def __str__(self):
        license = License(
            license_type=self.license_type, state=self.state, other_type=self.other_type
        )
        return f"{license}: {self.get_days_before_display()} {self.renews_on}"
