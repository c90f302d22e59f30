"""Sign-up and profile forms for clinicians."""

from django import forms
from django.contrib.auth.forms import BaseUserCreationForm

from courses.models import LicenseType, User
from courses.pdf.fonts import certificate_text

PROFILE_FIELDS = ("full_name", "email", "license_type", "license_number", "license_state")
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["license_type"].required = True
        self.fields["license_number"].help_text = "Not needed if your profession is 'Other'."
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip()
        taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                "An account with this email address already exists. "
                "Log in, or reset your password if you have forgotten it."
            )
        return email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("license_type") and cleaned["license_type"] != LicenseType.OTHER:
            for field in ("license_number", "license_state"):
                if not cleaned.get(field):
                    self.add_error(field, "Your license details go on your certificates.")
        return cleaned


class SignupForm(LicenseFieldsMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autofocus"] = True
        self.fields["email"].widget.attrs.pop("autofocus", None)


class ProfileForm(LicenseFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = PROFILE_FIELDS
