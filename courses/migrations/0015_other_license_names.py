"""An 'Other' license has a name, and the key that self-reported credit and renewal
reminders name a license by (License.board_key) carries it, so that two 'Other' licenses
in one state are two licenses.

No license had a name before, so each credit's keys gain an empty one and reminders an
empty column: they still match the licenses they were made for. Backwards, the name goes
from the keys, and keys or reminders that differed only by it become one.
"""

from django.db import migrations, models


def credit_keys_gain_a_name(apps, schema_editor):
    SelfReportedCredit = apps.get_model("courses", "SelfReportedCredit")
    for credit in SelfReportedCredit.objects.order_by("pk").iterator(chunk_size=1000):
        credit.counts_toward = [{**key, "other_type": ""} for key in credit.counts_toward]
        credit.save(update_fields=["counts_toward"])


def credit_keys_lose_the_name(apps, schema_editor):
    SelfReportedCredit = apps.get_model("courses", "SelfReportedCredit")
    for credit in SelfReportedCredit.objects.order_by("pk").iterator(chunk_size=1000):
        keys = []
        for key in credit.counts_toward:
            key = {"license_type": key["license_type"], "state": key["state"]}
            if key not in keys:
                keys.append(key)
        credit.counts_toward = keys
        credit.save(update_fields=["counts_toward"])


def reminders_once_without_the_name(apps, schema_editor):
    RenewalReminder = apps.get_model("courses", "RenewalReminder")
    seen = set()
    for reminder in RenewalReminder.objects.order_by("pk"):
        key = (
            reminder.holder_id,
            reminder.license_type,
            reminder.state,
            reminder.renews_on,
            reminder.days_before,
        )
        if key in seen:
            reminder.delete()
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0014_section_added_at"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="renewalreminder",
            name="renewal_reminder_once",
        ),
        # Backwards: before the constraint without the name is put back.
        migrations.RunPython(migrations.RunPython.noop, reminders_once_without_the_name),
        migrations.AddField(
            model_name="license",
            name="other_type",
            field=models.CharField(
                blank=True,
                help_text="Only for 'Other': the license as your board names it.",
                max_length=100,
                verbose_name="license name",
            ),
        ),
        migrations.AddField(
            model_name="renewalreminder",
            name="other_type",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddConstraint(
            model_name="renewalreminder",
            constraint=models.UniqueConstraint(
                fields=("holder", "license_type", "state", "other_type", "renews_on", "days_before"),
                name="renewal_reminder_once",
            ),
        ),
        migrations.RunPython(credit_keys_gain_a_name, credit_keys_lose_the_name),
    ]
