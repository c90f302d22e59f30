"""The evidence behind credit: a course's hours justified, and one certificate's record.

Both are staff reads for boards and auditors; neither shows a correct answer.
"""

import statistics
from collections import Counter
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from itertools import pairwise

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from courses.models import (
    Attempt,
    Certificate,
    CertificateEvent,
    Course,
    EvaluationRating,
    EvaluationResponse,
    Section,
    SectionRead,
)

# Minutes a learner is given per booklet question in the study-time estimate.
MINUTES_PER_QUESTION = Decimal("1.5")
TIME_BANDS = (30, 60, 120, 240)  # minutes: the lower edges of the time-spent bands


@dataclass(frozen=True)
class SectionHours:
    label: str  # "Section 2: Grief", or "Total"
    words: int
    audio_minutes: Decimal
    questions: int  # asked in one attempt
    reading_minutes: Decimal  # words at the reading rate

    def cells(self) -> list[str]:
        """Its row of the table, as text."""
        return [
            self.label,
            str(self.words),
            f"{self.reading_minutes:.1f}",
            f"{self.audio_minutes:.1f}",
            str(self.questions),
        ]


@dataclass(frozen=True)
class HoursJustification:
    """How a course's CE hours compare with the study its content asks for."""

    course: Course
    rate: int  # words per minute
    sections: list[SectionHours]
    margin_percent: int

    @cached_property
    def total(self) -> SectionHours:
        """The sections added up: the table's last row."""
        sections = self.sections
        return SectionHours(
            label="Total",
            words=sum(s.words for s in sections),
            audio_minutes=sum((s.audio_minutes for s in sections), Decimal(0)),
            questions=sum(s.questions for s in sections),
            reading_minutes=sum((s.reading_minutes for s in sections), Decimal(0)),
        )

    @property
    def question_minutes(self) -> Decimal:
        return self.total.questions * MINUTES_PER_QUESTION

    @property
    def study_minutes(self) -> Decimal:
        """Reading (or listening, where the audio is longer) plus answering the booklet.

        The audio narrates the text, so a section counts whichever of the two is longer.
        """
        study = sum(
            (max(section.reading_minutes, section.audio_minutes) for section in self.sections),
            Decimal(0),
        )
        return study + self.question_minutes

    @property
    def study_hours(self) -> Decimal:
        return (self.study_minutes / 60).quantize(Decimal("0.01"))

    @property
    def hours_limit(self) -> Decimal:
        """The most CE hours the estimate supports, with the allowed margin."""
        return (self.study_hours * (100 + self.margin_percent) / 100).quantize(Decimal("0.01"))

    @property
    def exceeds(self) -> bool:
        return self.course.ce_hours > self.hours_limit

    def rows(self) -> list[list[str]]:
        """The table as text, for the CSV and the PDF."""
        return [section.cells() for section in [*self.sections, self.total]]


HOURS_HEADER = ["Section", "Words", "Reading minutes", "Audio minutes", "Questions"]


def hours_justification(*, course: Course, rate: int | None = None) -> HoursJustification:
    """The course's words, audio and questions an attempt asks per section, and the study
    they ask for.

    `rate` (words a minute) defaults to the course's reading rate. One query.
    """
    rate = rate or course.reading_rate
    sections = course.sections.with_questions_asked().order_by("number")
    return HoursJustification(
        course=course,
        rate=rate,
        margin_percent=settings.CE_HOURS_MARGIN_PERCENT,
        sections=[
            SectionHours(
                label=f"Section {section.number}: {section.title}",
                words=section.word_count,
                audio_minutes=(Decimal(section.audio_duration or 0) / 60).quantize(Decimal("0.1")),
                questions=section.questions_asked,
                reading_minutes=(Decimal(section.word_count) / rate).quantize(Decimal("0.1")),
            )
            for section in sections.only(
                "course_id", "number", "title", "word_count", "audio_duration"
            )
        ],
    )


@dataclass(frozen=True)
class TimeSpent:
    """Tracked against self-reported minutes over a course's evaluations."""

    tracked: list[int]  # per evaluation that has a tracked figure
    claimed: list[int]

    @staticmethod
    def _median(values):
        return statistics.median(values) if values else None

    @property
    def tracked_median(self):
        return self._median(self.tracked)

    @property
    def claimed_median(self):
        return self._median(self.claimed)

    def distribution(self) -> list[tuple[str, int, int]]:
        """(band, tracked count, claimed count) for minute bands, e.g. '30–59 min'."""
        labels = [f"{low}–{high - 1} min" for low, high in pairwise([0, *TIME_BANDS])]
        labels.append(f"{TIME_BANDS[-1]}+ min")

        def band(minutes):
            return sum(minutes >= edge for edge in TIME_BANDS)

        tracked = Counter(map(band, self.tracked))
        claimed = Counter(map(band, self.claimed))
        return [(label, tracked[i], claimed[i]) for i, label in enumerate(labels)]


def course_time_spent(*, course: Course) -> TimeSpent:
    """Every evaluation's tracked and claimed minutes for the course. One query."""
    rows = EvaluationResponse.objects.filter(enrollment__course=course).values_list(
        "tracked_minutes", "minutes_spent"
    )
    rows = list(rows)
    return TimeSpent(
        tracked=sorted(t for t, _ in rows if t is not None), claimed=sorted(c for _, c in rows)
    )


@dataclass(frozen=True)
class SectionEvidence:
    number: int
    title: str
    read_at: datetime | None
    seconds: int  # tracked on the section
    self_declared: bool

    @property
    def minutes(self) -> Decimal:
        return (Decimal(self.seconds) / 60).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class AttemptEvidence:
    number: int
    started_at: datetime
    submitted_at: datetime | None
    score: Decimal | None
    passed: bool | None
    correct_count: int | None
    question_count: int | None

    @property
    def duration_minutes(self) -> int | None:
        if self.submitted_at is None:
            return None
        return round((self.submitted_at - self.started_at).total_seconds() / 60)


@dataclass(frozen=True)
class Evidence:
    """Everything behind one certificate: reading, time, attempts, evaluation, events."""

    certificate: Certificate
    sections: list[SectionEvidence]
    tracked_minutes: int  # on the course when it was completed
    claimed_minutes: int | None
    attempts: list[AttemptEvidence]
    evaluation: EvaluationResponse | None
    ratings: list[EvaluationRating]
    events: list[CertificateEvent]

    @property
    def enrollment(self):
        return self.certificate.enrollment

    @property
    def sections_read(self) -> int:
        return sum(section.read_at is not None for section in self.sections)


def certificate_evidence(*, code: str) -> Evidence | None:
    """The record behind a certificate as it stood when the course was completed, for a
    registrar and an auditor. Seven queries: the certificate with its enrollment, learner
    and course; the sections, numbered and titled as read; the reads; the attempts; the
    evaluation; its ratings; the events."""
    certificate = (
        Certificate.objects.select_related("enrollment__course", "enrollment__learner")
        .filter(code=code)
        .first()
    )
    if certificate is None:
        return None
    enrollment = certificate.enrollment
    reads = {
        read.section_id: read
        for read in SectionRead.objects.filter(
            learner_id=enrollment.learner_id,
            section__course_id=enrollment.course_id,
            read_at__lte=enrollment.completed_at,
        )
    }
    seconds = enrollment.section_seconds or {}
    # The number and title the learner read: the section's last history row by
    # completion, in the sections' query; today's for a section whose history starts later.
    as_read = Section.history.filter(
        id=OuterRef("pk"), history_date__lte=enrollment.completed_at
    ).order_by("-history_date", "-history_id")
    sections = [
        SectionEvidence(
            number=section.number_read,
            title=section.title_read,
            read_at=reads[section.pk].read_at if section.pk in reads else None,
            seconds=seconds.get(str(section.pk), 0),
            self_declared=section.pk in reads and reads[section.pk].self_declared,
        )
        for section in enrollment.course.sections.filter(
            Q(added_at__isnull=True) | Q(added_at__lte=enrollment.completed_at)
        )
        .annotate(
            number_read=Coalesce(Subquery(as_read.values("number")[:1]), "number"),
            title_read=Coalesce(Subquery(as_read.values("title")[:1]), "title"),
        )
        .only("course_id", "number", "title")
        .order_by("number_read")
    ]
    attempt_fields = [f.name for f in fields(AttemptEvidence)]
    attempts = [
        AttemptEvidence(**{name: getattr(attempt, name) for name in attempt_fields})
        for attempt in Attempt.objects.filter(enrollment=enrollment)
        .only(*attempt_fields)
        .order_by("number")
    ]
    evaluation = EvaluationResponse.objects.filter(enrollment=enrollment).first()
    frozen = evaluation.tracked_minutes if evaluation else None  # recorded on completion
    return Evidence(
        certificate=certificate,
        sections=sections,
        tracked_minutes=enrollment.tracked_minutes if frozen is None else frozen,
        claimed_minutes=evaluation.minutes_spent if evaluation else None,
        attempts=attempts,
        evaluation=evaluation,
        ratings=list(evaluation.ratings.order_by("id")) if evaluation else [],
        events=list(certificate.events.select_related("actor").order_by("at", "id")),
    )
