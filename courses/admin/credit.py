"""Admin for issued credit: provider settings, certificates and reissue requests.

Certificates are records: they are shown read-only and never deleted. Every change
goes through a service (revoke, reissue, decline), which leaves a CertificateEvent.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from courses.admin.learning import ReadOnlyMixin
from courses.forms.certificates import ProviderSettingsForm, ReasonForm
from courses.models import (
    Certificate,
    CertificateEvent,
    ProviderSettings,
    ReissueRequest,
    ReissueRequestStatus,
)
from courses.services.certificates import (
    certificate_reissue,
    certificate_revoke,
    reissue_request_decline,
    reissue_request_fields,
)


@admin.register(ProviderSettings)
class ProviderSettingsAdmin(admin.ModelAdmin):
    form = ProviderSettingsForm
    fieldsets = [
        (None, {"fields": ["provider_name", "delivery_format"]}),
        (
            "Contact, as certificates print it",
            {"fields": ["contact_address", "contact_phone", "contact_email"]},
        ),
        ("Signature", {"fields": ["administrator_name", "administrator_title", "signature_image"]}),
        ("Branding", {"fields": ["logo"]}),
    ]

    def has_add_permission(self, request):
        return False  # the one row is created on first use

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:courses_providersettings_change", ProviderSettings.load().pk)


def _reason_action(modeladmin, request, queryset, *, service, title, intro, button):
    """Ask for a reason on an intermediate page, then apply `service` to each row."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        done = 0
        for obj in queryset:
            try:
                service(obj, request.user, form.cleaned_data["reason"])
                done += 1
            except ValidationError as error:
                modeladmin.message_user(
                    request, f"{obj}: {' '.join(error.messages)}", messages.WARNING
                )
        if done:
            modeladmin.message_user(request, f"{title}: {done} done.", messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "button": button,
        "opts": modeladmin.model._meta,
        "queryset": queryset,
        "form": form,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/courses/reason_action.html", context)


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    fields = ["at", "kind", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    # Issued by completing a course; revoke and reissue are actions, through the services.
    list_display = ["code", "learner_name", "course_title", "completed_on", "status", "issued_at"]
    list_filter = [
        "status",
        "completed_on",
        ("enrollment__course", admin.RelatedOnlyFieldListFilter),
    ]
    # "licenses": every license a certificate states, not only the first (license_number).
    search_fields = ["code", "learner_name", "license_number", "licenses"]
    date_hierarchy = "completed_on"
    inlines = [CertificateEventInline]
    actions = ["revoke_selected"]
    fieldsets = [
        (
            "Status",
            {
                "fields": [
                    "code",
                    "status",
                    "issued_at",
                    "reissue_of",
                    "replaced_by",
                    "revoked_at",
                    "revoked_reason",
                ]
            },
        ),
        (
            "Learner, as stated",
            {"fields": ["learner_name", "license_list"]},
        ),
        (
            "Course, as stated",
            {
                "fields": [
                    "course_title",
                    "hours",
                    "completed_on",
                    "delivery_format",
                    "author_list",
                    "approval_list",
                ]
            },
        ),
        (
            "Provider, as stated",
            {
                "fields": [
                    "provider_name",
                    "administrator_name",
                    "administrator_title",
                    "signature_image",
                    "logo",
                ]
            },
        ),
        ("Record", {"fields": ["enrollment"]}),
    ]
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]

    @admin.display(description="Replaced by")
    def replaced_by(self, obj):
        replacement = Certificate.objects.filter(reissue_of=obj).first()
        if replacement is None:
            return "-"
        url = reverse("admin:courses_certificate_change", args=[replacement.pk])
        return format_html('<a href="{}">{}</a>', url, replacement.code)

    @admin.display(description="CE hours")
    def hours(self, obj):
        return obj.ce_hours_display

    @admin.display(description="Licenses")
    def license_list(self, obj):
        return format_html_join("\n", "<p>{}</p>", ((held,) for held in obj.licenses_stated)) or "-"

    @admin.display(description="Authors")
    def author_list(self, obj):
        return "; ".join(obj.authors) or "-"

    @admin.display(description="Approval statements")
    def approval_list(self, obj):
        return format_html_join(
            "\n",
            "<p><strong>{}</strong> · Provider {}<br>{}</p>",
            ((a["board"], a["provider_number"] or "-", a["statement"]) for a in obj.approvals),
        )

    def has_revoke_permission(self, request):
        return request.user.has_perm("courses.change_certificate")

    @admin.action(description="Revoke selected (with a reason)", permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        return _reason_action(
            self,
            request,
            queryset,
            service=lambda c, actor, reason: certificate_revoke(
                certificate=c, actor=actor, reason=reason
            ),
            title="Revoke certificates",
            intro="A revoked certificate shows as revoked on its public verification page and "
            "can no longer be downloaded. The reason stays in its trail.",
            button="Revoke",
        )


@admin.register(ReissueRequest)
class ReissueRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    # Learners ask from their certificate; staff approve on the review page or decline.
    list_display = ["certificate", "requested_by", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["certificate", "requested_by"]
    search_fields = ["certificate__code", "certificate__learner_name", "requested_by__email"]
    actions = ["decline_selected"]
    fields = [
        "certificate",
        "requested_by",
        "reason",
        "changes",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    readonly_fields = fields

    def has_decide_permission(self, request):
        return request.user.has_perm("courses.change_reissuerequest")

    def get_list_display(self, request):
        return [*self.list_display, "review_link"]

    @admin.display(description="Review")
    def review_link(self, obj):
        if obj.status != ReissueRequestStatus.PENDING:
            return "-"
        url = reverse("admin:courses_reissuerequest_review", args=[obj.pk])
        return format_html('<a href="{}">Review and approve</a>', url)

    @admin.display(description="What the reissue would change")
    def changes(self, obj):
        rows = [
            (f.label, "; ".join(f.on_certificate) or "—", "; ".join(f.requested) or "—")
            for f in reissue_request_fields(request=obj)
            if f.changed
        ]
        if not rows:
            return "Nothing: the request matches the certificate."
        return format_html_join("\n", "<div>{}: {} → <strong>{}</strong></div>", rows)

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        return [
            path("<int:pk>/review/", review, name="courses_reissuerequest_review"),
            *super().get_urls(),
        ]

    def review_view(self, request, pk):
        """Old against requested, side by side; approving issues exactly the requested."""
        if not self.has_decide_permission(request):
            raise PermissionDenied
        reissue = get_object_or_404(
            ReissueRequest.objects.select_related("certificate", "requested_by"), pk=pk
        )
        if request.method == "POST" and reissue.status == ReissueRequestStatus.PENDING:
            try:
                certificate = certificate_reissue(request=reissue, actor=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                self.message_user(
                    request,
                    f"Reissued {reissue.certificate.code} as {certificate.code}; "
                    "the learner is emailed.",
                    messages.SUCCESS,
                )
                return redirect("admin:courses_reissuerequest_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review the reissue of {reissue.certificate.code}",
            "opts": self.model._meta,
            "reissue": reissue,
            "fields": reissue_request_fields(request=reissue),
        }
        return TemplateResponse(request, "admin/courses/reissue_review.html", context)

    @admin.action(
        description="Decline selected (with a note to the learner)", permissions=["decide"]
    )
    def decline_selected(self, request, queryset):
        return _reason_action(
            self,
            request,
            queryset,
            service=lambda r, actor, note: reissue_request_decline(
                request=r, actor=actor, note=note
            ),
            title="Decline reissue requests",
            intro="The learner is emailed this note; their certificate stays valid.",
            button="Decline",
        )
