"""A clinician's licenses: one given at sign-up, the rest managed from the profile.

Certificates copy a license when they are issued (License.snapshot), so an edit or a
removal here never changes an issued certificate.
"""

from django.db import transaction

from courses.models import License, SelfReportedCredit, User

LICENSE_FIELDS = ("license_type", "other_type", "profession", "state", "number", "renews_on")


@transaction.atomic
def license_create(*, holder: User, **fields) -> License:
    """Add a license to the holder's profile; `fields` are LICENSE_FIELDS."""
    return _license_save(License(holder=holder), fields)


@transaction.atomic
def license_update(*, license: License, **fields) -> License:
    """Change a license's details; certificates issued with it keep their snapshot, and
    self-reported credit for it follows a corrected type, state or name."""
    license = License.objects.select_for_update().get(pk=license.pk)
    before = license.board_key
    _license_save(license, fields)
    after = license.board_key
    if after != before:
        credits = [
            credit
            for credit in SelfReportedCredit.objects.filter(holder_id=license.holder_id)
            if before in credit.counts_toward
        ]
        for credit in credits:
            others = [key for key in credit.counts_toward if key not in (before, after)]
            credit.counts_toward = [*others, after]
        SelfReportedCredit.objects.bulk_update(credits, ["counts_toward"])
    return license


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
