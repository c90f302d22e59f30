"""Renewal requirements staff keep per state and license type, and the self-reported
credit clinicians enter (read-only here: it is the clinician's record)."""

from django.contrib import admin

from courses.admin.learning import ReadOnlyMixin
from courses.models import RequirementMinimum, RequirementProfile, SelfReportedCredit


class RequirementMinimumInline(admin.TabularInline):
    model = RequirementMinimum
    extra = 1


@admin.register(RequirementProfile)
class RequirementProfileAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "hours_required",
        "period_months",
        "home_study_cap",
        "is_sample",
    ]
    list_filter = ["is_sample", "license_type", "state"]
    fields = [
        "state",
        "license_type",
        "period_months",
        "hours_required",
        "home_study_cap",
        "source",
        "is_sample",
    ]
    inlines = [RequirementMinimumInline]


@admin.register(SelfReportedCredit)
class SelfReportedCreditAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "holder", "provider_name", "completed_on", "hours", "credit_type"]
    list_select_related = ["holder", "credit_type"]
    search_fields = ["title", "provider_name", "holder__email", "holder__full_name"]
    date_hierarchy = "completed_on"
    # Staff may only view, so every field shows read-only, in the model's order;
    # created_at, not editable, is named to show too, and the licenses by name.
    exclude = ["counts_toward"]
    readonly_fields = ["licenses", "created_at"]

    @admin.display(description="counts toward")
    def licenses(self, credit):
        return ", ".join(credit.counts_toward_names)
