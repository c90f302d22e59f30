"""Self-reported credit and renewal reminders name a license by its type and state (its
board key) instead of its License row, so that a license removed and added again gets
its credit back and is not reminded twice.

Each credit's counts_toward lists the type and state of the licenses it was linked to;
each reminder takes its license's holder, type and state (two 'other' licenses in one
state reminded for the same date and mark keep one row). Backwards, credit links to the
holder's licenses of those types and states, and a reminder whose license is no longer
held is dropped.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def credit_links_to_keys(apps, schema_editor):
    SelfReportedCredit = apps.get_model("courses", "SelfReportedCredit")
    credits = SelfReportedCredit.objects.prefetch_related("licenses").order_by("pk")
    for credit in credits.iterator(chunk_size=1000):
        for license in sorted(credit.licenses.all(), key=lambda row: row.pk):
            key = {"license_type": license.license_type, "state": license.state}
            if key not in credit.counts_toward:
                credit.counts_toward.append(key)
        credit.save(update_fields=["counts_toward"])


def credit_keys_to_links(apps, schema_editor):
    SelfReportedCredit = apps.get_model("courses", "SelfReportedCredit")
    License = apps.get_model("courses", "License")
    for credit in SelfReportedCredit.objects.order_by("pk").iterator(chunk_size=1000):
        for key in credit.counts_toward:
            credit.licenses.add(*License.objects.filter(holder_id=credit.holder_id, **key))


def reminder_licenses_to_keys(apps, schema_editor):
    RenewalReminder = apps.get_model("courses", "RenewalReminder")
    seen = set()
    for reminder in RenewalReminder.objects.select_related("license").order_by("pk"):
        license = reminder.license
        key = (license.holder_id, license.license_type, license.state)
        if (*key, reminder.renews_on, reminder.days_before) in seen:
            reminder.delete()
        else:
            seen.add((*key, reminder.renews_on, reminder.days_before))
            reminder.holder_id, reminder.license_type, reminder.state = key
            reminder.save(update_fields=["holder", "license_type", "state"])


def reminder_keys_to_licenses(apps, schema_editor):
    RenewalReminder = apps.get_model("courses", "RenewalReminder")
    License = apps.get_model("courses", "License")
    for reminder in RenewalReminder.objects.order_by("pk"):
        reminder.license = License.objects.filter(
            holder_id=reminder.holder_id, license_type=reminder.license_type, state=reminder.state
        ).first()
        if reminder.license is None:
            reminder.delete()
        else:
            reminder.save(update_fields=["license"])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0011_renewal_reminders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="selfreportedcredit",
            name="counts_toward",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(credit_links_to_keys, credit_keys_to_links),
        migrations.RemoveField(
            model_name="selfreportedcredit",
            name="licenses",
        ),
        migrations.AddField(
            model_name="renewalreminder",
            name="holder",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="renewalreminder",
            name="license_type",
            field=models.CharField(default="", max_length=20),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="renewalreminder",
            name="state",
            field=models.CharField(blank=True, max_length=2),
        ),
        migrations.RemoveConstraint(
            model_name="renewalreminder",
            name="renewal_reminder_once",
        ),
        migrations.AlterField(
            model_name="renewalreminder",
            name="license",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reminders",
                to="courses.license",
            ),
        ),
        migrations.RunPython(reminder_licenses_to_keys, reminder_keys_to_licenses),
        migrations.RemoveField(
            model_name="renewalreminder",
            name="license",
        ),
        migrations.AlterField(
            model_name="renewalreminder",
            name="holder",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="renewalreminder",
            constraint=models.UniqueConstraint(
                fields=("holder", "license_type", "state", "renews_on", "days_before"),
                name="renewal_reminder_once",
            ),
        ),
    ]
