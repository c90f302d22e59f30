"""Writes made while reading a course."""

from django.db import transaction

from courses.models import Section, SectionRead


@transaction.atomic
def section_mark_read(*, learner, section: Section) -> None:
    """Record that the learner has read the section; reading it again changes nothing.

    The unique (learner, section) constraint settles two tabs racing.
    """
    SectionRead.objects.bulk_create(
        [SectionRead(learner=learner, section=section)], ignore_conflicts=True
    )
