"""What authors write: courses, their sections, references and questions."""

import re
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from simple_history.models import HistoricalRecords

from courses.audio import audio_upload_to, read_audio, validate_audio
from courses.markdown import render_markdown
from courses.pdf.fonts import certificate_text


def validate_quarter_hours(value):
    if value is not None and (value <= 0 or (value * 4) % 1 != 0):
        raise ValidationError("CE hours must be a positive multiple of 0.25 (e.g. 1.25).")


# A whole percentage: a pass mark, a share of the reading time.
PERCENT = [MinValueValidator(1), MaxValueValidator(100)]

WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")


def count_words(markdown_text: str) -> int:
    """Words as a reader counts them: Markdown's marks and link targets are not words."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown_text)  # [label](url) -> the label
    return len(WORD.findall(text))


def hours_text(value) -> str:
    """CE hours as printed everywhere: 1.25 -> '1.25', 3.00 -> '3', 30.00 -> '30'."""
    if value is None:
        return "0"
    return f"{Decimal(value).quantize(Decimal('0.01')).normalize():f}"


def clean_certificate_text(obj, labels: dict[str, str], *, line_breaks=()) -> None:
    """Refuse the fields' text a certificate or transcript would print as blank boxes.

    For a model's clean(), so the admin (and a course import) judges it and rows saved
    any other way keep saving. Each field is stored composed (NFC); `labels` name the
    fields in the messages, `line_breaks` are fields printed as wrapped paragraphs.
    """
    errors = {}
    for field, label in labels.items():
        value = getattr(obj, field)
        if not value:
            continue
        try:
            value = certificate_text(value, subject=label, line_breaks=field in line_breaks)
        except ValidationError as error:
            errors[field] = error
        else:
            setattr(obj, field, value)
    if errors:
        raise ValidationError(errors)


# APA recommends 6-8 post-test questions per credit hour of home study.
QUESTIONS_PER_HOUR = 6
NO_CURRENT_APPROVAL = (
    "No current approval covers the course: offer it under an approval whose period "
    "includes today and that covers at least one profession."
)
NO_QUESTIONS = "The course has no questions."


def credit_split_problem(course_hours, parts) -> str:
    """Why these credit hours do not split the course's hours; empty when they do."""
    total = sum(parts, Decimal(0))
    if course_hours is None or total == course_hours:
        return ""
    if not parts:
        return f"Split the course's {hours_text(course_hours)} CE hours into credit types."
    return (
        f"The credit types add up to {hours_text(total)} hours, but the course is "
        f"{hours_text(course_hours)} CE hours."
    )


class Level(models.TextChoices):
    INTRODUCTORY = "introductory", "Introductory"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class Author(models.Model):
    name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=200, blank=True, help_text="e.g. PhD, LMFT")
    bio = models.TextField(blank=True)
    conflict_of_interest = models.TextField(
        "conflict-of-interest disclosure",
        default="The author has no relevant financial or non-financial relationships to disclose.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def clean(self):
        # Certificates list the course's authors as str(author).
        clean_certificate_text(
            self, {"name": "The author's name", "credentials": "The author's credentials"}
        )


class FailedResultReveals(models.TextChoices):
    ITEMS = "items", "Which items were wrong"
    SECTIONS = "sections", "Only the sections to review again"
    SCORE = "score", "Nothing but the score"


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def content_changed(self):
        """Give these courses a new content version, so their cached content is read afresh."""
        return self.update(content_version=models.F("content_version") + 1)

    def holding(self, model, pks):
        """The courses that rows of a content model (see CONTENT) are in."""
        return self.filter(**{f"{CONTENT[model][0]}__in": pks})


class Course(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(help_text="Two or three sentences for the catalog.")
    learning_objectives = models.TextField(
        help_text="One measurable objective per line, e.g. 'Identify four characteristics…'."
    )
    ce_hours = models.DecimalField(
        "CE hours", max_digits=5, decimal_places=2, validators=[validate_quarter_hours]
    )
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.INTERMEDIATE)
    authors = models.ManyToManyField(Author, related_name="courses", blank=True)
    approvals = models.ManyToManyField(
        "Approval", through="CourseApproval", related_name="courses", blank=True
    )
    pass_mark = models.PositiveSmallIntegerField("pass mark (%)", default=75, validators=PERCENT)
    max_attempts = models.PositiveSmallIntegerField(
        "maximum attempts",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Leave blank for unlimited attempts.",
    )
    shuffle_choices = models.BooleanField(
        default=False, help_text="Shuffle answer choices for each attempt."
    )
    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="Listed and open for enrolment. Unpublishing closes enrolment; learners "
        "already enrolled can finish until their completion deadline.",
    )
    is_retired = models.BooleanField(
        "retired",
        default=False,
        help_text="Withdrawn for good: never published again. Enrolled learners can still "
        "finish until their completion deadline.",
    )
    completion_months = models.PositiveSmallIntegerField(
        "completion deadline (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Months from enrolment within which a learner must finish for credit.",
    )
    released_on = models.DateField("release date", null=True, blank=True)
    content_review_on = models.DateField(
        "content-review date",
        null=True,
        blank=True,
        help_text="No certificate is issued after this date until the content is reviewed "
        "and the date moved.",
    )
    # Hours that were earned: what must happen before the booklet can be submitted.
    require_reading = models.BooleanField(
        "every section must be read before submitting",
        default=True,
        help_text="A section counts as read once the learner has spent the share of its "
        "reading time set below on it, or declared it read without JavaScript.",
    )
    reading_share = models.PositiveSmallIntegerField(
        "share of reading time that counts a section read (%)",
        default=50,
        validators=PERCENT,
    )
    reading_rate = models.PositiveSmallIntegerField(
        "reading rate (words per minute)",
        default=200,
        validators=[MinValueValidator(50), MaxValueValidator(600)],
        help_text="Estimates each section's reading time and the course's study time.",
    )
    min_minutes = models.PositiveIntegerField(
        "minimum time on the course before submitting (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    failed_result_reveals = models.CharField(
        "a failed result shows",
        max_length=10,
        choices=FailedResultReveals.choices,
        default=FailedResultReveals.ITEMS,
    )
    # Bumped with every change to the course's sections, references, questions or
    # choices (see courses.signals); it keys the cached booklet and section content.
    content_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()
    # The audit trail of content: who changed what, when (django-simple-history).
    history = HistoricalRecords(excluded_fields=["content_version"], m2m_fields=[authors])

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="course_pass_mark_1_100"
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__isnull=True) | Q(max_attempts__gte=1),
                name="course_max_attempts_positive",
            ),
            models.CheckConstraint(condition=Q(ce_hours__gt=0), name="course_ce_hours_positive"),
            models.CheckConstraint(
                condition=Q(is_retired=False) | Q(is_published=False),
                name="course_retired_not_published",
                violation_error_message="A retired course cannot be published.",
            ),
            models.CheckConstraint(
                condition=Q(reading_share__gte=1, reading_share__lte=100),
                name="course_reading_share_1_100",
            ),
            models.CheckConstraint(
                condition=Q(completion_months__gte=1), name="course_completion_months_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("courses:course", kwargs={"slug": self.slug})

    def clean(self):
        clean_certificate_text(self, {"title": "The course title"})
        if self.is_retired and self.is_published:
            raise ValidationError({"is_published": "A retired course cannot be published."})
        # Retiring is for good: judged against the stored row, whatever the form shows.
        if (
            self.pk
            and not self.is_retired
            and Course.objects.filter(pk=self.pk, is_retired=True).exists()
        ):
            raise ValidationError(
                {"is_retired": "A retired course stays retired: it is never published again."}
            )

    @property
    def objective_list(self):
        return [line.strip() for line in self.learning_objectives.splitlines() if line.strip()]

    @property
    def ce_hours_display(self):
        return hours_text(self.ce_hours) if self.ce_hours is not None else ""

    def content_problems(self):
        """What is wrong with the sections and questions, as sentences; a published
        course is held to these on every save."""
        active = Question.objects.active().prefetch_related("choices")
        sections = self.sections.prefetch_related(models.Prefetch("questions", queryset=active))
        problems = ["The course is retired."] if self.is_retired else []
        for section in sections:
            if not section.body.strip():
                problems.append(f"Section {section.number} has no text.")
            for question in section.questions.all():
                choices = [(choice.text, choice.is_correct) for choice in question.choices.all()]
                try:
                    validate_choice_set(question.kind, choices)
                except ValidationError as error:
                    problems.append(f"QUESTION {question.number}: {error.messages[0]}")
        if not sections:
            problems.append("The course has no sections.")
        return problems

    def is_approved(self, on) -> bool:
        """Whether an approval current on `on` covers some profession; certificates cite
        no other."""
        return self.approvals.citable(on).exists()

    def publish_problems(self, *, on=None):
        """Why this course cannot be published yet, as sentences; empty when it can."""
        on = on or timezone.localdate()
        problems = self.content_problems()
        if not Question.objects.active().filter(section__course=self).exists():
            problems.append(NO_QUESTIONS)
        if not self.authors.exists():
            problems.append("The course has no author.")
        if not self.evaluation_items.exists():
            problems.append("The course has no evaluation items.")
        if split := credit_split_problem(
            self.ce_hours, [credit.hours for credit in self.credits.all()]
        ):
            problems.append(split)
        if not self.is_approved(on):
            problems.append(NO_CURRENT_APPROVAL)
        return problems

    def publish_warnings(self):
        """What a board may query in a published course, as sentences. Publishing checks
        the approvals (publish_problems); a course already published only warns of them,
        as unpublishing is for staff to decide."""
        warnings = []
        questions = sum(s.questions_asked for s in self.sections.with_questions_asked())
        wanted = self.ce_hours * QUESTIONS_PER_HOUR
        if questions < wanted:
            warnings.append(
                f"The answer booklet asks {questions} question{'s' if questions != 1 else ''} for "
                f"{hours_text(self.ce_hours)} CE hours; APA recommends at least "
                f"{QUESTIONS_PER_HOUR} per credit hour ({hours_text(wanted)})."
            )
        if not self.is_approved(timezone.localdate()):
            warnings.append(f"{NO_CURRENT_APPROVAL} Until then its certificates cite none.")
        return warnings


class ContentQuerySet(models.QuerySet):
    """Rows that courses.content_cache caches under their course's content version.

    Saves and deletes move the version through signals (courses.signals); these
    writes send no signals, so they move it themselves.
    """

    def update(self, **kwargs):
        courses = Course.objects.holding(self.model, list(self.values_list("pk", flat=True)))
        courses.content_changed()  # the courses the rows are in
        updated = super().update(**kwargs)
        courses.content_changed()  # and the ones a moved row is in now
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        Course.objects.holding(self.model, [obj.pk for obj in created]).content_changed()
        return created


class SectionQuerySet(ContentQuerySet):
    def with_questions_asked(self):
        """Each section with `questions_asked`: how many of its active questions one
        attempt asks, its draw from the pool or, with no draw, all of them."""
        pool = models.Count("questions", filter=Q(questions__is_retired=False))
        drawn = Coalesce("questions_per_attempt", pool, output_field=models.IntegerField())
        return self.annotate(questions_asked=Least(drawn, pool))


class Section(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown. HTML is sanitized when shown.")
    body_html = models.TextField(editable=False, blank=True)
    audio = models.FileField(
        upload_to=audio_upload_to,
        blank=True,
        validators=[validate_audio],
        help_text="MP3, M4A (AAC) or Ogg (Vorbis or Opus). The duration is read from the file.",
    )
    audio_duration = models.FloatField(
        "audio duration (seconds)", null=True, blank=True, editable=False
    )
    reviewed_year = models.PositiveSmallIntegerField(
        "reviewed year",
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    word_count = models.PositiveIntegerField(default=0, editable=False)
    questions_per_attempt = models.PositiveSmallIntegerField(
        "questions drawn per attempt",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Treat the section's questions as a pool and ask this many in each "
        "attempt; retakes draw others where the pool allows. Blank asks them all.",
    )
    # The evidence behind a certificate lists the sections the course had on completion;
    # empty for sections added before this was recorded.
    added_at = models.DateTimeField(auto_now_add=True, null=True)

    _stored_audio = None  # the file name as loaded; see from_db()

    objects = SectionQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=["body_html", "word_count"])  # follow body

    class Meta:
        ordering = ["course", "number"]
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="section_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="section_number_positive"),
        ]

    def __str__(self):
        return f"Section {self.number}: {self.title}"

    def save(self, *args, **kwargs):
        # Rendered once on save, so reading a section costs no Markdown work.
        self.body_html = render_markdown(self.body)
        self.word_count = count_words(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            update_fields = kwargs["update_fields"] = {*update_fields, "body_html", "word_count"}
        if update_fields is not None and "audio" in update_fields:
            kwargs["update_fields"] = {*update_fields, "audio_duration"}
        audio_changed = (
            (update_fields is None or "audio" in update_fields)
            and "audio" not in self.get_deferred_fields()
            and self.audio.name != self._stored_audio
        )
        if audio_changed:
            self._read_new_audio()
        super().save(*args, **kwargs)
        if audio_changed:
            self._stored_audio = self.audio.name

    def get_absolute_url(self):
        return reverse("courses:section", kwargs={"slug": self.course.slug, "number": self.number})

    @classmethod
    def from_db(cls, db, field_names, values):
        section = super().from_db(db, field_names, values)
        section._stored_audio = section.__dict__.get("audio")  # to spot a new file on save
        return section

    def reading_seconds(self, *, rate: int) -> int:
        """How long the section takes: reading its words at `rate` words a minute, or
        listening to its audio, whichever is longer (the audio narrates the text)."""
        return max(round(self.word_count * 60 / rate), round(self.audio_duration or 0))

    @property
    def audio_duration_display(self):
        if not self.audio_duration:
            return ""
        minutes, seconds = divmod(round(self.audio_duration), 60)
        return f"{minutes}:{seconds:02d}"

    def _read_new_audio(self):
        """Read a new file's duration; an upload not yet stored is also named by its content."""
        if not self.audio:
            self.audio_duration = None
            return
        try:
            info = read_audio(self.audio)
        except ValidationError:
            self.audio_duration = None  # saved without validation: no duration to trust
            return
        self.audio_duration = info.duration
        if not self.audio._committed:
            self.audio.name = f"{Path(self.audio.name).stem}.{info.extension}"


class ReferenceKind(models.TextChoices):
    BOOK = "book", "Book"
    JOURNAL = "journal", "Peer-reviewed journal article"
    OTHER = "other", "Other"


# "https://doi.org/", "http://dx.doi.org/" or "doi:" in front of a bare DOI.
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


class Reference(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField(max_length=10, choices=ReferenceKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    authors = models.CharField(
        max_length=500, help_text="APA order, e.g. 'Kivlighan, D. M., Jr., & Hilsenroth, M. J.'"
    )
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    date_detail = models.CharField(
        max_length=50, blank=True, help_text="Optional month or season, e.g. 'January'."
    )
    title = models.CharField(max_length=500)
    container_title = models.CharField(
        "journal or container", max_length=300, blank=True, help_text="Journal name for articles."
    )
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=30, blank=True)
    edition = models.CharField(max_length=30, blank=True, help_text="e.g. '2nd ed.'")
    publisher = models.CharField(max_length=200, blank=True)
    doi = models.CharField(
        "DOI", max_length=200, blank=True, help_text="Bare DOI, e.g. 10.1037/a0034947"
    )
    url = models.URLField("URL", max_length=500, blank=True)

    objects = ContentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "position", "id"]

    def __str__(self):
        return f"{self.authors} ({self.year}). {self.title}"

    def clean(self):
        if self.kind == ReferenceKind.JOURNAL and not self.container_title:
            raise ValidationError({"container_title": "A journal article needs its journal."})
        if self.kind == ReferenceKind.BOOK and not self.publisher:
            raise ValidationError({"publisher": "A book needs its publisher."})
        if self.doi:
            self.doi = DOI_PREFIX.sub("", self.doi.strip())

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    def apa_html(self):
        """The citation in APA 7 style, italics where APA puts them."""
        authors = self.authors.strip().rstrip(".") + "."
        date = f"{self.year}, {self.date_detail}" if self.date_detail else str(self.year)
        title = self.title.strip().rstrip(".")
        stop = "" if title.endswith(("?", "!")) else "."  # APA adds no period after ? or !
        parts = [format_html("{} ({}).", authors, date)]
        if self.kind == ReferenceKind.JOURNAL:
            parts.append(format_html("{}{}", title, stop))
            container = format_html("<i>{}</i>", self.container_title)
            if self.volume:
                container = format_html("{}, <i>{}</i>", container, self.volume)
            if self.issue:
                container = format_html("{}({})", container, self.issue)
            if self.pages:
                container = format_html("{}, {}", container, self.pages)
            parts.append(format_html("{}.", container))
        else:
            edition = format_html(" ({})", self.edition) if self.edition else ""
            parts.append(format_html("<i>{}</i>{}{}", title, edition, "." if edition else stop))
            if self.publisher:
                parts.append(format_html("{}.", self.publisher.strip().rstrip(".")))
        link = self.doi_url or self.url
        if link:
            parts.append(format_html('<a href="{}">{}</a>', link, link))
        return mark_safe(" ".join(parts))  # noqa: S308  # nosec B308 B703  # parts are escaped


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single answer"
    MULTIPLE = "multiple", "Select all that apply"


class QuestionQuerySet(ContentQuerySet):
    def active(self):
        return self.filter(is_retired=False)

    def courses_left_without_questions(self):
        """The published courses retiring these questions would leave with none to ask:
        their learners could never pass the answer booklet."""
        kept = (
            Question.objects.active()
            .exclude(pk__in=self.values("pk"))
            .filter(section__course=models.OuterRef("pk"))
        )
        return (
            Course.objects.published()
            .filter(sections__questions__in=self.active().values("pk"))
            .exclude(models.Exists(kept))
            .distinct()
        )


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="Shown as 'QUESTION N'; unique in the course."
    )
    stem = models.TextField()
    kind = models.CharField(
        max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    explanation = models.TextField(blank=True, help_text="Shown to the learner after passing.")
    is_retired = models.BooleanField(
        "retired",
        default=False,
        help_text="Retired questions leave the answer booklet but keep graded answers intact.",
    )

    objects = QuestionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["section__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "number"],
                name="question_number_unique",
                violation_error_message="Another question in this section has this number.",
            ),
        ]

    def __str__(self):
        return f"QUESTION {self.number}"

    def get_absolute_url(self):
        return self.section.get_absolute_url() + f"#question-{self.number}"

    def clean(self):
        # Within one section the unique constraint decides (and the admin formset can swap
        # numbers there); this catches the same number in another section of the course.
        if self.section_id and self.number:
            clash = (
                Question.objects.filter(
                    section__course_id=self.section.course_id, number=self.number
                )
                .exclude(section_id=self.section_id)
                .exists()
            )
            if clash:
                raise ValidationError(
                    {"number": f"QUESTION {self.number} already exists in this course."}
                )


def validate_choice_set(kind, choices):
    """Check a question's choices, given as (text, is_correct) pairs: the one rule for the
    admin, the course importer and publishing."""
    count = len(choices)
    correct = sum(1 for _, is_correct in choices if is_correct)
    if kind == QuestionKind.SINGLE:
        if count < 2:
            raise ValidationError("A single-answer question needs at least two choices.")
        if correct != 1:
            raise ValidationError(
                f"A single-answer question needs exactly one correct choice (it has {correct})."
            )
    elif kind == QuestionKind.MULTIPLE:
        if count < 2:
            raise ValidationError("A select-all question needs at least two choices.")
        if correct < 1:
            raise ValidationError("A select-all question needs at least one correct choice.")


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField("correct", default=False)

    objects = ContentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self):
        return self.text


class EvaluationItem(models.Model):
    """One statement of a course's evaluation, rated on a 5-point scale."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="evaluation_items")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["course", "position", "id"]

    def __str__(self):
        return self.text

    def clean(self):
        # Reports average ratings by statement: reworded, old ratings would read as answers
        # to the new wording.
        if (
            self.pk
            and not EvaluationItem.objects.filter(pk=self.pk, text=self.text).exists()
            and self.ratings.exists()
        ):
            raise ValidationError(
                {
                    "text": "Learners have rated this statement, so its wording stays; add "
                    "a new statement instead."
                }
            )


# What courses.content_cache caches, as model -> (the lookup from Course to its rows,
# the field naming the row's parent).
CONTENT = {
    Section: ("sections", "course_id"),
    Question: ("sections__questions", "section_id"),
    Choice: ("sections__questions__choices", "question_id"),
    Reference: ("sections__references", "section_id"),
}
