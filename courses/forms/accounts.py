"""The license part of sign-up, the profile and the license forms for clinicians.

Email, password and verification at sign-up are allauth's; allauth calls
LicenseSignupForm (ACCOUNT_SIGNUP_FORM_CLASS) for the name and the first license. The
profile manages the rest of the licenses (LicenseForm)."""

import copy

from django import forms
from django.core.exceptions import ValidationError

from courses.models import License, LicenseType, User
from courses.pdf.fonts import certificate_text
from courses.services.licenses import license_create

LICENSE_FIELDS = ["license_type", "other_type", "state", "number", "renews_on", "profession"]
NAME_HINT = "Please write your name in Latin, Greek or Cyrillic letters, as on your license."


class CertificateNameMixin:
    """The name and license number, as a certificate prints them: sign-up, profile,
    licenses and the account admin. Only a changed value is judged, so an existing
    account's saved name does not stop other edits."""

    def _certificate_text(self, field, hint=""):
        value = self.cleaned_data[field]
        if field not in self.changed_data:
            return value
        return certificate_text(value, hint=hint)

    def clean_full_name(self):
        return self._certificate_text("full_name", NAME_HINT)

    def clean_number(self):
        return self._certificate_text("number")


def _license_choices(field):
    field.choices = [("", "Choose your license type"), *LicenseType.choices]


class LicenseForm(CertificateNameMixin, forms.ModelForm):
    """One license, added or edited in the profile (or the account admin).

    Its cleaned_data are license_create's / license_update's keyword arguments; the
    model's clean() and constraints judge the combination (the holder is set by the view
    before validation, so a duplicate license is reported on the form)."""

    class Meta:
        model = License
        fields = LICENSE_FIELDS
        widgets = {"renews_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "number": "Not needed if your license type is 'Other'.",
            "profession": "Only for 'Other': the profession whose approvals cover it.",
        }

    def __init__(self, *args, holder=None, **kwargs):
        super().__init__(*args, **kwargs)
        if holder is not None:
            self.instance.holder = holder
        _license_choices(self.fields["license_type"])

    def validate_unique(self):
        # The constraints name the holder, which is not a form field.
        if self.instance.holder_id is None:
            return
        try:
            self.instance.validate_constraints()
        except ValidationError as error:
            self._update_errors(error)


class LicenseSignupForm(CertificateNameMixin, forms.Form):
    """The name and one license asked at sign-up; allauth adds the email and password.
    A plain form (allauth builds its sign-up form on it); License.clean() judges it."""

    full_name = User._meta.get_field("full_name").formfield()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(copy.deepcopy(LicenseForm.base_fields))
        _license_choices(self.fields["license_type"])
        self.fields["full_name"].widget.attrs.update(autocomplete="name", autofocus=True)

    def clean(self):
        cleaned = super().clean()
        license = License(
            **{name: cleaned.get(name) or "" for name in LICENSE_FIELDS[:4]},
            renews_on=cleaned.get("renews_on"),
        )
        try:
            license.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return cleaned

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
        license_create(holder=user, **{name: self.cleaned_data[name] for name in LICENSE_FIELDS})


class ProfileForm(CertificateNameMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
