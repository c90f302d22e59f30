"""A NUL byte in a URL: PostgreSQL refuses one in any text it is sent, so it must be
answered before it reaches a view or a query, never with a 500."""

import pytest

from tests.factories import CourseFactory


@pytest.mark.parametrize(
    "path",
    [
        "/certificates/%00.pdf",
        "/certificates/A%00B.pdf",
        "/certificates/A%00B/reissue/",
        "/courses/%00/",
        "/verify/A%00B/",
    ],
)
def test_a_nul_byte_in_the_path_is_not_found(learner_client, path):
    response = learner_client.get(path)

    assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    ["status=%00", "status=valid%00", "enrollment__course__id__exact=1%00", "q=A%00B", "%00=1"],
)
def test_a_nul_byte_in_an_admin_filter_is_bad_request(staff_client, query):
    response = staff_client.get(f"/admin/courses/certificate/?{query}")

    assert response.status_code == 400


@pytest.mark.parametrize(
    "url", ["/verify/?code=A%00B", "/my-ce/?start=2026-01-01%00", "/?page=%00"]
)
def test_a_nul_byte_in_any_query_string_is_bad_request(learner_client, url):
    CourseFactory()

    response = learner_client.get(url)

    assert response.status_code == 400


def test_a_query_string_without_nul_bytes_goes_through(staff_client):
    response = staff_client.get("/admin/courses/certificate/?status=valid&q=A00B%2500")

    assert response.status_code == 200
