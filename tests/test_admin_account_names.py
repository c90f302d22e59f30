"""The account admin refuses a name or license number that certificates cannot print."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import User
from courses.services.renewals import self_reported_credit_create
from tests.factories import CreditTypeFactory, UserFactory
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


def test_changing_a_name_to_unprintable_text_is_refused(admin_client):
    account = UserFactory(full_name="Dana Levi", license__number="PSY-345")
    url = reverse("admin:courses_user_change", args=[account.pk])
    data = page_data(admin_client.get(url))
    data["full_name"] = "Dana\u200f Levi"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["full_name"][0].startswith("Certificates cannot print U+200F.")
    account.refresh_from_db()
    assert account.full_name == "Dana Levi"


def test_changing_a_license_number_to_unprintable_text_is_refused(admin_client):
    account = UserFactory(full_name="Dana Levi", license__number="PSY-345")
    url = reverse("admin:courses_user_change", args=[account.pk])
    data = page_data(admin_client.get(url))
    data["licenses-0-number"] = "PSY-\u200b345"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    [formset] = response.context["inline_admin_formsets"]
    assert formset.formset.errors[0]["number"][0].startswith("Certificates cannot print U+200B.")
    assert account.licenses.get().number == "PSY-345"


def test_the_account_admin_adds_a_second_license(admin_client):
    account = UserFactory(license__state="TX", license__license_type="lcsw")
    url = reverse("admin:courses_user_change", args=[account.pk])
    data = page_data(admin_client.get(url))
    data.update(
        {
            "licenses-TOTAL_FORMS": "2",
            "licenses-1-license_type": "lmft",
            "licenses-1-state": "CA",
            "licenses-1-number": "LMFT-1",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    licenses = account.licenses.order_by("state").values_list("license_type", "profession", "state")
    assert list(licenses) == [
        ("lmft", "marriage_family_therapy", "CA"),
        ("lcsw", "social_work", "TX"),
    ]


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


def test_a_license_staff_correct_in_the_account_admin_keeps_its_self_reported_credit(
    admin_client,
):
    account = UserFactory(license__license_type="lmft", license__state="CA")
    credit = self_reported_credit_create(
        holder=account,
        licenses=[account.licenses.get()],
        title="Ethics workshop elsewhere",
        provider_name="Other CE Co.",
        completed_on=datetime.date(2026, 4, 1),
        hours=6,
        credit_type=CreditTypeFactory(),
        is_home_study=True,
        certificate_file=SimpleUploadedFile("cert.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    url = reverse("admin:courses_user_change", args=[account.pk])
    data = page_data(admin_client.get(url))
    data["licenses-0-state"] = "NV"  # the clinician had picked the wrong state

    response = admin_client.post(url, data)

    assert response.status_code == 302
    credit.refresh_from_db()
    assert credit.counts_for(account.licenses.get(state="NV"))
