"""What browsers and search engines ask of every page: a favicon at the site root and a
meta description."""

import html
import re

import pytest

from tests.factories import CourseFactory, SectionFactory

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')


def test_the_favicon_is_at_the_site_root(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x00\x00\x01\x00")  # an icon


@pytest.fixture
def pages(db):
    section = SectionFactory(
        course=CourseFactory(summary="Power, consent & the helping bond."), number=1
    )
    course = section.course
    return {
        "/": "Home-study continuing education",
        f"/courses/{course.slug}/": "Power, consent & the helping bond.",
        f"/courses/{course.slug}/sections/{section.number}/": "Home-study continuing education",
        "/verify/": "Check that a continuing education certificate",
        "/accessibility/": "how to request an accommodation",
        "/accounts/login/": "Log in to",
        "/accounts/signup/": "Create a",
        "/accounts/password/reset/": "Home-study continuing education",
    }


def test_every_page_has_a_description_of_its_own(client, pages):
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        [description] = DESCRIPTION.findall(response.content.decode())
        assert expected in html.unescape(description), url


def test_a_signed_in_page_has_the_site_description(learner_client):
    [description] = DESCRIPTION.findall(learner_client.get("/my-ce/").content.decode())

    assert description.startswith("Home-study continuing education")
