"""Filters for the transcript and the staff reports. Both are GET forms."""

from django import forms

from courses.models import Course

DATE_INPUT = {"type": "date", "class": "form-control"}


class DateRangeForm(forms.Form):
    """A period with both ends inclusive; either end may be left open.

    Drawn by templates/courses/_filter_form.html.
    """

    start = forms.DateField(required=False, widget=forms.DateInput(attrs=DATE_INPUT))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs=DATE_INPUT))

    start_label, end_label, submit_label = "From", "To", "Apply"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].label = self.start_label
        self.fields["end"].label = self.end_label

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError("The end date must be on or after the start date.")
        return data

    @property
    def period(self) -> dict:
        """The cleaned dates as keyword arguments (an invalid form gives no period)."""
        if not self.is_valid():
            return {"start": None, "end": None}
        return {"start": self.cleaned_data["start"], "end": self.cleaned_data["end"]}


class RenewalPeriodForm(DateRangeForm):
    # The transcript can be cut for one license (its id; the view checks it is the
    # learner's). Kept hidden, so choosing other dates keeps the cut.
    license = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    start_label, end_label, submit_label = "Renewal period from", "Renewal period to", "Show hours"

    @property
    def license_id(self) -> int | None:
        return self.cleaned_data.get("license") if self.is_valid() else None


class CompletionFilterForm(DateRangeForm):
    course = forms.ModelChoiceField(
        queryset=Course.objects.only("pk", "title").order_by("title"),
        required=False,
        empty_label="All courses",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    field_order = ["course", "start", "end"]
    start_label, end_label, submit_label = "Completed from", "Completed to", "Filter"

    @property
    def filters(self) -> dict:
        if not self.is_valid():
            return {"course": None, "start": None, "end": None}
        return {name: self.cleaned_data[name] for name in ("course", "start", "end")}


RATE_ERROR = "Enter the reading rate as a whole number from 50 to 600 words per minute."


class ReadingRateForm(forms.Form):
    """The hours justification's reading rate; left out, the course's own rate is used."""

    rate = forms.IntegerField(
        required=False,
        min_value=50,
        max_value=600,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), RATE_ERROR),
    )
