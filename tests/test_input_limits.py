"""Input past what the app can handle gets a clear message and a 4xx, never a 500
(found by QA's edge-value pass)."""

import datetime
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import License, RequirementProfile, SelfReportedCredit, User
from tests.factories import CreditTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _profile(**fields):
    return RequirementProfile(
        state="CA", license_type="lmft", hours_required=Decimal("36"), **fields
    )


def test_a_requirement_profile_refuses_a_renewal_period_over_ten_years():
    with pytest.raises(ValidationError) as error:
        _profile(period_months=32767).full_clean()
    assert "at most 120 months" in str(error.value.message_dict["period_months"])
    _profile(period_months=120).full_clean()


def test_my_ce_shows_a_profile_with_a_bad_period_as_a_problem_instead_of_failing(client):
    RequirementProfile.objects.create(
        state="CA", license_type="lmft", period_months=32767, hours_required=36
    )
    clinician = UserFactory(license__license_type="lmft", license__state="CA")
    clinician.licenses.update(renews_on=D(2027, 6, 30))
    client.force_login(clinician)

    response = client.get(reverse("courses:transcript"))

    assert response.status_code == 200
    assert "renewal period on file (32767 months) is not one we can use" in (
        response.content.decode()
    )


@pytest.mark.parametrize("day", [D(1, 1, 1), D(1949, 12, 31), D(9999, 12, 31)])
def test_a_license_refuses_a_renewal_date_far_in_the_past_or_future(day):
    holder = UserFactory(license=None)
    license = License(holder=holder, license_type="lmft", state="CA", number="M-1", renews_on=day)
    with pytest.raises(ValidationError) as error:
        license.full_clean()
    assert "renewal date" in str(error.value.message_dict["renews_on"])


def test_a_license_accepts_a_renewal_date_up_to_ten_years_ahead():
    holder = UserFactory(license=None)
    day = datetime.date.today().replace(day=1) + datetime.timedelta(days=365 * 9)
    license = License(holder=holder, license_type="lmft", state="CA", number="M-1", renews_on=day)
    license.full_clean()


LONG_EMAIL = "y" * 300 + "@example.com"
SIGNUP = {
    "full_name": "Maya Okafor, LCSW",
    "email": LONG_EMAIL,
    "license_type": "lcsw",
    "number": "LCS 98765",
    "state": "NY",
    "renews_on": "2027-06-30",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}


def test_signup_refuses_an_email_address_over_254_characters_every_time(client):
    for _ in range(2):  # the second try used to fail on the truncated first account
        response = client.post(reverse("account_signup"), SIGNUP)
        assert response.status_code == 200
        assert "at most 254 characters" in response.content.decode()
    assert not User.objects.filter(email__startswith="yyy").exists()


def test_email_change_refuses_an_address_over_254_characters(client):
    clinician = UserFactory()
    client.force_login(clinician)

    response = client.post(reverse("account_email"), {"email": LONG_EMAIL, "action_add": ""})

    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not EmailAddress.objects.filter(email__startswith="yyy").exists()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def report(client):
    """Post self-reported credit with `changes`; the response and the clinician."""
    clinician = UserFactory(license__license_type="lmft", license__state="CA")
    client.force_login(clinician)
    fields = {
        "title": "Suicide assessment",
        "provider_name": "Other CE Co.",
        "completed_on": "2026-04-01",
        "hours": "2",
        "credit_type": CreditTypeFactory().pk,
        "is_home_study": "on",
        "licenses": [clinician.licenses.get().pk],
    }

    def post(**changes):
        upload = SimpleUploadedFile("cert.pdf", PDF)
        data = {**fields, "certificate_file": upload, **changes}
        return client.post(reverse("courses:self_reported_add"), data)

    return post


def test_self_reported_credit_refuses_a_license_number_past_any_integer_column(report):
    response = report(licenses=[str(10**20)])

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not SelfReportedCredit.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "1949-12-31", "9999-12-31", "tomorrow"])
def test_self_reported_credit_refuses_a_completion_date_before_1950_or_in_the_future(report, day):
    if day == "tomorrow":
        day = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()

    response = report(completed_on=day)

    assert response.status_code == 400
    assert "Enter the date you completed the course" in response.content.decode()
    assert not SelfReportedCredit.objects.exists()


def test_self_reported_credit_refuses_hours_written_with_an_underscore(report):
    response = report(hours="1_0")

    assert response.status_code == 400
    assert "Enter a number." in response.content.decode()
    assert not SelfReportedCredit.objects.exists()


def test_self_reported_credit_takes_a_date_from_today_back_to_1950(report):
    assert report(completed_on=datetime.date.today().isoformat()).status_code == 302
    assert report(completed_on="1950-01-01").status_code == 302
    assert SelfReportedCredit.objects.count() == 2


def test_signup_refuses_a_renewal_date_far_in_the_future_on_the_form(client):
    response = client.post(
        reverse("account_signup"),
        {**SIGNUP, "email": "maya@example.org", "renews_on": "9999-12-31"},
    )

    assert response.status_code == 200
    assert "Enter the license&#x27;s next renewal date" in response.content.decode()
    assert not User.objects.filter(email="maya@example.org").exists()
