"""The clinician's profile. Sign-up, log in and out, email, passwords and the second
factor are django-allauth's views (accounts/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from courses.forms.accounts import ProfileForm
from courses.models import User


@login_required
def profile(request):
    # A fresh copy, so a refused edit does not show in the page header.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})
