"""Course authoring: course -> sections -> references and questions -> choices.

Sections and questions are ordered by their number, which the unique constraints keep
distinct; RenumberFormSet lets an author swap two numbers in one save. A question is
only ever saved together with its choices (on the Question page), so the choice rule in
validate_choice_set() holds for every saved question.
"""

from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, Q
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html
from simple_history.utils import bulk_update_with_history

from courses.admin.fields import RecordIdsAdminMixin
from courses.admin.history import AuditTrailAdmin
from courses.admin.protected import ProtectedCountsAdmin
from courses.audio import ACCEPT_ATTR
from courses.models import (
    Answer,
    Approval,
    Author,
    Choice,
    Course,
    CourseApproval,
    CourseCredit,
    EvaluationItem,
    Question,
    Reference,
    Section,
    SectionRead,
    credit_split_problem,
    validate_choice_set,
)

# --- Ordering by number -------------------------------------------------------------


class RenumberFormSet(BaseInlineFormSet):
    """An inline formset whose rows carry a `number` unique within the parent."""

    def clean(self):
        kept = [
            form
            for form in self.forms
            if form.is_valid()
            and form.cleaned_data.get("number")
            and not self._should_delete_form(form)
        ]
        counts = Counter(form.cleaned_data["number"] for form in kept)
        noun = self.model._meta.verbose_name
        for form in kept:
            number = form.cleaned_data["number"]
            if counts[number] > 1:
                form.add_error(
                    "number", f"Two {noun}s have number {number}; give each its own number."
                )
        super().clean()

    def save_existing_objects(self, commit=True):
        if commit:
            self._park_renumbered()
        return super().save_existing_objects(commit)

    def _park_renumbered(self):
        """Move renumbered rows to free numbers first, so a swap never meets itself."""
        moved = [
            form.instance.pk
            for form in self.initial_forms
            if "number" in form.changed_data and not self._should_delete_form(form)
        ]
        if not moved:
            return
        siblings = self.model._default_manager.filter(**{self.fk.name: self.instance})
        top = siblings.aggregate(top=Max("number"))["top"] or 0
        for offset, pk in enumerate(moved, start=1):
            siblings.filter(pk=pk).update(number=top + offset)


class NumberedInlineForm(forms.ModelForm):
    def validate_unique(self):
        # The numbers are checked across the whole submission by RenumberFormSet; checking
        # each row against the database would refuse a swap.
        pass


class KeptRowsFormSet(BaseInlineFormSet):
    """An inline formset judged as a whole by its clean_rows(rows), once every row is valid:
    the cleaned data of the rows the save keeps (filled in, not marked for deletion)."""

    def clean(self):
        super().clean()
        if not any(self.errors):
            self.clean_rows(
                [
                    form.cleaned_data
                    for form in self.forms
                    if form.cleaned_data and not self._should_delete_form(form)
                ]
            )


class UsedRowsFormSet(BaseInlineFormSet):
    """An inline formset whose rows learners' records PROTECT once used: deleting a used
    row is refused in one line, refusal(row, learners) with e.g. "4 learners have", the
    learners counted by learners_using(row)."""

    def clean(self):
        # First: validating a deleted row (form.is_valid()) runs Django's own check, which
        # lists every protected record, one by one.
        refusals = []
        for form in self.initial_forms:
            if not (form.instance.pk and self._should_delete_form(form)):
                continue  # a row whose id is not the course's fails its own validation
            if count := self.learners_using(form.instance):
                learners = "1 learner has" if count == 1 else f"{count} learners have"
                refusals.append(self.refusal(form.instance, learners))
        if refusals:
            raise ValidationError(refusals)
        super().clean()


def update_with_history(request, queryset, **values):
    """queryset.update(), leaving a history row per object that names the staff member."""
    objs = list(queryset)
    for obj in objs:
        for field, value in values.items():
            setattr(obj, field, value)
    return bulk_update_with_history(objs, queryset.model, list(values), default_user=request.user)


# --- Course -------------------------------------------------------------------------


class CourseAdminForm(forms.ModelForm):
    """A course is published only when publish_problems() has nothing to say; once it is,
    each save still checks its content (an approval lapsing must not stop the edit that
    adds the next one)."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_published"):
            if not self.instance.pk:
                problems = ["Save the course with its sections first, then publish it."]
            elif "is_published" in self.changed_data:
                problems = self.instance.publish_problems()
            else:
                problems = self.instance.content_problems()
            if problems:
                self.add_error("is_published", f"Cannot publish: {' '.join(problems)}")
        return cleaned


class SectionFormSet(UsedRowsFormSet, RenumberFormSet):
    def learners_using(self, section):
        """Who read the section or answered one of its questions."""
        readers = SectionRead.objects.filter(section=section).order_by().values("learner")
        answerers = (
            Answer.objects.filter(question__section=section)
            .order_by()
            .values("attempt__enrollment__learner")
        )
        return readers.union(answerers).count()  # UNION: each learner once

    def refusal(self, section, learners):
        return (
            f"Section {section.number} “{section.title}” can’t be deleted: {learners} read "
            "or answered it. Retire the course or edit the section instead."
        )

    def clean(self):
        super().clean()
        remaining = [
            form
            for form in self.forms
            if (form.instance.pk or form.has_changed()) and not self._should_delete_form(form)
        ]
        if self.instance.is_published and not remaining:
            raise ValidationError("A published course needs a section; unpublish it first.")


class CourseApprovalFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.initial_forms:
            if not form.instance.pk:
                continue  # a row whose id is not the course's (a stale page) fails on its own
            if form in self.deleted_forms or "approval" in form.changed_data:
                approval = Approval.objects.get(pk=form.initial["approval"])
                if approval.earned_days(course=self.instance):
                    raise ValidationError(
                        f"Certificates of this course were earned under {approval}, and "
                        "clinicians' renewal records count them through it. Keep it on the "
                        "course; to stop offering the course under it, end its approval "
                        "period on the approval's page."
                    )


class CourseApprovalInline(admin.TabularInline):
    """The approvals the course is offered under; approvals are written on their own page."""

    model = CourseApproval
    formset = CourseApprovalFormSet
    fields = ["approval"]
    extra = 1
    verbose_name = "approval the course is offered under"
    verbose_name_plural = "approvals the course is offered under"


class CourseCreditFormSet(KeptRowsFormSet):
    def clean_rows(self, rows):
        problem = credit_split_problem(self.instance.ce_hours, [row["hours"] for row in rows])
        # A draft's split may still be empty; a published course keeps one that adds up.
        if problem and (rows or self.instance.is_published):
            raise ValidationError(problem)


class CourseCreditInline(admin.TabularInline):
    model = CourseCredit
    formset = CourseCreditFormSet
    fields = ["credit_type", "hours"]
    extra = 1
    verbose_name = "credit type"
    verbose_name_plural = "credit types (the hours add up to the course's CE hours)"


class SectionInline(admin.TabularInline):
    """Order and retitle sections here; write their text on the Section page."""

    model = Section
    form = NumberedInlineForm
    formset = SectionFormSet
    fields = ["number", "title"]
    show_change_link = True
    extra = 0


class EvaluationItemFormSet(UsedRowsFormSet):
    def learners_using(self, item):
        return item.ratings.count()  # a learner rates it once, in their one evaluation

    def refusal(self, item, learners):
        return (
            f"Statement “{item.text}” can’t be deleted: {learners} rated it. "
            "Retire the course to stop asking it."
        )


class EvaluationItemInline(admin.TabularInline):
    model = EvaluationItem
    formset = EvaluationItemFormSet
    fields = ["position", "text"]
    extra = 0


@admin.register(Course)
class CourseAdmin(RecordIdsAdminMixin, ProtectedCountsAdmin, AuditTrailAdmin):
    form = CourseAdminForm
    protected_advice = (
        "Retire the course instead: it leaves the catalog, and enrolled learners can finish."
    )
    list_display = ["title", "slug", "level", "ce_hours", "is_published", "updated_at"]
    list_filter = ["is_published", "level"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["authors"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "learning_objectives", "authors"]}),
        ("Credit", {"fields": ["ce_hours", "level"]}),
        (
            "Test",
            {
                "fields": [
                    "pass_mark",
                    "max_attempts",
                    "shuffle_choices",
                    "failed_result_reveals",
                ]
            },
        ),
        (
            "Time and reading",
            {"fields": ["require_reading", "reading_share", "reading_rate", "min_minutes"]},
        ),
        (
            "Publishing",
            {
                "fields": [
                    "is_published",
                    "is_retired",
                    "released_on",
                    "content_review_on",
                    "completion_months",
                ]
            },
        ),
    ]
    inlines = [CourseApprovalInline, CourseCreditInline, SectionInline, EvaluationItemInline]
    actions = ["publish", "unpublish", "retire"]

    @admin.action(description="Publish selected courses", permissions=["change"])
    def publish(self, request, queryset):
        ready = []
        for course in queryset:
            if problems := course.publish_problems():
                self.message_user(
                    request,
                    f"“{course}” was not published: {' '.join(problems)}",
                    messages.ERROR,
                )
            else:
                ready.append(course.pk)
                self._warn(request, course)
        if ready:
            count = update_with_history(
                request,
                # A course retired since it was checked stays as it is.
                Course.objects.filter(pk__in=ready, is_retired=False),
                is_published=True,
                updated_at=timezone.now(),
            )
            self.message_user(request, f"Published {count} course(s).", messages.SUCCESS)

    def _warn(self, request, course):
        for warning in course.publish_warnings():
            self.message_user(request, f"“{course}”: {warning}", messages.WARNING)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.is_published:
            self._warn(request, form.instance)

    @admin.action(description="Unpublish selected courses", permissions=["change"])
    def unpublish(self, request, queryset):
        count = update_with_history(
            request, queryset, is_published=False, updated_at=timezone.now()
        )
        self.message_user(request, f"Unpublished {count} course(s).", messages.SUCCESS)

    @admin.action(description="Retire selected courses", permissions=["change"])
    def retire(self, request, queryset):
        count = update_with_history(
            request, queryset, is_published=False, is_retired=True, updated_at=timezone.now()
        )
        self.message_user(
            request,
            f"Retired {count} course(s). Enrolled learners can finish until their deadlines.",
            messages.SUCCESS,
        )


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials"]
    search_fields = ["name", "credentials", "bio"]


# --- Section ------------------------------------------------------------------------


class ReferenceInline(admin.StackedInline):
    model = Reference
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    ordering = ["position", "id"]
    readonly_fields = ["apa"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("kind", "position"),
                    "authors",
                    ("year", "date_detail"),
                    "title",
                    "container_title",
                    ("volume", "issue", "pages"),
                    ("edition", "publisher"),
                    "doi",
                    "url",
                    "apa",
                ]
            },
        )
    ]

    @admin.display(description="As cited (APA)")
    def apa(self, obj):
        return obj.apa_html() if obj.pk else "Shown after saving."


RETIRE_QUESTION = (
    "Retire the question instead: it leaves the answer booklet, and graded answers stay."
)


class QuestionInlineForm(NumberedInlineForm):
    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if self.instance.pk and "kind" in self.changed_data and kind:
            choices = [(c.text, c.is_correct) for c in self.instance.choices.all()]
            try:
                validate_choice_set(kind, choices)
            except ValidationError as error:
                self.add_error("kind", error)
        return cleaned


class QuestionFormSet(UsedRowsFormSet, RenumberFormSet):
    def learners_using(self, question):
        return question.answers.values("attempt__enrollment__learner").distinct().count()

    def refusal(self, question, learners):
        return f"{question} can’t be deleted: {learners} answered it. {RETIRE_QUESTION}"


class QuestionInline(admin.TabularInline):
    """Renumber, reword and retire questions here. Adding one happens on the Question
    page, where its choices are entered and checked in the same save."""

    model = Question
    form = QuestionInlineForm
    formset = QuestionFormSet
    fields = ["number", "stem", "kind", "is_retired", "choice_summary"]
    readonly_fields = ["choice_summary"]
    show_change_link = True
    extra = 0
    formfield_overrides = {
        Question._meta.get_field("stem").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 50})
        }
    }

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                choice_count=Count("choices"),
                correct_count=Count("choices", filter=Q(choices__is_correct=True)),
            )
        )

    @admin.display(description="Choices")
    def choice_summary(self, obj):
        return f"{obj.choice_count} ({obj.correct_count} correct)"


class HasAudioFilter(admin.SimpleListFilter):
    title = "audio"
    parameter_name = "audio"

    def lookups(self, request, model_admin):
        return [("yes", "Has audio"), ("no", "No audio")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(audio="")
        if self.value() == "no":
            return queryset.filter(audio="")
        return queryset


@admin.register(Section)
class SectionAdmin(ProtectedCountsAdmin, AuditTrailAdmin):
    protected_advice = "Edit the section or retire the course instead."
    list_display = ["course", "number", "title", "has_audio", "reviewed_year"]
    list_display_links = ["number", "title"]
    list_filter = ["course", HasAudioFilter, "reviewed_year"]
    list_select_related = ["course"]
    search_fields = ["title", "body", "course__title"]
    readonly_fields = ["audio_preview"]
    fieldsets = [
        (None, {"fields": ["course", "number", "title", "reviewed_year", "body"]}),
        ("Questions", {"fields": ["questions_per_attempt"]}),
        ("Audio", {"fields": ["audio", "audio_preview"]}),
    ]
    inlines = [ReferenceInline, QuestionInline]

    class Media:
        css = {"all": ["css/admin-authoring.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "audio":
            field.widget.attrs["accept"] = ACCEPT_ATTR
        return field

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if str(initial.get("course", "")).isdigit() and "number" not in initial:
            top = Section.objects.filter(course=initial["course"]).aggregate(top=Max("number"))
            initial["number"] = (top["top"] or 0) + 1
        return initial

    @admin.display(boolean=True, description="Audio", ordering="audio")
    def has_audio(self, obj):
        return bool(obj.audio)

    @admin.display(description="Preview")
    def audio_preview(self, obj):
        if not obj.audio:
            return "No audio yet."
        return format_html(
            '<audio controls preload="metadata" src="{}">'
            '<a href="{}">Download the audio</a></audio><p>Duration: {}</p>',
            obj.audio.url,
            obj.audio.url,
            obj.audio_duration_display or "unknown length",
        )


# --- Question -----------------------------------------------------------------------


class ChoiceFormSet(KeptRowsFormSet):
    def clean_rows(self, rows):
        choices = [(row["text"], row.get("is_correct", False)) for row in rows]
        validate_choice_set(self.instance.kind, choices)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ["position", "text", "is_correct"]

    def get_extra(self, request, obj=None, **kwargs):
        return 4 if obj is None else 1


def has_graded_answers(question):
    """Graded answers PROTECT their question: it can be retired, never deleted."""
    if not hasattr(question, "_has_graded_answers"):
        question._has_graded_answers = question.answers.exists()
    return question._has_graded_answers


@admin.register(Question)
class QuestionAdmin(ProtectedCountsAdmin, AuditTrailAdmin):
    protected_advice = RETIRE_QUESTION
    list_display = ["course", "section_number", "number", "stem_start", "kind", "is_retired"]
    list_display_links = ["number", "stem_start"]
    list_filter = ["is_retired", "kind", "section__course"]
    list_select_related = ["section__course"]
    ordering = ["section__course__title", "section__number", "number"]
    search_fields = ["stem", "section__title", "section__course__title"]
    fields = ["section", "number", "kind", "stem", "explanation", "is_retired"]
    inlines = [ChoiceInline]
    actions = ["retire"]

    class Media:
        css = {"all": ["css/admin-authoring.css"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            kwargs["queryset"] = Section.objects.select_related("course")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "section":
            field.label_from_instance = lambda s: f"{s.course} — Section {s.number}: {s.title}"
        return field

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        section_id = str(initial.get("section", ""))
        section = Section.objects.filter(pk=section_id).first() if section_id.isdigit() else None
        if section and "number" not in initial:
            top = Question.objects.filter(section__course_id=section.course_id).aggregate(
                top=Max("number")
            )
            initial["number"] = (top["top"] or 0) + 1
        return initial

    def has_delete_permission(self, request, obj=None):
        if obj is not None and has_graded_answers(obj):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        question = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "has_graded_answers": question is not None and has_graded_answers(question),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Retire selected questions", permissions=["change"])
    def retire(self, request, queryset):
        if emptied := list(queryset.courses_left_without_questions()):
            names = ", ".join(str(course) for course in emptied)
            self.message_user(
                request,
                f"Nothing was retired: {names} would have no questions left, and its "
                "learners could not finish. Add a question first, or unpublish the course.",
                messages.ERROR,
            )
            return
        count = update_with_history(request, queryset, is_retired=True)
        Course.objects.filter(sections__questions__in=queryset).content_changed()
        self.message_user(
            request,
            f"Retired {count} question(s). They leave the answer booklet; graded answers stay.",
            messages.SUCCESS,
        )

    @admin.display(description="Stem")
    def stem_start(self, obj):
        return obj.stem if len(obj.stem) <= 80 else obj.stem[:79] + "…"

    @admin.display(description="Course", ordering="section__course__title")
    def course(self, obj):
        return obj.section.course

    @admin.display(description="Section", ordering="section__number")
    def section_number(self, obj):
        return f"Section {obj.section.number}"
