"""Learning records in the admin: enrollments, graded attempts, evaluations.

These are the records behind issued credit, so the admin shows them and never
changes or deletes them; staff with view permission can audit every one.
"""

from django.contrib import admin
from django.utils.html import format_html_join

from courses.models import (
    Attempt,
    Enrollment,
    EvaluationRating,
    EvaluationResponse,
)


class ReadOnlyMixin:
    """View-only: learners create these records; nobody edits or deletes them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttemptInline(ReadOnlyMixin, admin.TabularInline):
    model = Attempt
    fields = ["number", "state", "started_at", "submitted_at", "score", "pass_mark", "passed"]
    readonly_fields = fields
    show_change_link = True
    extra = 0


@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["learner", "course", "enrolled_at", "passed_at", "completed_at"]
    list_filter = ["course", ("completed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["learner", "course"]
    search_fields = ["learner__email", "learner__full_name", "course__title"]
    date_hierarchy = "enrolled_at"
    inlines = [AttemptInline]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["enrollment", "number", "state", "score", "pass_mark", "passed", "submitted_at"]
    list_filter = ["state", "passed", "enrollment__course"]
    list_select_related = ["enrollment__learner", "enrollment__course"]
    search_fields = ["enrollment__learner__email", "enrollment__learner__full_name"]
    date_hierarchy = "started_at"
    exclude = ["draft"]
    readonly_fields = ["answers_as_graded"]

    @admin.display(description="answers, as asked (✓ correct, ● chosen)")
    def answers_as_graded(self, attempt):
        if not attempt.booklet_record:
            return "Not graded yet."
        return format_html_join(
            "",
            "<p><strong>Section {} · QUESTION {}</strong> · {}<br>{}</p>{}",
            (
                (
                    entry["section_number"],
                    entry["number"],
                    "correct" if entry["is_correct"] else "not correct",
                    entry["stem"],
                    format_html_join(
                        "",
                        "<div>{} {} {}</div>",
                        (
                            (
                                "✓" if choice["is_correct"] else "·",
                                "●" if choice["id"] in entry["selected"] else "○",
                                choice["text"],
                            )
                            for choice in entry["choices"]
                        ),
                    ),
                )
                for entry in attempt.booklet_record
            ),
        )


class EvaluationRatingInline(ReadOnlyMixin, admin.TabularInline):
    model = EvaluationRating
    fields = ["item_text", "rating"]
    readonly_fields = fields
    extra = 0


@admin.register(EvaluationResponse)
class EvaluationResponseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["enrollment", "minutes_spent", "submitted_at"]
    list_filter = ["enrollment__course"]
    list_select_related = ["enrollment__learner", "enrollment__course"]
    search_fields = ["enrollment__learner__email", "enrollment__course__title", "comments"]
    date_hierarchy = "submitted_at"
    inlines = [EvaluationRatingInline]
