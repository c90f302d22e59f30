"""A clinician's licenses: one given at sign-up, the rest managed from the profile.

Certificates copy a license when they are issued (License.snapshot), so an edit or a
removal here never changes an issued certificate.
"""

from django.db import transaction

from courses.models import License, User

LICENSE_FIELDS = ("license_type", "profession", "state", "number", "renews_on")


@transaction.atomic
def license_create(*, holder: User, **fields) -> License:
    """Add a license to the holder's profile; `fields` are LICENSE_FIELDS."""
    return _license_save(License(holder=holder), fields)


@transaction.atomic
def license_update(*, license: License, **fields) -> License:
    """Change a license's details; certificates issued with it keep their snapshot."""
    return _license_save(License.objects.select_for_update().get(pk=license.pk), fields)


def _license_save(license: License, fields: dict) -> License:
    if unknown := set(fields) - set(LICENSE_FIELDS):
        raise TypeError(f"Not a license field: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(license, name, value)
    license.full_clean()
    license.save()
    return license


@transaction.atomic
def license_delete(*, license: License) -> None:
    """Remove a license from the profile; certificates that state it keep it."""
    License.objects.filter(pk=license.pk).delete()
