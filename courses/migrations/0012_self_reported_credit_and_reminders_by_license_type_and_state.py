"""Self-reported credit names the licenses it counts toward by type and state (their
board key) instead of by License row, so that a license removed and added again gets
its credit back.

Each credit's counts_toward lists the type and state of the licenses it was linked to.
Backwards, credit links to the holder's licenses of those types and states.
"""

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


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0011_renewal_reminders"),
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
    ]
