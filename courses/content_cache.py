"""What every reader of a course sees alike, cached under the course's content version.

A key names one version of a course's content, so an edit needs no invalidation: it
moves the version and the next read misses. These writes move Course.content_version:
saving or deleting a section, reference, question or choice (courses.signals), and
queryset update(), bulk_update() and bulk_create() on them (ContentQuerySet), which the
admin's actions and inlines, the demo and course import all go through.
tests/test_content_cache.py tries each write path.
"""

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from courses.models import Course, Section
from courses.selectors import learning, reading

TIMEOUT = 24 * 60 * 60  # bounds memory only: an edit changes the key


def booklet_questions(*, course: Course) -> tuple[learning.BookletQuestion, ...]:
    """The questions of the course's answer booklet, with their choices.

    The course must be as read from the database: its content version is the key.
    """
    return caches["content"].get_or_set(
        f"booklet:{course.pk}:{course.content_version}",
        lambda: learning.booklet_questions_read(course_id=course.pk),
        TIMEOUT,
    )


def section_content_html(*, section: Section) -> str:
    """The section's text, references, questions and neighbour links, as HTML."""
    course = section.course
    return mark_safe(  # noqa: S308  # nosec B308 B703  # rendered by our own template
        caches["content"].get_or_set(
            f"section:{section.pk}:{course.slug}:{course.content_version}",
            lambda: _section_render(section),
            TIMEOUT,
        )
    )


def _section_render(section: Section) -> str:
    content = reading.section_content(section=section)
    return render_to_string(
        "courses/_section_content.html",
        {
            "course": section.course,
            "section": content.section,
            "reference_groups": reading.reference_groups(content.references),
            "questions": content.questions,
            "previous": content.previous,
            "next": content.next,
        },
    )
