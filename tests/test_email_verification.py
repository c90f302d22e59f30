"""A confirmed email address before credit: enrolment waits for it, existing accounts
count as confirmed (migration 0007), and the link can be sent again."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from courses.models import Enrollment
from tests.factories import CourseFactory, UserFactory


@pytest.fixture
def course(db):
    return CourseFactory()


def test_a_new_account_can_look_around_but_not_enrol_until_it_confirms(client, course):
    learner = UserFactory(email="new@example.org", email_verified=False)
    client.force_login(learner)

    catalog = client.get(reverse("courses:catalog"))
    page = client.get(course.get_absolute_url())
    refused = client.post(reverse("courses:enrol", kwargs={"slug": course.slug}))

    assert catalog.status_code == page.status_code == 200
    assert refused.status_code == 403
    html = refused.content.decode()
    assert "Confirm your email address first" in html
    assert "new@example.org" in html
    assert 'name="action_send"' in html and f'action="{reverse("account_email")}"' in html
    assert not Enrollment.objects.exists()


def test_the_refusal_sends_the_link_again_and_the_link_opens_enrolment(client, course):
    learner = UserFactory(email="new@example.org", email_verified=False)
    client.force_login(learner)

    client.post(reverse("account_email"), {"email": "new@example.org", "action_send": ""})
    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)
    client.post(link)
    enrolled = client.post(reverse("courses:enrol", kwargs={"slug": course.slug}))

    assert message.to == ["new@example.org"]
    assert enrolled["Location"] == course.get_absolute_url()
    assert Enrollment.objects.get().learner == learner


def test_a_confirmed_account_enrols(learner_client, course):
    response = learner_client.post(reverse("courses:enrol", kwargs={"slug": course.slug}))

    assert response.status_code == 302
    assert Enrollment.objects.filter(learner=learner_client.user, course=course).exists()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


BEFORE = [
    ("courses", "0006_outbound_email"),
    ("account", "0009_emailaddress_unique_primary_email"),
]


@pytest.mark.django_db(transaction=True)
def test_existing_accounts_count_as_verified_after_the_migration():
    old = migrate(BEFORE)
    try:
        User = old.get_model("courses", "User")
        dana = User.objects.create(email="Dana.Rivera@Example.org", full_name="Dana")
        staff = User.objects.create(email="office@example.org", full_name="Office", is_staff=True)
        kept = User.objects.create(email="kept@example.org", full_name="Kept")
        old.get_model("account", "EmailAddress").objects.create(
            user_id=kept.pk, email="kept@example.org", verified=False, primary=True
        )

        new = migrate([("courses", "0007_verified_emails")])

        rows = new.get_model("account", "EmailAddress").objects.order_by("user_id")
        assert list(rows.values_list("user_id", "email", "verified", "primary")) == [
            (dana.pk, "dana.rivera@example.org", True, True),
            (staff.pk, "office@example.org", True, True),
            (kept.pk, "kept@example.org", False, True),  # allauth's own row is left alone
        ]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
