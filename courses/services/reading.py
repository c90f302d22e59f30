"""Writes made while reading a course."""

from django.db import connection
from django.utils import timezone

from courses.models import Section, SectionRead

_MARK_READ_SQL = (
    f"INSERT INTO {SectionRead._meta.db_table} (learner_id, section_id, read_at) "  # noqa: S608  # nosec B608
    "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING"
)


def section_mark_read(*, learner, section: Section) -> None:
    """Record that the learner has read the section; reading it again changes nothing.

    One INSERT that ignores the unique (learner, section) conflict, so a revisit
    changes nothing and two tabs cannot race. A single statement is atomic on its own;
    written out because the ORM's bulk_create(ignore_conflicts=True) wraps it in a
    transaction, a BEGIN and a COMMIT round trip more on the most visited page.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_MARK_READ_SQL, [learner.pk, section.pk, now])
