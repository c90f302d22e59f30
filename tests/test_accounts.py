"""Clinician accounts: sign-up, log in and out, profile, password change and reset."""

import datetime
import re
import unicodedata

import pytest
from django import forms
from django.core import mail
from django.urls import reverse

from courses.forms.accounts import certificate_text
from courses.models import LicenseType, User
from tests.factories import UserFactory
from tests.pdf_fonts import NAMES

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's password


SIGNUP = {
    "full_name": "Maya Okafor, LCSW",
    "email": "maya@example.org",
    "license-license_type": LicenseType.LCSW,
    "license-number": "LCS 98765",
    "license-state": "NY",
    "license-renews_on": "2027-06-30",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}


def test_signup_page_asks_for_everything_a_certificate_needs(client):
    html = client.get(reverse("signup")).content.decode()

    for name in SIGNUP:
        assert f'name="{name}"' in html
    assert "Exactly as it must appear on your certificates" in html


def test_signup_creates_the_clinician_logs_in_and_goes_to_the_catalog(client):
    response = client.post(reverse("signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:catalog")
    user = User.objects.get(email="maya@example.org")
    assert user.full_name == "Maya Okafor, LCSW"
    [license] = user.licenses.all()
    assert (license.license_type, license.number, license.state) == ("lcsw", "LCS 98765", "NY")
    assert (license.profession, license.renews_on) == ("social_work", datetime.date(2027, 6, 30))
    assert user.check_password("a-long-unusual-passphrase")
    assert not user.is_staff
    assert client.get(reverse("profile")).status_code == 200  # logged in


def test_signup_follows_a_safe_next_and_ignores_an_offsite_one(client):
    response = client.post(reverse("signup"), {**SIGNUP, "next": "/courses/ethics/"})
    assert response["Location"] == "/courses/ethics/"

    client.logout()
    other = {**SIGNUP, "email": "other@example.org", "next": "https://evil.example/"}
    response = client.post(reverse("signup"), other)
    assert response["Location"] == reverse("courses:catalog")


def test_signup_refuses_a_duplicate_email_with_a_message(client):
    UserFactory(email="maya@example.org")

    response = client.post(reverse("signup"), {**SIGNUP, "email": "Maya@EXAMPLE.org"})

    assert response.status_code == 200
    assert "An account with this email address already exists" in response.content.decode()
    assert User.objects.filter(email__iexact="maya@example.org").count() == 1


def test_signup_refuses_mismatched_passwords(client):
    response = client.post(reverse("signup"), {**SIGNUP, "password2": "something-else-entirely"})

    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert not User.objects.filter(email="maya@example.org").exists()


def test_signup_needs_license_details_unless_profession_is_other(client):
    missing = {**SIGNUP, "license-number": "", "license-state": ""}

    response = client.post(reverse("signup"), missing)
    assert response.status_code == 200
    assert "Your license details go on your certificates." in response.content.decode()
    assert not User.objects.exists()

    response = client.post(reverse("signup"), {**missing, "license-license_type": "other"})
    assert response.status_code == 302
    assert User.objects.get().licenses.get().license_type == "other"


def test_signup_without_a_license_type_saves_nothing(client):
    response = client.post(reverse("signup"), {**SIGNUP, "license-license_type": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("name", NAMES)
def test_certificate_text_keeps_names_the_certificate_fonts_print(name):
    assert certificate_text(name) == name
    # Typed as letters plus combining marks (as some keyboards send it), stored composed.
    assert certificate_text(unicodedata.normalize("NFD", name)) == name


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("王秀英", '"王", "秀", "英"'),  # CJK: no glyphs in DejaVu Sans
        ("Wang 王王", '"王"'),  # each character named once
        ("שרה כהן", '"ש", "ר", "ה", "כ", "ן"'),  # glyphs exist, but would print reversed
        ("Dana\u200fRivera", "U+200F"),  # an invisible right-to-left mark, by code point
    ],
)
def test_certificate_text_names_the_characters_it_cannot_print(text, shown):
    with pytest.raises(forms.ValidationError) as refused:
        certificate_text(text, hint="Use Latin letters.")

    assert refused.value.messages == [f"Certificates cannot print {shown}. Use Latin letters."]


def test_signup_refuses_a_name_the_certificate_cannot_print(client):
    response = client.post(reverse("signup"), {**SIGNUP, "full_name": "王秀英, LCSW"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Certificates cannot print &quot;王&quot;, &quot;秀&quot;, &quot;英&quot;." in html
    assert "in Latin, Greek or Cyrillic letters" in html
    assert not User.objects.exists()


def test_signup_stores_a_decomposed_name_composed(client):
    typed = unicodedata.normalize("NFD", "Nguyễn Thị Minh Khai")

    response = client.post(reverse("signup"), {**SIGNUP, "full_name": typed})

    assert response.status_code == 302
    assert User.objects.get().full_name == "Nguyễn Thị Minh Khai"


def test_login_is_by_email(client):
    user = UserFactory(email="dana@example.org")

    page = client.get(reverse("login")).content.decode()
    response = client.post(reverse("login"), {"username": "dana@example.org", "password": PASSWORD})

    assert "Email address" in page
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:catalog")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_with_a_wrong_password_is_refused(client):
    UserFactory(email="dana@example.org")

    response = client.post(reverse("login"), {"username": "dana@example.org", "password": "nope"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Please enter a correct email address and password" in response.content.decode()


def test_logout_is_a_post_from_the_nav(learner_client):
    html = learner_client.get(reverse("courses:catalog")).content.decode()
    assert re.search(rf'<form method="post" action="{reverse("logout")}"', html)

    response = learner_client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in learner_client.session


def test_profile_needs_login(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_profile_edits_name_and_email(learner_client):
    page = learner_client.get(reverse("profile")).content.decode()
    response = learner_client.post(
        reverse("profile"),
        {"full_name": "Dana Rivera, PsyD", "email": "dana.rivera@example.org"},
    )

    assert "keep the name and licenses they were issued with" in page
    assert f'href="{reverse("courses:transcript")}"' in page
    assert response.status_code == 302
    user = User.objects.get(pk=learner_client.user.pk)
    assert user.full_name == "Dana Rivera, PsyD"
    assert user.email == "dana.rivera@example.org"
    assert "Your profile is saved." in learner_client.get(reverse("profile")).content.decode()


def test_profile_refuses_another_clinicians_email(learner_client):
    UserFactory(email="taken@example.org")
    learner = learner_client.user

    response = learner_client.post(
        reverse("profile"),
        {
            "full_name": "New Name",
            "email": "TAKEN@example.org",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "An account with this email address already exists" in html
    assert "New Name" not in html.split("<main")[0]  # the header still shows the saved name
    learner.refresh_from_db()
    assert learner.full_name != "New Name"


def test_profile_keeps_own_email(learner_client):
    learner = learner_client.user

    response = learner_client.post(
        reverse("profile"),
        {
            "full_name": learner.full_name,
            "email": learner.email,
        },
    )

    assert response.status_code == 302


def test_password_change(learner_client):
    response = learner_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    learner_client.user.refresh_from_db()
    assert learner_client.user.check_password("another-long-passphrase")
    assert "Password changed" in learner_client.get(response["Location"]).content.decode()


def test_password_reset_emails_a_registered_address(client):
    UserFactory(email="dana@example.org", full_name="Dana Rivera, PsyD")

    response = client.post(reverse("password_reset"), {"email": "dana@example.org"}, follow=True)

    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.org"]
    assert message.subject == "Reset your CE account password"
    assert "Hello Dana," in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    # The link works and leads to setting a new password.
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-passphrase", "new_password2": "brand-new-passphrase"},
    )
    assert done["Location"] == reverse("password_reset_complete")
    assert User.objects.get(email="dana@example.org").check_password("brand-new-passphrase")


def test_password_reset_does_not_reveal_unknown_addresses(client):
    UserFactory(email="dana@example.org")

    known = client.post(reverse("password_reset"), {"email": "dana@example.org"}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert len(mail.outbox) == 1  # only the registered address got mail
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content


def test_password_reset_with_a_bad_link_says_so(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))

    assert "This link has expired" in response.content.decode()


def _profile_post(client, learner, **changes):
    fields = ("full_name", "email")
    return client.post(reverse("profile"), {**{f: getattr(learner, f) for f in fields}, **changes})


def _license_post(client, license, **changes):
    fields = {
        "license_type": license.license_type,
        "state": license.state,
        "number": license.number,
        "renews_on": license.renews_on or "",
    }
    return client.post(reverse("license_edit", args=[license.pk]), {**fields, **changes})


def test_profile_refuses_a_new_name_or_license_number_the_certificate_cannot_print(
    learner_client,
):
    learner = learner_client.user
    license = learner.licenses.get()
    before = (learner.full_name, license.number)

    name = _profile_post(learner_client, learner, full_name="Dana 李")
    number = _license_post(learner_client, license, number="LCS\u202e42")

    assert "Certificates cannot print &quot;李&quot;." in name.content.decode()
    assert number.status_code == 400
    assert "Certificates cannot print U+202E." in number.content.decode()
    learner.refresh_from_db()
    license.refresh_from_db()
    assert (learner.full_name, license.number) == before


def test_profile_of_an_existing_unprintable_name_still_saves_other_changes(client):
    # An account made before names were checked keeps working: its name is not re-judged.
    learner = UserFactory(full_name="王秀英")
    client.force_login(learner)

    response = _profile_post(client, learner, email="wang@example.org")

    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.full_name, learner.email) == ("王秀英", "wang@example.org")
