"""Approvals as boards grant them: the approving body, number, period, whose licensees
they cover and the statement word for word; and the credit types a course's hours split
into."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from courses.admin.history import AuditTrailAdmin
from courses.models import Approval, ApprovalCoverage, CreditType
from courses.models.approvals import earned_text


class ApprovalForm(forms.ModelForm):
    class Meta:
        model = Approval
        fields = "__all__"  # noqa: DJ007  # the admin's fieldsets choose what is shown

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every approval a board grants ends; only old records may lack the date.
        self.fields["ends_on"].required = True


class CoverageFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        taken_off = [f for f in self.initial_forms if f in self.deleted_forms or f.has_changed()]
        if taken_off and (earned := Approval.objects.get(pk=self.instance.pk).earned_days()):
            raise ValidationError(
                f"{earned_text(earned)}, and clinicians' renewal records count them for the "
                "licensees it covers: add to whom it covers, but take nobody off."
            )


class CoverageInline(admin.TabularInline):
    model = ApprovalCoverage
    formset = CoverageFormSet
    fields = ["profession", "state"]
    extra = 1
    verbose_name = "licensees covered"
    verbose_name_plural = "licensees covered (a blank state means every state)"


@admin.register(Approval)
class ApprovalAdmin(AuditTrailAdmin):
    form = ApprovalForm
    list_display = [
        "body_name",
        "body_abbreviation",
        "number",
        "scope",
        "starts_on",
        "ends_on",
        "is_sample",
    ]
    list_filter = ["scope", "is_sample", "coverage__profession"]
    search_fields = ["body_name", "body_abbreviation", "number"]
    fieldsets = [
        (None, {"fields": ["body_name", "body_abbreviation", "number", "scope", "is_sample"]}),
        ("Approval period", {"fields": [("starts_on", "ends_on")]}),
        ("On the certificate", {"fields": ["statement_template", "position"]}),
    ]
    formfield_overrides = {
        Approval._meta.get_field("statement_template").__class__: {
            "widget": forms.Textarea(attrs={"rows": 5, "cols": 80})
        }
    }
    inlines = [CoverageInline]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()  # the profession filter joins coverage


@admin.register(CreditType)
class CreditTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}

    def has_delete_permission(self, request, obj=None):
        return False  # courses and certificates name them
