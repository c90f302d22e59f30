"""Migration 0012 turns the License rows that self-reported credit counts toward, and
that reminders were sent for, into each license's type and state; backwards, both link
to the licenses held then."""

import datetime

import pytest

from tests.helpers import migrate

BEFORE = [("courses", "0011_renewal_reminders")]
AFTER = [("courses", "0012_self_reported_credit_and_reminders_by_license_type_and_state")]
RENEWS_ON = datetime.date(2027, 6, 30)
LMFT_CA = {"license_type": "lmft", "state": "CA"}
LCSW_TX = {"license_type": "lcsw", "state": "TX"}


@pytest.mark.django_db(transaction=True)
def test_credit_and_reminders_keep_their_licenses_by_type_and_state():
    old = migrate(BEFORE)
    License = old.get_model("courses", "License")
    holder = old.get_model("courses", "User").objects.create(email="c@example.org")
    lmft = License.objects.create(
        holder=holder, profession="marriage_family_therapy", number="M-1", **LMFT_CA
    )
    lcsw = License.objects.create(holder=holder, profession="social_work", number="L-1", **LCSW_TX)
    credit = old.get_model("courses", "SelfReportedCredit").objects.create(
        holder=holder,
        title="Ethics elsewhere",
        provider_name="Other CE Co.",
        completed_on=datetime.date(2026, 4, 1),
        hours=6,
        credit_type=old.get_model("courses", "CreditType").objects.create(name="X", slug="x"),
        certificate_file="self-reported/x/cert.pdf",
    )
    credit.licenses.set([lmft, lcsw])
    for license in (lmft, lcsw):
        old.get_model("courses", "RenewalReminder").objects.create(
            license=license, renews_on=RENEWS_ON, days_before=30
        )

    new = migrate(AFTER)
    try:
        _check(new, holder.pk, credit.pk, lmft.pk)
    finally:
        migrate()


def _check(new, holder_id, credit_id, lmft_id):
    credit = new.get_model("courses", "SelfReportedCredit").objects.get(pk=credit_id)
    reminders = new.get_model("courses", "RenewalReminder").objects.order_by("license_type")
    assert credit.counts_toward == [LMFT_CA, LCSW_TX]
    assert list(reminders.values_list("holder_id", "license_type", "state", "days_before")) == [
        (holder_id, "lcsw", "TX", 30),
        (holder_id, "lmft", "CA", 30),
    ]

    new.get_model("courses", "License").objects.filter(license_type="lcsw").delete()
    back = migrate(BEFORE)
    credit = back.get_model("courses", "SelfReportedCredit").objects.get(pk=credit_id)
    reminders = back.get_model("courses", "RenewalReminder").objects.all()
    assert [license.pk for license in credit.licenses.all()] == [lmft_id]
    assert list(reminders.values_list("license_id", "renews_on")) == [(lmft_id, RENEWS_ON)]
