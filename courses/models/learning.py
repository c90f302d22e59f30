"""What learners do: enrol, read, answer the booklet, evaluate the course.

Graded attempts and their answers are credit records: they are PROTECTed
from deletion and never updated after grading.
"""

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from .content import Course, EvaluationItem, Question, Section


class EnrollmentStatus(models.TextChoices):
    READING = "reading", "Reading"
    TESTING = "testing", "Test in progress"
    EVALUATION_DUE = "evaluation_due", "Evaluation due"
    COMPLETE = "complete", "Complete"
    OUT_OF_ATTEMPTS = "out_of_attempts", "No attempts left"


def attempts_left(course: Course, *, used: int) -> int | None:
    """How many more attempts at the answer booklet a learner who has started `used`
    may start; None when the course sets no limit."""
    return None if course.max_attempts is None else max(course.max_attempts - used, 0)


def enrollment_status(enrollment, *, used: int, in_progress: bool) -> EnrollmentStatus:
    """The state an enrollment is in, given how many attempts it has started and whether
    one is in progress. The one rule for every page that shows it and for attempt_start."""
    if enrollment.completed_at:
        return EnrollmentStatus.COMPLETE
    if enrollment.passed_at:
        return EnrollmentStatus.EVALUATION_DUE
    if in_progress:
        return EnrollmentStatus.TESTING
    if attempts_left(enrollment.course, used=used) == 0:
        return EnrollmentStatus.OUT_OF_ATTEMPTS
    return EnrollmentStatus.READING


class Enrollment(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the learner has passed and evaluated the course."
    )
    # Time on the course as measured by the server from the reading page's beats
    # (courses.services.reading.reading_beat): the last beat, the seconds credited in
    # all, and per section {"<section id>": seconds}.
    last_beat_at = models.DateTimeField(null=True, blank=True, editable=False)
    tracked_seconds = models.PositiveIntegerField(default=0, editable=False)
    section_seconds = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="enrollment_unique"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(passed_at__isnull=False),
                name="enrollment_completed_only_if_passed",
            ),
        ]
        indexes = [models.Index(fields=["course", "completed_at"])]

    def __str__(self):
        return f"{self.learner} in {self.course}"

    def get_absolute_url(self):
        return self.course.get_absolute_url()

    @property
    def deadline(self):
        """The last day of the course's completion period, counted from enrolment. Learners
        are shown a date, so the whole of that day (local time) counts."""
        return timezone.localdate(self.enrolled_at) + relativedelta(
            months=self.course.completion_months
        )

    def credit_closed_reason(self, *, now=None) -> str:
        """Why no certificate can be earned in this enrollment any more; empty while it can."""
        today = timezone.localdate(now)
        if today > self.deadline:
            return (
                f"Your completion deadline for this course passed on "
                f"{date_format(self.deadline)}, so no certificate can be issued for it."
            )
        review = self.course.content_review_on
        if review and today > review:
            return (
                f"This course's content was due for review on {date_format(review)}, so no "
                "certificate can be issued for it until the review is done."
            )
        return ""

    @property
    def tracked_minutes(self) -> int:
        return round(self.tracked_seconds / 60)


class SectionRead(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sections_read"
    )
    # PROTECT: a read is evidence behind credit, so a section someone read stays.
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="reads")
    read_at = models.DateTimeField(auto_now_add=True)
    # Marked by the no-JavaScript "I have read this section" button rather than by
    # measured time; kept so the evidence says so.
    self_declared = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "section"], name="section_read_unique"),
        ]

    def __str__(self):
        return f"{self.learner} read {self.section}"


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    GRADED = "graded", "Graded"


class Attempt(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(
        max_length=20, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS
    )
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The learner's saved-but-unsubmitted answers: {"<question id>": [<choice id>, ...]}.
    draft = models.JSONField(default=dict, blank=True)
    # Seeds the per-attempt choice shuffle, so the order is stable within the attempt.
    shuffle_seed = models.PositiveIntegerField(default=0)
    # The questions drawn for this attempt from the sections' pools, in booklet order;
    # null when it asks the whole booklet. Grading grades exactly these.
    question_ids = models.JSONField(null=True, blank=True, editable=False)
    question_count = models.PositiveSmallIntegerField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The course's pass mark when this attempt was graded."
    )
    passed = models.BooleanField(null=True, blank=True)
    # The answer booklet as graded, in booklet order, fixed at grading: each question as
    # it was shown and what the learner chose. Later course edits never reach it.
    # [{"question_id", "number", "section_number", "section_title", "stem", "kind",
    #   "explanation", "choices": [{"id", "text", "is_correct"}, ...],
    #   "selected": [choice id, ...], "is_correct"}, ...]
    booklet_record = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["enrollment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "number"], name="attempt_number_unique"),
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(state="in_progress"),
                name="attempt_one_in_progress",
            ),
            models.CheckConstraint(
                condition=Q(state="in_progress")
                | Q(
                    submitted_at__isnull=False,
                    score__isnull=False,
                    pass_mark__isnull=False,
                    passed__isnull=False,
                    booklet_record__isnull=False,
                ),
                name="attempt_graded_has_result",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="attempt_score_0_100",
            ),
        ]

    def __str__(self):
        return f"Attempt {self.number} ({self.get_state_display()})"

    def get_absolute_url(self):
        if self.state == AttemptState.GRADED:
            return reverse("courses:results", kwargs={"attempt_id": self.pk})
        return reverse("courses:booklet", kwargs={"slug": self.enrollment.course.slug})

    @property
    def is_graded(self):
        return self.state == AttemptState.GRADED


class Answer(models.Model):
    """One graded answer: whether the learner got this question right.

    What was shown and chosen is in the attempt's booklet_record; these rows let the
    database protect answered questions from deletion and count results per question.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    is_correct = models.BooleanField()

    class Meta:
        ordering = ["attempt", "id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="answer_unique"),
        ]

    def __str__(self):
        return f"{self.attempt}: question {self.question_id}"


class EvaluationResponse(models.Model):
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="evaluation"
    )
    minutes_spent = models.PositiveIntegerField(
        "time actually spent (minutes)",
        validators=[MinValueValidator(1), MaxValueValidator(10000)],
    )
    # The server's measure when the evaluation was submitted, beside the learner's own.
    tracked_minutes = models.PositiveIntegerField(
        "time tracked (minutes)", null=True, blank=True, editable=False
    )
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Evaluation of {self.enrollment}"


class EvaluationRating(models.Model):
    response = models.ForeignKey(
        EvaluationResponse, on_delete=models.PROTECT, related_name="ratings"
    )
    item = models.ForeignKey(EvaluationItem, on_delete=models.PROTECT, related_name="ratings")
    # Kept with the rating so a later edit of the item's wording does not change it.
    item_text = models.CharField(max_length=300)
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="evaluation_rating_unique"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="evaluation_rating_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.item_text}: {self.rating}"
