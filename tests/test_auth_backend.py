"""The logged-in user each request loads."""

import pytest
from django.urls import reverse

from courses.models import User

pytestmark = pytest.mark.django_db


def test_a_logged_in_request_loads_the_whole_user(learner_client):
    response = learner_client.get(reverse("courses:catalog"))

    loaded = response.wsgi_request.user
    stored = User.objects.get(pk=learner_client.user.pk)
    assert loaded.is_authenticated
    for field in User._meta.concrete_fields:
        assert getattr(loaded, field.attname) == getattr(stored, field.attname), field.name
    assert stored.full_name in response.content.decode()  # the name in the navigation


def test_a_deactivated_account_is_logged_out_at_its_next_request(learner_client):
    User.objects.filter(pk=learner_client.user.pk).update(is_active=False)

    response = learner_client.get(reverse("courses:transcript"))

    assert response.status_code == 302
    assert response.wsgi_request.user.is_anonymous


def test_a_deleted_account_is_logged_out_at_its_next_request(learner_client):
    User.objects.filter(pk=learner_client.user.pk).delete()

    response = learner_client.get(reverse("courses:catalog"))

    assert response.status_code == 200
    assert response.wsgi_request.user.is_anonymous
