"""Credit a clinician earned elsewhere and enters by hand (self-reported)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from courses.models import License, SelfReportedCredit, User


@transaction.atomic
def self_reported_credit_create(
    *,
    holder: User,
    licenses: list[License],
    title: str,
    provider_name: str,
    completed_on: datetime.date,
    hours: Decimal,
    credit_type,
    is_home_study: bool,
    certificate_file: UploadedFile,
) -> SelfReportedCredit:
    if any(license.holder_id != holder.pk for license in licenses):
        raise ValidationError("Credit can count only toward your own licenses.")
    if not licenses:
        raise ValidationError({"licenses": "Choose the licenses this credit counts toward."})
    credit = SelfReportedCredit(
        holder=holder,
        title=title,
        provider_name=provider_name,
        completed_on=completed_on,
        hours=hours,
        credit_type=credit_type,
        is_home_study=is_home_study,
        certificate_file=certificate_file,
    )
    credit.full_clean()
    credit.save()
    credit.licenses.set(licenses)
    return credit


@transaction.atomic
def self_reported_credit_delete(*, credit: SelfReportedCredit) -> None:
    """Remove the entry; its uploaded certificate goes with it once that is committed."""
    file = credit.certificate_file
    storage, name = file.storage, file.name
    credit.delete()
    transaction.on_commit(lambda: storage.delete(name))
