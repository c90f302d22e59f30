"""Forms for verifying, reissuing and revoking certificates, and the provider's images."""

from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from courses.models import ProviderSettings
from courses.services.certificates import CODE_PATTERN, certificate_code_normalize

IMAGE_FORMATS = {"PNG", "JPEG"}
IMAGE_MAX_BYTES = 1024 * 1024
IMAGE_MAX_SIDE = 1500  # pixels; a 2-inch signature at 300 dpi needs 600


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Certificate code",
        max_length=40,
        help_text="Twelve letters and digits, printed at the bottom of the certificate, "
        "e.g. 7KQ4-MX2P-9TRA. Dashes, spaces and lower case are fine.",
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "autocomplete": "off",
                "autocorrect": "off",
                "spellcheck": "false",
                "class": "form-control-lg font-monospace",
            }
        ),
    )

    def clean_code(self):
        code = certificate_code_normalize(self.cleaned_data["code"])
        if not CODE_PATTERN.fullmatch(code):
            raise ValidationError(
                "A certificate code has twelve letters and digits, like 7KQ4-MX2P-9TRA "
                "(it never contains 0, O, 1, I, L or U)."
            )
        return code


class ReissueRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why should the certificate be reissued?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: “I changed my name” or “my license number was mistyped”.",
    )


class ReasonForm(forms.Form):
    """The reason an admin gives for revoking certificates or declining a reissue."""

    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


def validate_certificate_image(upload) -> None:
    """A real PNG or JPEG, small enough to embed in every certificate PDF."""
    image = getattr(upload, "image", None)  # set by forms.ImageField on a fresh upload
    if image is None:
        return
    if upload.size > IMAGE_MAX_BYTES:
        raise ValidationError(f"The image is over {IMAGE_MAX_BYTES // 1024} KB; use a smaller one.")
    if image.format not in IMAGE_FORMATS:
        raise ValidationError(f"Upload a PNG or JPEG image (this one is {image.format}).")
    width, height = image.size
    if max(width, height) > IMAGE_MAX_SIDE:
        raise ValidationError(
            f"The image is {width}×{height} pixels; at most {IMAGE_MAX_SIDE} pixels a side."
        )
    # Stored under a plain name with the extension of what it is, whatever it was called.
    stem = slugify(PurePath(upload.name).stem)[:60] or "image"
    upload.name = f"{stem}.{'png' if image.format == 'PNG' else 'jpg'}"


class ProviderSettingsForm(forms.ModelForm):
    class Meta:
        model = ProviderSettings
        fields = "__all__"  # noqa: DJ007  # the admin's fieldsets choose what is shown
        help_texts = {
            "signature_image": "PNG or JPEG, at most 1 MB and 1500 pixels a side. A "
            "transparent PNG of the administrator's signature prints best.",
            "logo": "PNG or JPEG, at most 1 MB and 1500 pixels a side.",
        }

    def clean_signature_image(self):
        validate_certificate_image(self.cleaned_data["signature_image"])
        return self.cleaned_data["signature_image"]

    def clean_logo(self):
        validate_certificate_image(self.cleaned_data["logo"])
        return self.cleaned_data["logo"]
