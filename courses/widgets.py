"""Form widgets for pages where Django's template-per-option rendering is too slow."""

from html import escape as escape_html

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A <select> of a model choice field, written in Python from one values_list.

    Django renders each option through its own template and builds a model instance and
    an option dictionary per choice: 15 ms for 200 courses. This reads (pk, label_field)
    pairs and writes the same HTML directly, so a long list costs little more than a
    short one. Single choice only; the label is label_field, not str(instance).
    """

    def __init__(self, *args, label_field: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_field = label_field

    def _pairs(self):
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator):
            yield from choices
            return
        if choices.field.empty_label is not None:
            yield "", choices.field.empty_label
        yield from choices.queryset.values_list("pk", self.label_field)

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        # The standard library's escape, which Django's escape wraps, and one join:
        # format_html per option cost 1.8 ms for 200 courses, Django's escape 0.8 ms.
        html = "".join(
            f'<option value="{escape_html(key)}"'
            f"{' selected' if key in selected else ''}>{escape_html(str(label))}</option>"
            for key, label in ((str(key), label) for key, label in self._pairs())
        )
        options = mark_safe(html)  # noqa: S308  # nosec B308 B703  # each part escaped above
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attrs, options)
