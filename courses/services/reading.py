"""Writes made while reading a course: time on it, and sections read."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from courses.models import Enrollment, Section, SectionRead


@transaction.atomic
def section_mark_read(*, learner, section: Section, self_declared: bool = False) -> None:
    """Record that the learner has read the section; marking it again changes nothing.

    Marked by reading_beat once enough time was spent on it, or self-declared by the
    no-JavaScript "I have read this section" button. The unique (learner, section)
    constraint settles two tabs racing.
    """
    SectionRead.objects.bulk_create(
        [SectionRead(learner=learner, section=section, self_declared=self_declared)],
        ignore_conflicts=True,
    )


# The most one beat credits is its interval (settings.READING_BEAT_SECONDS) and this
# slack for a slow network.
BEAT_SLACK_SECONDS = 5


@dataclass(frozen=True)
class Beat:
    credited: int  # seconds this beat added
    section_seconds: int  # the learner's time on this section so far
    needed_seconds: int  # the time after which the section counts as read
    is_read: bool
    is_complete: bool = False  # the enrollment is complete: the page stops beating


def reading_beat(*, learner, slug: str, number: int, start: bool = False) -> Beat | None:
    """Credit the learner's time on a section since their last beat on the course.

    None when the learner is not enrolled in the course or there is no such section. The
    time credited is that since the last beat on the course, not the section, and at most
    one beat's interval and its slack: two open tabs share the time rather than double it,
    and a tab in the background, which does not beat, credits nothing. A start beat (the
    page shown, or shown again) only starts the clock. One SELECT and one UPDATE, which
    applies only if the last beat is still the one read, so of two racing beats one
    credits and the other adds nothing; no transaction is needed. Once the section's time
    reaches its share of the reading time, the section is marked read. A completed
    enrollment credits nothing, with no UPDATE: its time is the record behind the
    certificate.
    """
    section = (
        Section.objects.filter(
            course__slug=slug, number=number, course__enrollments__learner=learner
        )
        .annotate(
            enrollment_id=F("course__enrollments__id"),
            last_beat_at=F("course__enrollments__last_beat_at"),
            completed_at=F("course__enrollments__completed_at"),
            all_seconds=F("course__enrollments__section_seconds"),
            share=F("course__reading_share"),
            rate=F("course__reading_rate"),
            is_read=Exists(SectionRead.objects.filter(learner=learner, section=OuterRef("pk"))),
        )
        .only("id", "word_count", "audio_duration")
        .first()
    )
    if section is None:
        return None
    key = str(section.pk)
    needed = section_needed_seconds(section, share=section.share, rate=section.rate)
    if section.completed_at is not None:
        seconds = (section.all_seconds or {}).get(key, 0)
        return Beat(0, seconds, needed, section.is_read, is_complete=True)
    now = timezone.now()
    last = section.last_beat_at
    elapsed = 0 if start or last is None else (now - last).total_seconds()
    credit = max(0, min(round(elapsed), settings.READING_BEAT_SECONDS + BEAT_SLACK_SECONDS))
    seconds = dict(section.all_seconds or {})
    seconds[key] = seconds.get(key, 0) + credit
    same_beat = Q(last_beat_at__isnull=True) if last is None else Q(last_beat_at=last)
    # Still incomplete: an evaluation that completes it meanwhile freezes its time.
    updated = Enrollment.objects.filter(
        same_beat, pk=section.enrollment_id, completed_at__isnull=True
    ).update(
        last_beat_at=now,
        tracked_seconds=F("tracked_seconds") + credit,
        section_seconds=seconds,
    )
    if not updated:  # another tab's beat came first and took this time, or it completed
        seconds[key] -= credit
        credit = 0
    is_read = section.is_read
    if updated and not is_read and seconds[key] >= needed:
        section_mark_read(learner=learner, section=section)
        is_read = True
    return Beat(credit, seconds[key], needed, is_read)


def section_needed_seconds(section: Section, *, share: int, rate: int) -> int:
    """The time on a section after which it counts as read: the course's share of it."""
    return -(-section.reading_seconds(rate=rate) * share // 100)  # rounded up
