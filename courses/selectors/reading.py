"""Reads for the learner's reading pages: catalog, course page, section page.

Each page costs a fixed number of queries however many sections, references
and questions a course has.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value

from courses.models import Course, Question, Reference, ReferenceKind, Section, SectionRead

REFERENCE_HEADINGS = {
    ReferenceKind.BOOK: "Book references",
    ReferenceKind.JOURNAL: "Peer-reviewed journal article references",
    ReferenceKind.OTHER: "Other references",
}


def readable_courses(*, viewer) -> QuerySet[Course]:
    """Courses the viewer may open: published ones, and every course for staff."""
    courses = Course.objects.all()
    return courses if viewer.is_staff else courses.published()


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
    return readable_courses(viewer=viewer).prefetch_related("authors", "approvals")


# The page's one query, written out because the equivalent queryset (select_related and
# an Exists annotation) costs more CPU to build than the rest of the page to render.
_READ, _SECTION, _COURSE = (m._meta.db_table for m in (SectionRead, Section, Course))
_SECTION_PAGE_SQL = f"""
SELECT s.id, s.course_id, s.number, s.title, s.audio, s.audio_duration,
  c.title AS course_title, c.slug AS course_slug, c.is_published AS course_is_published,
  c.content_version AS course_content_version,
  EXISTS (SELECT 1 FROM {_READ} r WHERE r.section_id = s.id AND r.learner_id = %s) AS is_read
FROM {_SECTION} s JOIN {_COURSE} c ON c.id = s.course_id
WHERE c.slug = %s AND s.number = %s AND (c.is_published OR %s)
"""  # noqa: S608  # nosec B608  # only table names go in
_COURSE_FIELDS = ["id", "title", "slug", "is_published", "content_version"]  # model order


def section_page(*, slug: str, number: int, viewer) -> Section | None:
    """The section with its header, audio, course and whether the viewer has read it,
    or None if the viewer may not open it: unpublished courses are for staff only."""
    params = [viewer.pk, slug, number, viewer.is_staff]
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
