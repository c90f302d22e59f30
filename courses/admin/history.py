"""Content history in the admin (django-simple-history): an audit trail to read.

Each history page lists who changed what and when. An old version can be looked at but
never saved back: that would skip the checks of the change page (the choice rule and
numbering live in its inlines), and the trail must only ever grow.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from courses.admin.garbled import is_pk


class AuditTrailAdmin(SimpleHistoryAdmin):
    # An id that cannot be a record's or a version's ("1e9", "²") is a 404: simple-history
    # would hand it to the database.

    def history_view(self, request, object_id, extra_context=None):
        if not is_pk(self.model, unquote(object_id)):
            raise Http404("No record has this id.")
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("Old versions are for reading; edit the current one.")
        versions = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        if not (is_pk(self.model, unquote(object_id)) and is_pk(versions.model, version_id)):
            raise Http404("No version has this id.")
        return super().history_form_view(request, object_id, version_id, extra_context)
