"""Admin many-to-many selections refuse ids no database integer holds, with a form error."""

import pytest
from django.urls import reverse

from tests.factories import AuthorFactory, CourseFactory, UserFactory
from tests.helpers import page_data

pytestmark = pytest.mark.django_db
TOO_BIG = [str(2**63), "99999999999999999999"]


@pytest.mark.parametrize("value", TOO_BIG)
def test_course_authors(staff_client, value):
    author = AuthorFactory()
    course = CourseFactory(is_published=False)
    course.authors.add(author)
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = page_data(staff_client.get(url))
    data["authors"] = [str(author.pk), value]

    response = staff_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"authors": [f"“{value}” is not a valid value."]}
    assert list(course.authors.all()) == [author]


@pytest.mark.parametrize("value", TOO_BIG)
def test_account_groups(admin_client, value):
    account = UserFactory()
    url = reverse("admin:courses_user_change", args=[account.pk])
    data = page_data(admin_client.get(url))
    data["groups"] = [value]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {"groups": [f"“{value}” is not a valid value."]}
    assert not account.groups.exists()
