"""The license part of sign-up, and the profile form, for clinicians.

Email, password and verification at sign-up are allauth's; allauth calls
LicenseSignupForm (ACCOUNT_SIGNUP_FORM_CLASS) for the rest."""

from django import forms

from courses.models import LicenseType, User
from courses.pdf.fonts import certificate_text

PROFILE_FIELDS = ("full_name", "license_type", "license_number", "license_state")
NAME_HINT = "Please write your name in Latin, Greek or Cyrillic letters, as on your license."


class CertificateNameMixin:
    """The name and license number, as a certificate prints them: sign-up, profile and the
    account admin. Only a changed value is judged, so an existing account's saved name
    does not stop other edits."""

    def _certificate_text(self, field, hint=""):
        value = self.cleaned_data[field]
        if field not in self.changed_data:
            return value
        return certificate_text(value, hint=hint)

    def clean_full_name(self):
        return self._certificate_text("full_name", NAME_HINT)

    def clean_license_number(self):
        return self._certificate_text("license_number")


class LicenseFieldsMixin(CertificateNameMixin):
    """Certificates state the license, so a clinician must give it (unless 'Other')."""

    def _setup_license_fields(self):
        self.fields["license_type"].required = True
        self.fields["license_number"].help_text = "Not needed if your profession is 'Other'."
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("license_type") and cleaned["license_type"] != LicenseType.OTHER:
            for field in ("license_number", "license_state"):
                if not cleaned.get(field):
                    self.add_error(field, "Your license details go on your certificates.")
        return cleaned


class LicenseSignupForm(LicenseFieldsMixin, forms.ModelForm):
    """The name and license asked at sign-up; allauth adds the email and password."""

    class Meta:
        model = User
        fields = PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_license_fields()

    def signup(self, request, user):
        for field in PROFILE_FIELDS:
            setattr(user, field, self.cleaned_data[field])
        user.save(update_fields=PROFILE_FIELDS)


class ProfileForm(LicenseFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_license_fields()
