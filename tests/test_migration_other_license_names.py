"""Migration 0015 adds the name of an 'Other' license to the key that self-reported
credit and renewal reminders name a license by: existing keys gain an empty name (no
license had one), so they still match the licenses they were made for; backwards, the
name goes again."""

import datetime

import pytest

from tests.helpers import migrate

BEFORE = [("courses", "0014_section_added_at")]
AFTER = [("courses", "0015_other_license_names")]
RENEWS_ON = datetime.date(2027, 6, 30)
LMFT_CA = {"license_type": "lmft", "state": "CA"}
OTHER_OH = {"license_type": "other", "state": "OH"}


@pytest.mark.django_db(transaction=True)
def test_credit_and_reminders_keep_their_licenses_with_an_empty_other_name():
    old = migrate(BEFORE)
    holder = old.get_model("courses", "User").objects.create(email="c@example.org")
    credit = old.get_model("courses", "SelfReportedCredit").objects.create(
        holder=holder,
        counts_toward=[LMFT_CA, OTHER_OH],
        title="Ethics elsewhere",
        provider_name="Other CE Co.",
        completed_on=datetime.date(2026, 4, 1),
        hours=6,
        credit_type=old.get_model("courses", "CreditType").objects.create(name="X", slug="x"),
        certificate_file="self-reported/x/cert.pdf",
    )
    for key in (LMFT_CA, OTHER_OH):
        old.get_model("courses", "RenewalReminder").objects.create(
            holder=holder, **key, renews_on=RENEWS_ON, days_before=30
        )

    new = migrate(AFTER)
    try:
        _check(new, holder.pk, credit.pk)
    finally:
        migrate()


def _check(new, holder_id, credit_id):
    credit = new.get_model("courses", "SelfReportedCredit").objects.get(pk=credit_id)
    reminders = new.get_model("courses", "RenewalReminder").objects.order_by("license_type")
    assert credit.counts_toward == [{**LMFT_CA, "other_type": ""}, {**OTHER_OH, "other_type": ""}]
    assert list(reminders.values_list("holder_id", "license_type", "state", "other_type")) == [
        (holder_id, "lmft", "CA", ""),
        (holder_id, "other", "OH", ""),
    ]

    # Two 'Other' licenses in Ohio, told apart by name only after the migration.
    named = {**OTHER_OH, "other_type": "art therapist"}
    credit.counts_toward.append(named)
    credit.save()
    new.get_model("courses", "RenewalReminder").objects.create(
        holder_id=holder_id, **named, renews_on=RENEWS_ON, days_before=30
    )

    back = migrate(BEFORE)
    credit = back.get_model("courses", "SelfReportedCredit").objects.get(pk=credit_id)
    reminders = back.get_model("courses", "RenewalReminder").objects.order_by("license_type")
    assert credit.counts_toward == [LMFT_CA, OTHER_OH]
    assert list(reminders.values_list("license_type", "state")) == [("lmft", "CA"), ("other", "OH")]
