"""Ids and filters the admin takes from the address or a form, garbled: a stale link, a
forged post or a typed URL gets the admin's own answer, never a server error."""

import pytest
from django.contrib.admin import site
from django.urls import reverse

from courses.admin.garbled import GarbledInputAdmin
from courses.models import Question
from tests.factories import (
    ApprovalFactory,
    CourseFactory,
    QuestionFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db
NOT_IDS = ["1e9", "²", "abc", "99999999999999999999"]
NOTHING_SELECTED = "Items must be selected in order to perform actions on them"


@pytest.mark.parametrize("model", ["course", "section", "question", "approval"])
@pytest.mark.parametrize("object_id", NOT_IDS)
def test_the_history_of_a_record_that_cannot_exist_is_the_admins_not_found(
    admin_client, model, object_id
):
    url = reverse(f"admin:courses_{model}_history", args=[object_id])

    response = admin_client.get(url, follow=True)

    assert response.status_code in (200, 404)
    if response.status_code == 200:  # the admin's index, saying so
        assert "doesn’t exist" in response.content.decode()


@pytest.mark.parametrize("version_id", NOT_IDS)
def test_an_old_version_that_cannot_exist_is_not_found(admin_client, version_id):
    course = CourseFactory()
    url = reverse("admin:courses_course_simple_history", args=[course.pk, version_id])

    assert admin_client.get(url).status_code == 404


@pytest.mark.parametrize("object_id", NOT_IDS[:2])
def test_an_old_version_of_a_record_that_cannot_exist_is_not_found(admin_client, object_id):
    url = reverse("admin:courses_course_simple_history", args=[object_id, "1"])

    assert admin_client.get(url, follow=True).status_code in (200, 404)


def _actions():
    def course():
        return "course", "delete_selected", CourseFactory(is_published=False)

    def section():
        return "section", "delete_selected", SectionFactory(course__is_published=False)

    def question():
        return "question", "retire", QuestionFactory()

    def approval():
        return "approval", "delete_selected", ApprovalFactory()

    return {"course": course, "section": section, "question": question, "approval": approval}


@pytest.mark.parametrize("kind", ["course", "section", "question", "approval"])
@pytest.mark.parametrize("value", NOT_IDS)
def test_an_action_on_a_garbled_selection_changes_nothing_and_says_so(admin_client, kind, value):
    model, action, obj = _actions()[kind]()
    url = reverse(f"admin:courses_{model}_changelist")

    response = admin_client.post(
        url, {"action": action, "_selected_action": [str(obj.pk), value], "index": "0"}, follow=True
    )

    assert response.status_code == 200
    assert NOTHING_SELECTED in response.content.decode()
    assert type(obj).objects.filter(pk=obj.pk).exists()
    if kind == "question":
        assert not Question.objects.get(pk=obj.pk).is_retired


@pytest.mark.parametrize(
    ("model", "action"),
    [
        ("certificate", "revoke_selected"),
        ("reissuerequest", "decline_selected"),
        ("outboundemail", "send_again"),
        ("user", "delete_selected"),
    ],
)
@pytest.mark.parametrize("value", NOT_IDS)
def test_other_actions_on_a_garbled_selection_say_nothing_was_selected(
    admin_client, model, action, value
):
    url = reverse(f"admin:courses_{model}_changelist")

    response = admin_client.post(
        url, {"action": action, "_selected_action": [value], "index": "0"}, follow=True
    )

    assert response.status_code == 200
    assert NOTHING_SELECTED in response.content.decode()


def test_every_admin_on_the_site_answers_garbled_input():
    # Other apps' admins too (groups, email addresses, authenticators), registered again.
    labels = {model._meta.app_label for model in site._registry}

    assert {"courses", "auth", "account", "mfa"} <= labels
    assert [a for a in site._registry.values() if not isinstance(a, GarbledInputAdmin)] == []


@pytest.mark.parametrize("model", ["auth_group", "account_emailaddress", "mfa_authenticator"])
def test_other_apps_admins_say_nothing_was_selected_for_a_garbled_selection(admin_client, model):
    url = reverse(f"admin:{model}_changelist")

    response = admin_client.post(
        url, {"action": "delete_selected", "_selected_action": ["abc"], "index": "0"}, follow=True
    )

    assert response.status_code == 200
    assert NOTHING_SELECTED in response.content.decode()


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("certificate", "completed_on__year=9999&completed_on__month=12"),
        ("certificate", "completed_on__year=99999999999999999999"),
        ("section", "reviewed_year__in=99999999999999999999"),
        ("outboundemail", "created_at__year=9999&created_at__month=12&created_at__day=31"),
    ],
)
def test_a_list_filtered_by_an_impossible_value_is_the_admins_error_page(
    admin_client, model, query
):
    url = reverse(f"admin:courses_{model}_changelist") + "?" + query

    response = admin_client.get(url)

    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")
