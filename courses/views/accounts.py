"""Clinician sign-up, profile and licenses. Log in, log out and passwords are
django.contrib.auth's."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from courses.forms.accounts import LicenseForm, ProfileForm, SignupForm
from courses.models import License, User
from courses.services.licenses import license_create, license_delete, license_update


def _safe_next(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


@sensitive_post_parameters("password1", "password2")
def signup(request):
    form = SignupForm(request.POST or None)
    license_form = LicenseForm(request.POST or None, prefix="license")
    if request.method == "POST" and form.is_valid() and license_form.is_valid():
        with transaction.atomic():
            user = form.save()
            license_create(holder=user, **license_form.cleaned_data)
        login(request, user, backend="courses.auth.UserBackend")
        messages.success(request, "Welcome! Your account is ready.")
        return redirect(_safe_next(request) or "courses:catalog")
    context = {"form": form, "license_form": license_form, "next": _safe_next(request)}
    return render(request, "accounts/signup.html", context)


@login_required
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
def license_add(request):
    form = LicenseForm(request.POST or None, holder=request.user)
    if form.is_valid():
        license = license_create(holder=request.user, **form.cleaned_data)
        messages.success(request, f"Your {license.short_name} license is added.")
        return redirect("profile")
    return render(
        request,
        "accounts/license_form.html",
        {"form": form, "license": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def license_edit(request, pk):
    license = get_object_or_404(License, pk=pk, holder=request.user)
    form = LicenseForm(request.POST or None, instance=License.objects.get(pk=license.pk))
    if form.is_valid():
        license = license_update(license=license, **form.cleaned_data)
        messages.success(request, f"Your {license.short_name} license is saved.")
        return redirect("profile")
    return render(
        request,
        "accounts/license_form.html",
        {"form": form, "license": license},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def license_remove(request, pk):
    license = get_object_or_404(License, pk=pk, holder=request.user)
    if request.method == "POST":
        license_delete(license=license)
        messages.success(request, f"Your {license.short_name} license is removed.")
        return redirect("profile")
    return render(request, "accounts/license_remove.html", {"license": license})
