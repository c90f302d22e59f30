"""Renewal reminders sent, one row per license, renewal date and mark (90, 30 or 7
days before), so that none is ever sent twice."""

from django.db import models
from django.utils import timezone

from .licenses import License


class ReminderMark(models.IntegerChoices):
    DAYS_90 = 90, "90 days before"
    DAYS_30 = 30, "30 days before"
    DAYS_7 = 7, "7 days before"


class RenewalReminder(models.Model):
    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="reminders")
    renews_on = models.DateField(help_text="The end of the renewal period it was about.")
    days_before = models.PositiveSmallIntegerField(choices=ReminderMark.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["license", "renews_on", "days_before"], name="renewal_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.license}: {self.get_days_before_display()} {self.renews_on}"
