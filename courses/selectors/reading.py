"""Reads for the learner's reading pages: catalog, course page, section page.

Each page costs a fixed number of queries however many sections, references
and questions a course has.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.utils import timezone

from courses.models import (
    Approval,
    Course,
    CourseCredit,
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
        # A list per course, not a related manager built per course while rendering.
        .prefetch_related(Prefetch("authors", to_attr="author_list"))
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
    """With its authors, its approvals current today and its credit split."""
    return readable_courses(viewer=viewer).prefetch_related(
        "authors",
        Prefetch(
            "approvals",
            queryset=Approval.objects.current(timezone.localdate()),
            to_attr="current_approvals",
        ),
        Prefetch("credits", queryset=CourseCredit.objects.select_related("credit_type")),
    )


def approval_statements(*, course: Course, provider_name: str) -> list[tuple[Approval, str]]:
    """Each current approval with its statement, as certificates print it for the course."""
    credits = [(credit.credit_type.name, credit.hours) for credit in course.credits.all()]
    return [
        (a, a.statement(provider_name=provider_name, hours=course.ce_hours, credits=credits))
        for a in course.current_approvals
    ]


# The page's one query, written out because the equivalent queryset (select_related and
# an Exists annotation) costs more CPU to build than the rest of the page to render.
_READ, _SECTION, _COURSE, _ENROLLED = (
    m._meta.db_table for m in (SectionRead, Section, Course, Enrollment)
)
_SECTION_PAGE_SQL = f"""
SELECT s.id, s.course_id, s.number, s.title, s.audio, s.audio_duration,
  c.title AS course_title, c.slug AS course_slug, c.is_published AS course_is_published,
  c.is_retired AS course_is_retired, c.content_version AS course_content_version,
  EXISTS (SELECT 1 FROM {_READ} r WHERE r.section_id = s.id AND r.learner_id = %s) AS is_read,
  EXISTS (SELECT 1 FROM {_ENROLLED} e WHERE e.course_id = c.id AND e.learner_id = %s)
    AS is_enrolled
FROM {_SECTION} s JOIN {_COURSE} c ON c.id = s.course_id
WHERE c.slug = %s AND s.number = %s AND (c.is_published OR %s
  OR EXISTS (SELECT 1 FROM {_ENROLLED} e WHERE e.course_id = c.id AND e.learner_id = %s))
"""  # noqa: S608  # nosec B608  # only table names go in
# Section.number is a PositiveSmallIntegerField.
SECTION_NUMBER_MAX = 32767
# In model order, as Course.from_db expects them.
_COURSE_FIELDS = ["id", "title", "slug", "is_published", "is_retired", "content_version"]


def section_page(*, slug: str, number: int, viewer) -> Section | None:
    """The section with its header, audio, course, whether the viewer has read it and is
    enrolled, or None if the viewer may not open it: an unpublished course is for staff
    and the learners enrolled in it."""
    if not 0 < number <= SECTION_NUMBER_MAX:
        return None  # SQLite refuses a raw parameter past 64 bits; no section has it anyway
    params = [viewer.pk, viewer.pk, slug, number, viewer.is_staff, viewer.pk]
    section = next(iter(Section.objects.raw(_SECTION_PAGE_SQL, params)), None)
    if section is not None:
        section.course = Course.from_db(
            section._state.db,
            _COURSE_FIELDS,
            [getattr(section, f"course_{name}") for name in _COURSE_FIELDS],
        )
    return section


@dataclass(frozen=True)
class SectionContent:
    section: Section  # body_html and reviewed_year loaded
    references: list[Reference]  # in authored order
    questions: list[Question]  # active ones, by number; number and stem loaded
    previous: Section | None  # the neighbours, number and title loaded
    next: Section | None


def section_content(*, section: Section) -> SectionContent:
    """The section's text, references, active questions and neighbours: what every
    reader sees alike, read once per content version (courses.content_cache)."""
    neighbours = Section.objects.filter(course_id=section.course_id).only("number", "title")
    return SectionContent(
        section=Section.objects.only("body_html", "reviewed_year").get(pk=section.pk),
        references=list(section.references.order_by("position", "id")),
        questions=list(
            section.questions.active().only("section_id", "number", "stem").order_by("number")
        ),
        previous=neighbours.filter(number__lt=section.number).order_by("-number").first(),
        next=neighbours.filter(number__gt=section.number).order_by("number").first(),
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
