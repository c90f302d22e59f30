"""Sign-up, profile and license forms for clinicians."""

from django import forms
from django.contrib.auth.forms import BaseUserCreationForm

from courses.models import License, LicenseType, User
from courses.pdf.fonts import certificate_text

PROFILE_FIELDS = ("full_name", "email")
NAME_HINT = "Please write your name in Latin, Greek or Cyrillic letters, as on your license."


class CertificateNameMixin:
    """The name as a certificate prints it: sign-up, profile and the account admin. Only
    a changed value is judged, so an existing account's saved name does not stop other
    edits."""

    def _certificate_text(self, field, hint=""):
        value = self.cleaned_data[field]
        if field not in self.changed_data:
            return value
        return certificate_text(value, hint=hint)

    def clean_full_name(self):
        return self._certificate_text("full_name", NAME_HINT)


class AccountFieldsMixin(CertificateNameMixin):
    def _setup_account_fields(self):
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


class SignupForm(AccountFieldsMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_account_fields()
        self.fields["full_name"].widget.attrs["autofocus"] = True
        self.fields["email"].widget.attrs.pop("autofocus", None)


class ProfileForm(AccountFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = PROFILE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_account_fields()


class LicenseForm(CertificateNameMixin, forms.ModelForm):
    """One license: the one asked for at sign-up, or one added or edited in the profile.

    Its cleaned_data are license_create's / license_update's keyword arguments; the
    model's clean() and constraints judge the combination (the holder is set by the view
    before validation, so a duplicate license is reported on the form)."""

    class Meta:
        model = License
        fields = ["license_type", "state", "number", "renews_on", "profession"]
        widgets = {"renews_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "number": "Not needed if your license type is 'Other'.",
            "profession": "Only for 'Other': the profession whose approvals cover it.",
        }

    def __init__(self, *args, holder=None, **kwargs):
        super().__init__(*args, **kwargs)
        if holder is not None:
            self.instance.holder = holder
        self.fields["license_type"].choices = [("", "Choose your license type")] + list(
            LicenseType.choices
        )

    def clean_number(self):
        return self._certificate_text("number")

    def validate_unique(self):
        # The constraints name the holder, which is not a form field.
        if self.instance.holder_id is None:
            return
        try:
            self.instance.validate_constraints()
        except forms.ValidationError as error:
            self._update_errors(error)
