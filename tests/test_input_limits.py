"""Input past what the app can handle gets a clear message and a 4xx, never a 500
(found by QA's edge-value pass)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.models import License, RequirementProfile
from tests.factories import UserFactory

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
