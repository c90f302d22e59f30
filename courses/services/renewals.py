"""Credit a clinician earned elsewhere and enters by hand (self-reported)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from courses.models import License, SelfReportedCredit, User


@transaction.atomic
def self_reported_credit_create(
    *, holder: User, licenses: list[License], **fields
) -> SelfReportedCredit:
    """`fields` are the entry's own: title, provider_name, completed_on, hours, credit_type,
    is_home_study and certificate_file (SelfReportedCreditForm's, less the licenses)."""
    if any(license.holder_id != holder.pk for license in licenses):
        raise ValidationError("Credit can count only toward your own licenses.")
    if not licenses:
        raise ValidationError({"licenses": "Choose the licenses this credit counts toward."})
    credit = SelfReportedCredit(
        holder=holder, counts_toward=[license.board_key for license in licenses], **fields
    )
    credit.full_clean()
    credit.save()
    return credit


@transaction.atomic
def self_reported_credit_delete(*, credit: SelfReportedCredit) -> None:
    """Remove the entry; its uploaded certificate goes with it once that is committed."""
    file = credit.certificate_file
    storage, name = file.storage, file.name
    credit.delete()
    transaction.on_commit(lambda: storage.delete(name))
