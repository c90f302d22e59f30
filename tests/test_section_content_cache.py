"""The section page caches its rendered content; every content edit must show at once."""

import pytest
from django.core.cache import cache

from courses.models import Question
from courses.views.catalog import section_content_cache_clear
from tests.factories import QuestionFactory, ReferenceFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    section = SectionFactory(body="Original text.", course__is_published=True)
    ReferenceFactory(section=section, title="Original reference")
    QuestionFactory(section=section, number=1, stem="Original stem?")
    return section


def page(client, section):
    response = client.get(section.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_section_text_edit_shows(client, section):
    assert "Original text." in page(client, section)

    section.body = "Revised text."
    section.save()

    html = page(client, section)
    assert "Revised text." in html
    assert "Original text." not in html


def test_reference_edit_and_delete_show(client, section):
    assert "Original reference" in page(client, section)
    reference = section.references.get()

    reference.title = "Revised reference"
    reference.save()
    assert "Revised reference" in page(client, section)

    reference.delete()
    assert "Revised reference" not in page(client, section)


def test_question_added_edited_and_retired_show(client, section):
    assert "Original stem?" in page(client, section)

    QuestionFactory(section=section, number=2, stem="Added stem?")
    assert "Added stem?" in page(client, section)

    question = Question.objects.get(section=section, number=1)
    question.stem = "Revised stem?"
    question.save()
    assert "Revised stem?" in page(client, section)

    question.is_retired = True
    question.save()
    html = page(client, section)
    assert "Revised stem?" not in html
    assert "Added stem?" in html


def test_other_sections_content_is_not_mixed_up(client, section):
    other = SectionFactory(course=section.course, number=2, body="Second section text.")
    assert "Original text." in page(client, section)

    html = page(client, other)
    assert "Second section text." in html
    assert "Original text." not in html


def test_neighbour_title_and_publishing_are_read_live(client, section):
    neighbour = SectionFactory(course=section.course, number=2, title="Next one")
    assert "Next one" in page(client, section)

    neighbour.title = "Renamed next"
    neighbour.save()
    assert "Renamed next" in page(client, section)

    section.course.is_published = False
    section.course.save()
    assert client.get(section.get_absolute_url()).status_code == 404


def test_content_another_app_server_rendered_comes_from_the_shared_cache(
    client, section, django_assert_num_queries
):
    html = page(client, section)
    section_content_cache_clear()  # this worker has no copy of its own, as on a new server

    with django_assert_num_queries(1):  # the section page's own query, no content ones
        assert page(client, section) == html


def test_a_worker_keeps_the_content_it_served_when_the_shared_cache_loses_it(
    client, section, django_assert_num_queries
):
    html = page(client, section)
    cache.clear()  # Redis restarted or evicted the entry

    with django_assert_num_queries(1):
        assert page(client, section) == html
