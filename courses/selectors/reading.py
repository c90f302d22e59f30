"""Reads for the learner's reading pages: catalog, course page, section page.

Each page costs a fixed number of queries however many sections, references
and questions a course has.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value

from courses.models import (
    Course,
    Enrollment,
    Question,
    Reference,
    ReferenceKind,
    Section,
    SectionRead,
)

REFERENCE_HEADINGS = {
    ReferenceKind.BOOK: "Book references",
    ReferenceKind.JOURNAL: "Peer-reviewed journal article references",
    ReferenceKind.OTHER: "Other references",
}


def readable_courses(*, viewer) -> QuerySet[Course]:
    """Courses the viewer may open: published ones, those the viewer is enrolled in (an
    unpublished or retired course stays open to them), and every course for staff."""
    courses = Course.objects.all()
    if viewer.is_staff:
        return courses
    if not viewer.is_authenticated:
        return courses.published()
    enrolled = Enrollment.objects.filter(course=OuterRef("pk"), learner=viewer)
    return courses.filter(Q(is_published=True) | Exists(enrolled))


def catalog_courses() -> QuerySet[Course]:
    """The catalog lists published courses only, for staff too."""
    return (
        Course.objects.published()
        .annotate(section_count=Count("sections"))
        .prefetch_related("authors")
        .order_by("title")
    )


@dataclass(frozen=True)
class CourseReading:
    course: Course
    sections: list[Section]  # each with .is_read
    read_count: int
    question_count: int
    resume_section: Section | None  # the first unread section, or None when all are read

    @property
    def section_count(self) -> int:
        return len(self.sections)

    @property
    def started(self) -> bool:
        return self.read_count > 0


def _read_by(viewer):
    if not viewer.is_authenticated:
        return Value(False)
    return Exists(SectionRead.objects.filter(learner=viewer, section=OuterRef("pk")))


def course_reading(*, course: Course, viewer) -> CourseReading:
    """The course page: its sections with the viewer's read marks, authors and approvals."""
    sections = list(
        course.sections.only("course_id", "number", "title")
        .annotate(
            is_read=_read_by(viewer),
            question_count=Count("questions", filter=Q(questions__is_retired=False)),
        )
        .order_by("number")
    )
    unread = [section for section in sections if not section.is_read]
    return CourseReading(
        course=course,
        sections=sections,
        read_count=len(sections) - len(unread),
        question_count=sum(section.question_count for section in sections),
        resume_section=unread[0] if unread else None,
    )


def course_page_queryset(*, viewer) -> QuerySet[Course]:
    return readable_courses(viewer=viewer).prefetch_related("authors", "approvals")


@dataclass(frozen=True)
class SectionPage:
    """What the section page shows around the section's content, from one query."""

    course: Course  # id, slug, title, is_published and content_version loaded
    section: Section  # its header and audio fields, plus previous_/next_ number and title
    is_read: bool  # by the viewer
    is_enrolled: bool  # the viewer, in the course: their time on it is counted

    @property
    def content_version(self) -> str:
        """Changes whenever the section's text, references or questions change (see
        courses.signals), so the rendered content can be cached under it."""
        return f"{self.course.slug}:{self.course.content_version}"


def _columns(model, names):
    # In the model's field order, as Model.from_db() expects the values.
    return [field.attname for field in model._meta.concrete_fields if field.attname in names]


_COURSE_FIELDS = _columns(Course, {"id", "slug", "title", "is_published", "content_version"})
_SECTION_FIELDS = _columns(
    Section, {"id", "course_id", "number", "title", "audio", "audio_duration"}
)


# Written out rather than built with the ORM: compiling the equivalent queryset (four
# neighbour subqueries) cost about 4 ms of CPU per request, running it 0.3 ms, on the
# most visited page. Plain SQL that SQLite and PostgreSQL both run.
_SECTION_PAGE_SQL = """
SELECT {course_columns}, {section_columns},
  (SELECT n.number FROM {section} n WHERE n.course_id = s.course_id AND n.number < s.number
   ORDER BY n.number DESC LIMIT 1),
  (SELECT n.title FROM {section} n WHERE n.course_id = s.course_id AND n.number < s.number
   ORDER BY n.number DESC LIMIT 1),
  (SELECT n.number FROM {section} n WHERE n.course_id = s.course_id AND n.number > s.number
   ORDER BY n.number LIMIT 1),
  (SELECT n.title FROM {section} n WHERE n.course_id = s.course_id AND n.number > s.number
   ORDER BY n.number LIMIT 1),
  EXISTS (SELECT 1 FROM {section_read} r WHERE r.section_id = s.id AND r.learner_id = %s),
  EXISTS (SELECT 1 FROM {enrollment} e WHERE e.course_id = c.id AND e.learner_id = %s)
FROM {section} s JOIN {course} c ON c.id = s.course_id
WHERE c.slug = %s AND s.number = %s AND (c.is_published OR %s
  OR EXISTS (SELECT 1 FROM {enrollment} e WHERE e.course_id = c.id AND e.learner_id = %s))
""".format(  # noqa: S608  # nosec B608  # only table and column names go in
    course_columns=", ".join(f"c.{name}" for name in _COURSE_FIELDS),
    section_columns=", ".join(f"s.{name}" for name in _SECTION_FIELDS),
    course=Course._meta.db_table,
    section=Section._meta.db_table,
    section_read=SectionRead._meta.db_table,
    enrollment=Enrollment._meta.db_table,
)


def section_page(*, slug: str, number: int, viewer) -> SectionPage | None:
    """The section page's section, course and neighbours, or None if the viewer may not
    open it: unpublished courses are for staff and enrolled learners only. One query."""
    learner_id = viewer.pk if viewer.is_authenticated else None
    with connection.cursor() as cursor:
        cursor.execute(
            _SECTION_PAGE_SQL, [learner_id, learner_id, slug, number, viewer.is_staff, learner_id]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    course = Course.from_db(connection.alias, _COURSE_FIELDS, row[: len(_COURSE_FIELDS)])
    del row[: len(_COURSE_FIELDS)]
    section = Section.from_db(connection.alias, _SECTION_FIELDS, row[: len(_SECTION_FIELDS)])
    del row[: len(_SECTION_FIELDS)]
    section.course = course
    (
        section.previous_number,
        section.previous_title,
        section.next_number,
        section.next_title,
        is_read,
        is_enrolled,
    ) = row
    return SectionPage(
        course=course, section=section, is_read=bool(is_read), is_enrolled=bool(is_enrolled)
    )


@dataclass(frozen=True)
class SectionContent:
    section: Section  # body_html and reviewed_year loaded
    references: list[Reference]  # in authored order
    questions: list[Question]  # active ones, by number; number and stem loaded


# Named, not "*": a prepared "SELECT *" fails once a migration adds a column.
_REFERENCE_COLUMNS = ", ".join(field.column for field in Reference._meta.concrete_fields)


def section_content(*, section_id: int) -> SectionContent:
    """The section's text, references and active questions, for rendering its content
    once per content_version. Three short queries, written out like the page's own:
    on a large site most first views of a section are cache misses."""
    [section] = Section.objects.raw(
        f"SELECT id, body_html, reviewed_year FROM {Section._meta.db_table} WHERE id = %s",  # noqa: S608  # nosec B608
        [section_id],
    )
    return SectionContent(
        section=section,
        references=list(
            Reference.objects.raw(
                f"SELECT {_REFERENCE_COLUMNS} FROM {Reference._meta.db_table} "  # noqa: S608  # nosec B608
                "WHERE section_id = %s ORDER BY position, id",
                [section_id],
            )
        ),
        questions=list(
            Question.objects.raw(
                f"SELECT id, section_id, number, stem FROM {Question._meta.db_table} "  # noqa: S608  # nosec B608
                "WHERE section_id = %s AND NOT is_retired ORDER BY number",
                [section_id],
            )
        ),
    )


def reference_groups(references) -> list[tuple[str, list]]:
    """References grouped by kind, books first, each group in the given order."""
    groups = {kind: [] for kind in REFERENCE_HEADINGS}
    for reference in references:
        groups[reference.kind].append(reference)
    return [(REFERENCE_HEADINGS[kind], refs) for kind, refs in groups.items() if refs]


@dataclass(frozen=True)
class SubmitMissing:
    """What the course asks of a learner before the answer booklet can be submitted."""

    unread: list[Section]  # number and title loaded
    minutes_short: int  # of the course's minimum time

    def __bool__(self) -> bool:
        return bool(self.unread) or self.minutes_short > 0

    def messages(self) -> list[str]:
        found = []
        if self.unread:
            found.append(
                "Read every section before submitting. Not read yet: "
                + "; ".join(f"Section {section.number}: {section.title}" for section in self.unread)
                + "."
            )
        if self.minutes_short:
            found.append(
                f"This course asks for a minimum time on it before submitting: "
                f"{self.minutes_short} more minute{'s' if self.minutes_short != 1 else ''} to go."
            )
        return found


def submit_missing(*, enrollment: Enrollment) -> SubmitMissing:
    """The sections still unread and the minutes still short before submitting.

    One query when the course requires reading, none otherwise.
    """
    course = enrollment.course
    unread = []
    if course.require_reading:
        read = SectionRead.objects.filter(learner_id=enrollment.learner_id, section=OuterRef("pk"))
        unread = list(
            course.sections.only("course_id", "number", "title")
            .filter(~Exists(read))
            .order_by("number")
        )
    short = 0
    if course.min_minutes:
        short = max(0, -(-(course.min_minutes * 60 - enrollment.tracked_seconds) // 60))
    return SubmitMissing(unread=unread, minutes_short=short)
