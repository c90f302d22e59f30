"""A clinician's licenses: added, edited and removed from the profile; a certificate
keeps the licenses it was issued with."""

import datetime

import pytest
from django.urls import reverse

from courses.models import License
from courses.services.certificates import certificate_issue
from tests.factories import (
    CompletedEnrollmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_the_profile_lists_licenses_and_adds_one(learner_client):
    add = reverse("license_add")
    page = learner_client.get(reverse("profile")).content.decode()

    response = learner_client.post(
        add, {"license_type": "lcsw", "state": "TX", "number": "LCS-9", "renews_on": "2027-06-30"}
    )

    assert f'href="{add}"' in page
    assert response.status_code == 302
    added = learner_client.user.licenses.get(state="TX")
    assert (added.license_type, added.profession, added.number, added.renews_on) == (
        "lcsw",
        "social_work",
        "LCS-9",
        datetime.date(2027, 6, 30),
    )
    profile = learner_client.get(reverse("profile")).content.decode()
    assert "Your LCSW (Texas) license is added." in profile
    assert "Licensed Clinical Social Worker (LCSW)" in profile and "Jun 30, 2027" in profile


def test_the_same_license_twice_is_refused_with_a_message(learner_client):
    held = learner_client.user.licenses.get()
    data = {"license_type": held.license_type, "state": held.state, "number": "OTHER-1"}

    response = learner_client.post(reverse("license_add"), data)

    assert response.status_code == 400
    assert "You already have this license in this state" in response.content.decode()
    assert learner_client.user.licenses.count() == 1


def test_a_named_license_needs_its_state_and_number(learner_client):
    response = learner_client.post(reverse("license_add"), {"license_type": "lpc"})

    assert response.status_code == 400
    assert response.content.decode().count("Your license details go on your certificates.") == 2


def test_an_other_license_is_added_under_its_name(learner_client):
    data = {"license_type": "other", "profession": "counseling", "state": "OH"}

    unnamed = learner_client.post(reverse("license_add"), data)
    named = learner_client.post(reverse("license_add"), {**data, "other_type": "Art Therapist"})

    assert unnamed.status_code == 400
    assert "Name the license as your board does" in unnamed.content.decode()
    assert named.status_code == 302
    profile = learner_client.get(reverse("profile")).content.decode()
    assert "Your Art Therapist (Ohio) license is added." in profile
    assert ">Art Therapist<br>" in profile


def test_editing_a_license_behind_a_certificate_leaves_the_certificate_as_issued(learner_client):
    learner = learner_client.user
    license = learner.licenses.get()
    certificate = certificate_issue(enrollment=CompletedEnrollmentFactory(learner=learner))
    before = certificate.license_number

    response = learner_client.post(
        reverse("license_edit", args=[license.pk]),
        {"license_type": "psyd", "state": "NY", "number": "PSY-NEW", "renews_on": ""},
    )

    assert response.status_code == 302
    license.refresh_from_db()
    assert (license.license_type, license.state, license.number) == ("psyd", "NY", "PSY-NEW")
    certificate.refresh_from_db()
    assert certificate.license_number == before != "PSY-NEW"


def test_removing_asks_first_and_keeps_the_certificate(learner_client):
    learner = learner_client.user
    license = learner.licenses.get()
    certificate = certificate_issue(enrollment=CompletedEnrollmentFactory(learner=learner))
    url = reverse("license_remove", args=[license.pk])

    confirm = learner_client.get(url)
    response = learner_client.post(url)

    assert "Certificates already issued keep it." in confirm.content.decode()
    assert response.status_code == 302
    assert not License.objects.filter(pk=license.pk).exists()
    certificate.refresh_from_db()
    assert certificate.license_number == license.number


def test_removing_says_self_reported_credit_counts_again_once_the_license_is_added_back(
    learner_client,
):
    learner = learner_client.user
    license = learner.licenses.get()

    page = learner_client.get(reverse("license_remove", args=[license.pk])).content.decode()

    assert (
        "Credit you reported from other providers for it stays on record and counts toward "
        "it again if you add the license back." in page
    )


def test_another_clinicians_license_is_not_found(learner_client):
    other = UserFactory().licenses.get()

    for name in ("license_edit", "license_remove"):
        assert learner_client.post(reverse(name, args=[other.pk])).status_code == 404
    assert License.objects.filter(pk=other.pk).exists()
