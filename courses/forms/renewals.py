"""Credit earned elsewhere, entered by the clinician with its certificate."""

from pathlib import PurePath

import filetype
from django import forms
from django.utils.text import slugify

from courses.forms.booklet import is_record_id
from courses.models import License, SelfReportedCredit

# What a certificate from another provider may be uploaded as, by its content.
CERTIFICATE_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024


def validate_certificate_upload(upload) -> None:
    """A PDF, PNG or JPEG (judged by its bytes, not its name), at most 5 MB."""
    if upload.size > CERTIFICATE_MAX_BYTES:
        raise forms.ValidationError(
            f"The file is over {CERTIFICATE_MAX_BYTES // (1024 * 1024)} MB; "
            "upload a smaller scan or the PDF itself."
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(262))
    upload.seek(0)
    if kind is None or kind.mime not in CERTIFICATE_TYPES:
        raise forms.ValidationError("Upload the certificate as a PDF, PNG or JPEG file.")
    stem = slugify(PurePath(upload.name).stem)[:60] or "certificate"
    upload.name = f"{stem}.{CERTIFICATE_TYPES[kind.mime]}"


class LicenseChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        # An id no database integer holds is no license; SQLite would refuse the lookup.
        for pk in value if isinstance(value, list | tuple) else ():
            if str(pk).isdigit() and not is_record_id(str(pk)):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super().clean(value)


class PlainDecimalField(forms.DecimalField):
    """A number as people write it: Python's Decimal also reads "1_0" as 10."""

    def to_python(self, value):
        if isinstance(value, str) and "_" in value:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class SelfReportedCreditForm(forms.ModelForm):
    licenses = LicenseChoiceField(
        License.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The licenses this credit counts toward.",
    )

    class Meta:
        model = SelfReportedCredit
        fields = [
            "title",
            "provider_name",
            "completed_on",
            "hours",
            "credit_type",
            "is_home_study",
            "licenses",
            "certificate_file",
        ]
        field_classes = {"hours": PlainDecimalField}
        widgets = {"completed_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"certificate_file": "PDF, PNG or JPEG, at most 5 MB."}

    def __init__(self, *args, holder, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licenses"].queryset = License.objects.filter(holder=holder)
        self.fields["licenses"].label_from_instance = lambda license: license.short_name
        self.fields["credit_type"].empty_label = "Choose the credit type"

    def clean_certificate_file(self):
        upload = self.cleaned_data["certificate_file"]
        validate_certificate_upload(upload)
        return upload
