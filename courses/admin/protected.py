"""Delete pages for what learners' records PROTECT: the records counted by kind.

Django lists every protected record on the delete page and on "Delete selected", a line
(and a query or two) each: thousands for a course many learners took. These pages count
them instead ("42 section reads") and say what to do instead of deleting.
"""

from collections import Counter

from django.contrib.admin.utils import NestedObjects
from django.db import router
from django.template.response import TemplateResponse


class ProtectedCountsAdmin:
    """A ModelAdmin mixin; `protected_advice` says what staff can do instead."""

    protected_advice = ""
    delete_confirmation_template = "admin/courses/protected_delete_confirmation.html"
    delete_selected_confirmation_template = (
        "admin/courses/protected_delete_selected_confirmation.html"
    )

    def get_deleted_objects(self, objs, request):
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        if not collector.protected:
            return super().get_deleted_objects(objs, request)
        # No missing permissions either: an answered question denies delete permission,
        # but the records are the reason it stays.
        counts = Counter(obj._meta for obj in collector.protected)
        protected = [
            f"{count:,} {opts.verbose_name if count == 1 else opts.verbose_name_plural}"
            for opts, count in sorted(counts.items(), key=lambda item: str(item[0].verbose_name))
        ]
        return [], {}, set(), protected

    def render_delete_form(self, request, context):
        context["protected_advice"] = self.protected_advice
        return super().render_delete_form(request, context)

    def response_action(self, request, queryset):
        response = super().response_action(request, queryset)
        if isinstance(response, TemplateResponse):  # "Delete selected" asking to confirm
            response.context_data["protected_advice"] = self.protected_advice
        return response
