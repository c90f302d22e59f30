"""Clinician accounts: sign-up and email verification, log in and out, profile, email and
password change, password reset."""

import datetime
import re
import time
import unicodedata

import pytest
from allauth.account.models import EmailAddress
from django import forms
from django.core import mail, signing
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
    "license_type": LicenseType.LCSW,
    "number": "LCS 98765",
    "state": "NY",
    "renews_on": "2027-06-30",
    "password1": "a-long-unusual-passphrase",
    "password2": "a-long-unusual-passphrase",
}


def test_signup_page_asks_for_everything_a_certificate_needs(client):
    html = client.get(reverse("account_signup")).content.decode()

    for name in SIGNUP:
        assert f'name="{name}"' in html
    assert "Exactly as it must appear on your certificates" in html


def confirmation_link(message) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_signup_creates_the_clinician_and_asks_them_to_confirm_their_address(client):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "Check your email" in client.get(response["Location"]).content.decode()
    user = User.objects.get(email="maya@example.org")
    assert user.full_name == "Maya Okafor, LCSW"
    [license] = user.licenses.all()
    assert (license.license_type, license.number, license.state) == ("lcsw", "LCS 98765", "NY")
    assert (license.profession, license.renews_on) == ("social_work", datetime.date(2027, 6, 30))
    assert user.check_password("a-long-unusual-passphrase")
    assert not user.is_staff
    assert "_auth_user_id" not in client.session  # not logged in until confirmed
    assert not EmailAddress.objects.get(user=user).verified
    [message] = mail.outbox
    assert message.to == ["maya@example.org"]
    assert message.subject == "Confirm your email address"
    assert "The link expires in 3 days." in message.body


def test_the_confirmation_link_verifies_the_address_and_logs_the_clinician_in(client):
    client.post(reverse("account_signup"), SIGNUP)
    link = confirmation_link(mail.outbox[0])

    page = client.get(link)
    confirmed = client.post(link)

    assert "Confirm" in page.content.decode()
    assert confirmed.status_code == 302
    user = User.objects.get(email="maya@example.org")
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_an_expired_confirmation_link_is_refused(client, monkeypatch):
    four_days_ago = time.time() - 4 * 24 * 3600
    with monkeypatch.context() as past:
        past.setattr(signing.time, "time", lambda: four_days_ago)
        client.post(reverse("account_signup"), SIGNUP)
    link = confirmation_link(mail.outbox[0])

    page = client.get(link)
    confirmed = client.post(link)

    assert "This email confirmation link expired or is invalid" in page.content.decode()
    assert confirmed.status_code == 404  # nothing to confirm
    assert not EmailAddress.objects.get(email="maya@example.org").verified
    assert log_in(client, "maya@example.org", "a-long-unusual-passphrase")["Location"] == reverse(
        "account_email_verification_sent"
    )


def test_signup_answers_the_same_for_an_existing_address_and_tells_its_owner(client):
    owner = UserFactory(email="dana@example.org")

    new = client.post(reverse("account_signup"), SIGNUP)
    new_page = client.get(new["Location"])
    existing = client.post(reverse("account_signup"), {**SIGNUP, "email": "Dana@EXAMPLE.org"})
    existing_page = client.get(existing["Location"])

    assert (new.status_code, new["Location"]) == (existing.status_code, existing["Location"])
    # The same page, bar the address each visitor typed themselves.
    assert new_page.content.decode().replace("maya@example.org", "ADDRESS") == (
        existing_page.content.decode().replace("dana@example.org", "ADDRESS")
    )
    assert User.objects.filter(email__iexact="dana@example.org").get() == owner
    assert (
        not User.objects.filter(full_name="Maya Okafor, LCSW")
        .exclude(email="maya@example.org")
        .exists()
    )
    tried = mail.outbox[-1]
    assert tried.to == ["dana@example.org"]
    assert tried.subject == "Someone tried to sign up with your email address"
    assert "You already have an account with it" in tried.body
    assert "/accounts/password/reset/" in tried.body


def test_signup_refuses_mismatched_passwords(client):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "password2": "something-else-entirely"}
    )

    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.filter(email="maya@example.org").exists()


def test_signup_needs_license_details_unless_profession_is_other(client):
    """An 'Other' license needs only its name (what tells two of them apart)."""
    missing = {**SIGNUP, "number": "", "state": ""}

    response = client.post(reverse("account_signup"), missing)
    assert response.status_code == 200
    assert "Your license details go on your certificates." in response.content.decode()
    assert not User.objects.exists()

    other = {**missing, "license_type": LicenseType.OTHER}
    response = client.post(reverse("account_signup"), other)
    assert "Name the license as your board does." in response.content.decode()
    response = client.post(reverse("account_signup"), {**other, "other_type": "Art Therapist"})
    assert response.status_code == 302
    license = User.objects.get().licenses.get()
    assert (license.license_type, license.other_type) == ("other", "Art Therapist")


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
    response = client.post(reverse("account_signup"), {**SIGNUP, "full_name": "王秀英, LCSW"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Certificates cannot print &quot;王&quot;, &quot;秀&quot;, &quot;英&quot;." in html
    assert "in Latin, Greek or Cyrillic letters" in html
    assert not User.objects.exists()


def test_signup_stores_a_decomposed_name_composed(client):
    typed = unicodedata.normalize("NFD", "Nguyễn Thị Minh Khai")

    response = client.post(reverse("account_signup"), {**SIGNUP, "full_name": typed})

    assert response.status_code == 302
    assert User.objects.get().full_name == "Nguyễn Thị Minh Khai"


def log_in(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})


def test_login_is_by_email_in_any_case(client):
    user = UserFactory(email="dana@example.org")

    page = client.get(reverse("account_login")).content.decode()
    response = log_in(client, "Dana@Example.org", PASSWORD)

    assert "Email" in page
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:catalog")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_follows_a_safe_next_and_ignores_an_offsite_one(client):
    UserFactory(email="dana@example.org")

    inside = log_in(client, "dana@example.org", PASSWORD, next="/courses/ethics/")
    client.logout()
    offsite = log_in(client, "dana@example.org", PASSWORD, next="https://evil.example/")

    assert inside["Location"] == "/courses/ethics/"
    assert offsite["Location"] == reverse("courses:catalog")


def test_login_with_a_wrong_password_is_refused(client):
    UserFactory(email="dana@example.org")

    response = log_in(client, "dana@example.org", "nope")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )


def test_logout_is_a_post_from_the_nav(learner_client):
    html = learner_client.get(reverse("courses:catalog")).content.decode()
    assert re.search(rf'<form method="post" action="{reverse("account_logout")}"', html)

    response = learner_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in learner_client.session


def test_profile_needs_login(client):
    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_edits_name(learner_client):
    email = learner_client.user.email
    page = learner_client.get(reverse("profile")).content.decode()
    response = learner_client.post(
        reverse("profile"),
        {
            "full_name": "Dana Rivera, PsyD",
            "email": "dana.rivera@example.org",  # not a profile field: changed by confirming
        },
    )

    assert "keep the name and licenses they were issued with" in page
    assert f'href="{reverse("courses:transcript")}"' in page
    assert f'href="{reverse("account_email")}"' in page
    assert response.status_code == 302
    user = User.objects.get(pk=learner_client.user.pk)
    assert user.full_name == "Dana Rivera, PsyD"
    assert user.email == email
    assert "Your profile is saved." in learner_client.get(reverse("profile")).content.decode()


def test_a_new_email_address_takes_over_once_confirmed(learner_client):
    learner = learner_client.user
    old = learner.email

    learner_client.post(
        reverse("account_email"), {"email": "dana.rivera@example.org", "action_add": ""}
    )
    learner.refresh_from_db()
    assert learner.email == old  # until the new address is confirmed
    [message] = mail.outbox
    assert message.to == ["dana.rivera@example.org"]
    learner_client.post(confirmation_link(message))

    learner.refresh_from_db()
    assert learner.email == "dana.rivera@example.org"
    assert list(EmailAddress.objects.filter(user=learner).values_list("email", "verified")) == [
        ("dana.rivera@example.org", True)
    ]


def test_another_clinicians_email_address_can_never_be_confirmed(learner_client):
    other = UserFactory(email="taken@example.org")

    # The page answers as for any address (nobody learns it has an account); the mail
    # goes to its owner, and their link cannot move the address to this account.
    learner_client.post(reverse("account_email"), {"email": "TAKEN@example.org", "action_add": ""})
    [message] = mail.outbox
    confirm = learner_client.post(confirmation_link(message), follow=True)

    assert message.to == ["taken@example.org"]
    assert "already confirmed by a different account" in confirm.content.decode()
    assert EmailAddress.objects.get(email="taken@example.org", verified=True).user == other
    learner_client.user.refresh_from_db()
    assert learner_client.user.email != "taken@example.org"


def test_password_change(learner_client):
    response = learner_client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-passphrase",
            "password2": "another-long-passphrase",
        },
    )

    assert response.status_code == 302
    learner_client.user.refresh_from_db()
    assert learner_client.user.check_password("another-long-passphrase")
    assert (
        "Password successfully changed."
        in learner_client.get(response["Location"]).content.decode()
    )


def test_password_reset_emails_a_registered_address(client):
    UserFactory(email="dana@example.org", full_name="Dana Rivera, PsyD")

    response = client.post(
        reverse("account_reset_password"), {"email": "dana@example.org"}, follow=True
    )

    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.org"]
    assert message.subject == "Reset your CE account password"
    assert message.body.startswith("Hello,")
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body).group(1)
    # The link works and leads to setting a new password.
    form_page = client.get(link, follow=True)
    assert 'name="password1"' in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "brand-new-passphrase", "password2": "brand-new-passphrase"},
    )
    assert done["Location"] == reverse("account_reset_password_from_key_done")
    assert User.objects.get(email="dana@example.org").check_password("brand-new-passphrase")


def test_password_reset_does_not_reveal_unknown_addresses(client):
    UserFactory(email="dana@example.org")

    known = client.post(
        reverse("account_reset_password"), {"email": "dana@example.org"}, follow=True
    )
    unknown = client.post(
        reverse("account_reset_password"), {"email": "nobody@example.org"}, follow=True
    )

    assert len(mail.outbox) == 1  # only the registered address got mail
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content


def test_password_reset_with_a_bad_link_says_so(client):
    response = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "bad-token"})
    )

    assert "The password reset link was invalid" in response.content.decode()


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

    name = learner_client.post(reverse("profile"), {"full_name": "Dana 李"})
    number = _license_post(learner_client, license, number="LCS\u202e42")

    assert "Certificates cannot print &quot;李&quot;." in name.content.decode()
    assert number.status_code == 400
    assert "Certificates cannot print U+202E." in number.content.decode()
    learner.refresh_from_db()
    license.refresh_from_db()
    assert (learner.full_name, license.number) == before


def test_a_license_of_an_account_with_an_unprintable_name_still_saves(client):
    # An account made before names were checked keeps working: its name is not re-judged.
    learner = UserFactory(full_name="王秀英")
    client.force_login(learner)

    response = _license_post(client, learner.licenses.get(), number="LCS-7")

    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.full_name, learner.licenses.get().number) == ("王秀英", "LCS-7")


def test_the_login_page_links_to_password_reset_once(client):
    page = client.get(reverse("account_login")).content.decode()

    assert page.count(f'href="{reverse("account_reset_password")}"') == 1


def test_login_and_signup_pages_make_no_queries(client, django_assert_num_queries):
    # Anonymous, with no session yet: the forms come from the code alone.
    with django_assert_num_queries(0):
        assert client.get(reverse("account_login")).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(reverse("account_signup")).status_code == 200


def test_logging_in_takes_eleven_queries_and_five_rate_limit_checks(
    client, django_assert_num_queries
):
    UserFactory(email="dana@example.org")

    # allauth counts login attempts per client and failures per client and per address
    # in the default cache: a database table without REDIS_URL (so every worker and app
    # server counts together), where each of its five checks costs 12 queries (take
    # the counter's lock, read it, write it, release the lock). With Redis they cost none.
    with django_assert_num_queries(11 + 5 * 12):
        # 1-2. the account by its address (allauth's EmailAddress, with its user), twice:
        #      finding the account, then checking the address is verified
        # 3. whether it has a second factor to ask for
        # 4-7. a new session key is free, and the session row saved (savepoint, insert)
        # 8. last_login
        # 9-11. the session saved with the login (savepoint, update)
        response = log_in(client, "dana@example.org", PASSWORD)

    assert response.status_code == 302


def test_signing_up_takes_twenty_five_queries_and_four_rate_limit_checks(
    client, django_assert_num_queries
):
    # Four rate-limit checks at 12 queries each (see the login test): sign-up per client
    # per minute and per hour, the confirmation mail per client and per address. Then:
    # - the address is free (allauth's EmailAddress), no user has it;
    # - INSERT the user, UPDATE it with the name (allauth's signup hook);
    # - the license: SAVEPOINT, its holder exists, its two constraints checked (each in a
    #   SAVEPOINT), INSERT, RELEASE;
    # - the address: any for the user, two lookups, INSERT, any verified, the user's list;
    # - the user again, and the new session (key free, SAVEPOINT, INSERT, RELEASE).
    with django_assert_num_queries(25 + 4 * 12):
        response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    assert User.objects.get(email="maya@example.org").licenses.count() == 1
