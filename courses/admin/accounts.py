"""Accounts in the admin: superusers manage staff accounts and put them in a staff group.

Nobody else has rights on accounts (the staff groups carry none), so nobody can raise
their own rights here.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from courses.admin.fields import RecordIdsAdminMixin
from courses.admin.protected import ProtectedCountsAdmin
from courses.forms.accounts import CertificateNameMixin, LicenseForm
from courses.models import License, User
from courses.services.accounts import user_second_factor_reset
from courses.services.licenses import (
    LICENSE_FIELDS,
    license_create,
    license_delete,
    license_update,
)


class AccountChangeForm(CertificateNameMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class AccountCreationForm(CertificateNameMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class LicenseInline(admin.TabularInline):
    model = License
    form = LicenseForm
    fields = ["license_type", "other_type", "profession", "state", "number", "renews_on"]
    extra = 0


@admin.register(User)
class AccountAdmin(RecordIdsAdminMixin, ProtectedCountsAdmin, UserAdmin):
    form = AccountChangeForm
    protected_advice = (
        "Untick Active instead: the account can no longer sign in, and its records stay."
    )
    add_form = AccountCreationForm
    list_display = ["email", "full_name", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "full_name", "licenses__number"]
    ordering = ["email"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("As stated on certificates", {"fields": ["full_name"]}),
        # Staff rights come from the groups (courses.permissions), not per-account grants.
        ("Staff access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "usable_password", "password1", "password2"],
            },
        )
    ]
    filter_horizontal = ["groups"]
    inlines = [LicenseInline]
    actions = ["reset_second_factor"]

    def save_formset(self, request, form, formset, change):
        # Licenses go through their services, as on the profile page, so self-reported
        # credit follows a license staff correct.
        if formset.model is not License:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for license in formset.deleted_objects:
            license_delete(license=license)
        for license, changed in formset.changed_objects:
            license_update(license=license, **{name: getattr(license, name) for name in changed})
        for license in formset.new_objects:
            fields = {name: getattr(license, name) for name in LICENSE_FIELDS}
            license_create(holder=form.instance, **fields)

    @admin.action(
        description="Reset the second factor (for a lost authenticator app)",
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            user_second_factor_reset(user=user, actor=request.user)
        self.message_user(
            request,
            f"Second factor reset for {len(queryset)} account(s); each sets up a new one "
            "at their next staff page.",
            messages.SUCCESS,
        )

    def has_reset_second_factor_permission(self, request):
        return request.user.is_superuser
