"""The clinician's profile and licenses. Sign-up, log in and out, email, passwords and
the second factor are django-allauth's views (accounts/); the license asked at sign-up
is courses.forms.accounts.LicenseSignupForm."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from courses.forms.accounts import LicenseForm, ProfileForm
from courses.models import License, User
from courses.services.licenses import license_create, license_delete, license_update


@login_required
@cache_control(private=True, no_store=True)
def profile(request):
    # A fresh copy, so a refused edit does not show in the page header.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    licenses = License.objects.filter(holder=request.user)
    return render(request, "accounts/profile.html", {"form": form, "licenses": licenses})


@login_required
@require_http_methods(["GET", "POST"])
@cache_control(private=True, no_store=True)
def license_add(request):
    form = LicenseForm(request.POST or None, holder=request.user)
    save = partial(license_create, holder=request.user)
    return _license_form(request, form, license=None, save=save, done="added")


@login_required
@require_http_methods(["GET", "POST"])
@cache_control(private=True, no_store=True)
def license_edit(request, pk):
    license = get_object_or_404(License, pk=pk, holder=request.user)
    form = LicenseForm(request.POST or None, instance=License.objects.get(pk=license.pk))
    save = partial(license_update, license=license)
    return _license_form(request, form, license=license, save=save, done="saved")


def _license_form(request, form, *, license, save, done):
    """The form until it is valid; then `save(**cleaned_data)`, and back to the profile."""
    if form.is_valid():
        license = save(**form.cleaned_data)
        messages.success(request, f"Your {license.short_name} license is {done}.")
        return redirect("profile")
    return render(
        request,
        "accounts/license_form.html",
        {"form": form, "license": license},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@cache_control(private=True, no_store=True)
def license_remove(request, pk):
    license = get_object_or_404(License, pk=pk, holder=request.user)
    if request.method == "POST":
        license_delete(license=license)
        messages.success(request, f"Your {license.short_name} license is removed.")
        return redirect("profile")
    return render(request, "accounts/license_remove.html", {"license": license})
