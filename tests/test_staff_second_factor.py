"""Staff pass a second factor (an authenticator app, or a recovery code) before the admin
or the staff reports open; superusers reset a lost one, and the reset is logged."""

import logging
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from courses.services.accounts import SECOND_FACTOR_RESET, user_second_factor_reset
from courses.services.certificates import certificate_issue
from tests.factories import CompletedEnrollmentFactory, StaffFactory, UserFactory
from tests.second_factor import force_login_with_second_factor, totp_activate, totp_code
from tests.security_data import registrar

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # UserFactory's
REPORTS = "/staff/reports/"
ADMIN = "/admin/"


def log_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize("page", [REPORTS, ADMIN])
def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, page):
    staff = StaffFactory()
    assert log_in(client, staff)["Location"] == reverse("courses:catalog")

    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?next={page.replace('/', '%2F')}"
    assert (
        "Set up an authenticator app"
        in client.get(response["Location"], follow=True).content.decode()
    )


@pytest.mark.parametrize("page", [REPORTS, ADMIN])
def test_staff_with_an_authenticator_unused_this_session_are_asked_for_a_code(client, page):
    staff = StaffFactory()
    totp_activate(staff)
    client.force_login(staff)  # a session whose login did not pass the second factor

    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_staff_log_in_with_password_and_code_and_reach_the_reports(client):
    staff = registrar()
    secret = totp_activate(staff)

    after_password = log_in(client, staff)
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    after_code = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert after_password["Location"] == reverse("mfa_authenticate")
    assert "Incorrect code." in wrong.content.decode()
    assert after_code.status_code == 302
    assert client.get(REPORTS).status_code == 200
    assert client.get(ADMIN).status_code == 200


def test_guessing_authenticator_codes_gets_the_429_page_like_guessing_passwords(client):
    staff = registrar()
    secret = totp_activate(staff)
    log_in(client, staff)

    wrong = [client.post(reverse("mfa_authenticate"), {"code": "000000"}) for _ in range(5)]
    paused = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert [response.status_code for response in wrong] == [200] * 5
    assert paused.status_code == 429
    assert client.get(REPORTS).status_code == 302  # the right code did not get through


# Committed as in production, where allauth's "authenticator added" runs in the request.
@pytest.mark.django_db(transaction=True)
def test_setting_up_the_app_in_the_session_opens_the_reports(client):
    staff = registrar()
    log_in(client, staff)
    # Adding a factor asks for the password once more (allauth), then shows the secret.
    password_again = client.get(client.get(REPORTS)["Location"])["Location"]
    setup_url = client.post(password_again, {"password": PASSWORD})["Location"]
    setup = client.get(setup_url).content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', setup).group(1)

    activated = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert password_again.startswith(reverse("account_reauthenticate"))
    assert activated["Location"] == reverse("mfa_view_recovery_codes")
    codes = Authenticator.objects.get(user=staff, type=Authenticator.Type.RECOVERY_CODES)
    page = client.get(activated["Location"]).content.decode()
    assert all(code in page for code in RecoveryCodes(codes).get_unused_codes())
    assert client.get(REPORTS).status_code == 200


def test_a_recovery_code_works_once(client):
    staff = registrar()
    totp_activate(staff)
    codes = RecoveryCodes.activate(staff).get_unused_codes()

    log_in(client, staff)
    first = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert first.status_code == 302
    assert client.get(REPORTS).status_code == 200
    client.post(reverse("account_logout"))

    log_in(client, staff)
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})

    assert again.status_code == 200
    assert "Incorrect code." in again.content.decode()
    assert client.get(REPORTS).status_code == 302  # not logged in
    assert client.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302


def test_clinicians_may_turn_it_on_and_then_log_in_with_it(client):
    learner = UserFactory()
    secret = totp_activate(learner)

    assert log_in(client, learner)["Location"] == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_clinicians_without_it_are_not_asked(learner_client):
    assert learner_client.get(reverse("courses:transcript")).status_code == 200
    assert learner_client.get(REPORTS).status_code == 403  # not staff: no factor helps


def test_a_superuser_resets_a_lost_factor_and_it_is_logged(admin_client, admin_user, caplog):
    staff = registrar()
    signed_in = force_login_with_second_factor(type(admin_client)(), staff)
    RecoveryCodes.activate(staff)
    assert signed_in.get(REPORTS).status_code == 200
    changelist = reverse("admin:courses_user_changelist")

    with caplog.at_level(logging.WARNING, logger="courses.accounts"):
        response = admin_client.post(
            changelist, {"action": "reset_second_factor", "_selected_action": [staff.pk]}
        )

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=staff).exists()
    entry = LogEntry.objects.get(object_id=str(staff.pk))
    assert (entry.user, entry.change_message) == (admin_user, SECOND_FACTOR_RESET)
    assert entry.action_time
    [record] = [r for r in caplog.records if r.message == "second factor reset"]
    assert (record.actor_id, record.user_id, record.authenticators_removed) == (
        admin_user.pk,
        staff.pk,
        2,
    )
    # The staff member's next staff page asks them to set up a new one, in the session
    # that used the old factor as in a new one.
    other = type(admin_client)()
    log_in(other, staff)
    for session in (signed_in, other):
        assert session.get(REPORTS)["Location"].startswith(reverse("mfa_activate_totp"))


def test_only_superusers_can_reset_a_factor(client):
    clerk, staff = registrar(), StaffFactory(is_superuser=False)
    totp_activate(staff)
    force_login_with_second_factor(client, clerk)

    response = client.post(
        reverse("admin:courses_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [staff.pk]},
    )

    assert response.status_code == 403  # registrars have no rights on accounts at all
    with pytest.raises(PermissionDenied):
        user_second_factor_reset(user=staff, actor=clerk)
    assert Authenticator.objects.filter(user=staff).exists()
    assert not LogEntry.objects.exists()


def test_a_registrar_downloads_another_clinicians_certificate_only_with_the_second_factor(
    client,
):
    certificate = certificate_issue(enrollment=CompletedEnrollmentFactory())
    staff = registrar()
    log_in(client, staff)
    learner_route = reverse("courses:certificate_pdf", args=[certificate.code])

    assert client.get(learner_route).status_code == 404  # not theirs: a learner's download
    staff_route = reverse("courses:staff_certificate_pdf", args=[certificate.code])
    assert client.get(staff_route)["Location"].startswith(reverse("mfa_activate_totp"))
    force_login_with_second_factor(client, staff)
    assert client.get(staff_route)["Content-Type"] == "application/pdf"
