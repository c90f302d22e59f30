"""The licenses migration turns each account's one license into a License row, every
value kept, and back again."""

import pytest

from tests.helpers import migrate

BEFORE = [("courses", "0009_approvals")]
AFTER = [("courses", "0010_licenses")]


@pytest.mark.django_db(transaction=True)
def test_each_accounts_license_becomes_a_license_row_with_nothing_lost():
    old = migrate(BEFORE)
    User = old.get_model("courses", "User")
    accounts = {
        "full": ("lcsw", "LCS 98765", "NY"),
        "other": ("other", "", ""),
        "untyped": ("", "X-1", "TX"),  # a number without a type is kept, as 'other'
        "none": ("", "", ""),
    }
    for email, (kind, number, state) in accounts.items():
        User.objects.create(
            email=f"{email}@example.org",
            full_name=email,
            license_type=kind,
            license_number=number,
            license_state=state,
        )

    new = migrate(AFTER)
    try:
        _check(new)
    finally:
        migrate()


def _check(new):
    rows = new.get_model("courses", "License").objects.order_by("holder__email")
    assert [
        (r.holder.email, r.license_type, r.profession, r.number, r.state, r.renews_on) for r in rows
    ] == [
        ("full@example.org", "lcsw", "social_work", "LCS 98765", "NY", None),
        ("other@example.org", "other", "", "", "", None),
        ("untyped@example.org", "other", "", "X-1", "TX", None),
    ]

    back = migrate(BEFORE)
    kept = back.get_model("courses", "User").objects.filter(email="full@example.org")
    assert list(kept.values_list("license_type", "license_number", "license_state")) == [
        ("lcsw", "LCS 98765", "NY")
    ]
