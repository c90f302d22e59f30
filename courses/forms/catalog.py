"""The catalog's filters: a plain GET form. Anything it cannot read is reported on the
page (400) and the catalog is shown unfiltered."""

from django import forms

from courses.models import CreditType, Profession, USState


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label="Title", required=False, max_length=100, strip=True)
    profession = forms.ChoiceField(
        required=False, choices=[("", "Any profession"), *Profession.choices]
    )
    state = forms.ChoiceField(
        label="Approved in", required=False, choices=[("", "Any state"), *USState.choices]
    )
    credit_type = forms.ChoiceField(label="Credit type", required=False)
    min_hours = forms.DecimalField(
        label="CE hours, at least", required=False, min_value=0, max_value=999, decimal_places=2
    )
    max_hours = forms.DecimalField(
        label="CE hours, at most", required=False, min_value=0, max_value=999, decimal_places=2
    )

    field_order = ["q", "min_hours", "max_hours", "profession", "state", "credit_type"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credit_type"].choices = [
            ("", "Any credit type"),
            *CreditType.objects.values_list("slug", "name"),
        ]

    def clean(self):
        data = super().clean()
        low, high = data.get("min_hours"), data.get("max_hours")
        if low is not None and high is not None and high < low:
            raise forms.ValidationError("“At most” hours must be no fewer than “at least”.")
        return data

    @property
    def filters(self) -> dict:
        """The valid filters as keyword arguments (an invalid form filters nothing)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
