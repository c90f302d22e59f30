"""Every account made before email verification keeps working: its address counts as
verified (an allauth EmailAddress, verified and primary). Reversing removes nothing."""

from django.db import migrations


def verify_existing_emails(apps, schema_editor):
    User = apps.get_model("courses", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    has_address = EmailAddress.objects.values("user_id")
    users = User.objects.exclude(pk__in=has_address).values_list("pk", "email")
    EmailAddress.objects.bulk_create(
        (
            EmailAddress(user_id=pk, email=email.lower(), verified=True, primary=True)
            for pk, email in users.iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_outbound_email"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(verify_existing_emails, migrations.RunPython.noop)]
