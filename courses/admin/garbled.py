"""Ids and filters the admin reads from the address or a post, garbled ("1e9", "²", a
number no database integer holds): a stale link, a forged post or a typed URL.

Django's admin checks these on its change and delete pages but not everywhere; where it
does not, the bad value reaches the database as a ValueError or OverflowError. Here it
gets the admin's own answer instead: "no items selected" or the "?e=1" page (and a 404
on the history pages, see history.py).
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext


def is_pk(model, value) -> bool:
    """Whether `value` could be a primary key of `model` (not whether one exists)."""
    field = model._meta.pk
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class GarbledInputAdmin:
    """A ModelAdmin mixin that courses.admin gives every admin on the site: actions and
    list filters."""

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_pk(self.model, value) for value in selected):
            # Django's own words for an empty selection; None sends the list back.
            self.message_user(
                request,
                gettext(
                    "Items must be selected in order to perform actions on them. No items "
                    "have been changed."
                ),
                messages.WARNING,
            )
            return None
        return super().response_action(request, queryset)

    def get_changelist_instance(self, request):
        # Building the list runs the filters from the address (a date drill-down to year
        # 9999's December, a year past any integer): out-of-range values fail here.
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
