"""The account admin refuses a name or license number that certificates cannot print."""

import pytest
from django.urls import reverse

from courses.models import User
from tests.factories import UserFactory
from tests.helpers import page_data

pytestmark = pytest.mark.django_db


def test_a_new_account_with_an_unprintable_name_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:courses_user_add"),
        {
            "email": "wang@example.org",
            "full_name": "王秀英",
            "usable_password": "true",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["full_name"][0].startswith('Certificates cannot print "王", "秀", "英".')
    assert not User.objects.filter(email="wang@example.org").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "Dana\u200f Levi", "Certificates cannot print U+200F."),
        ("license_number", "PSY-\u200b345", "Certificates cannot print U+200B."),
    ],
)
def test_changing_a_name_or_license_to_unprintable_text_is_refused(
    admin_client, field, value, message
):
    account = UserFactory(full_name="Dana Levi", license_number="PSY-345")
    url = reverse("admin:courses_user_change", args=[account.pk])
    data = page_data(admin_client.get(url))
    data[field] = value

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field][0].startswith(message)
    account.refresh_from_db()
    assert (account.full_name, account.license_number) == ("Dana Levi", "PSY-345")


def test_printable_names_are_kept_composed(admin_client):
    account = UserFactory()
    url = reverse("admin:courses_user_change", args=[account.pk])
    data = page_data(admin_client.get(url))
    data["full_name"] = "Nguye\u0302\u0303n Thi\u0323 Minh Khai"  # typed with combining marks

    response = admin_client.post(url, data)

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.full_name == "Nguyễn Thị Minh Khai"


def test_an_existing_unprintable_name_does_not_block_other_changes(admin_client):
    account = UserFactory(full_name="王秀英")  # saved before names were checked
    url = reverse("admin:courses_user_change", args=[account.pk])
    data = page_data(admin_client.get(url))
    data["is_active"] = ""

    response = admin_client.post(url, data)

    assert response.status_code == 302
    account.refresh_from_db()
    assert not account.is_active
    assert account.full_name == "王秀英"
