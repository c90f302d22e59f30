"""Admin many-to-many selections that refuse ids no database integer can hold.

Django looks the posted ids up with `pk IN (...)`: PostgreSQL finds nothing for an id
over 64 bits, but SQLite raises OverflowError, a 500 instead of a form error.
"""

from django import forms
from django.core.exceptions import ValidationError

from courses.forms.booklet import is_record_id


class RecordIdsField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        if isinstance(value, list | tuple):
            for pk in value:
                if not is_record_id(str(pk)):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super().clean(value)


class RecordIdsAdminMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", RecordIdsField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
