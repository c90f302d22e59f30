"""Certificate download, public verification and the learner's reissue request."""

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from courses.forms.certificates import ReissueRequestForm, VerifyForm
from courses.models import CertificateStatus
from courses.pdf.certificate import certificate_pdf_cached
from courses.security import client_ip
from courses.selectors.certificates import (
    certificate_for_owner,
    certificate_for_verification,
    reissue_request_pending,
)
from courses.services.certificates import (
    certificate_code_normalize,
    certificate_profile_fields,
    reissue_request_create,
)
from courses.views.reports import records_staff_required

# Guessing codes: after this many unknown codes from one client in the window, every
# lookup from it gets 429 until the window ends. The counter lives in a cache every
# worker and app server shares (Redis, else the database), so they all count together.
VERIFY_MISS_LIMIT = 20
VERIFY_MISS_WINDOW = 10 * 60  # seconds


def _miss_key(request) -> str:
    return f"verify-misses:{client_ip(request)}"


def _count_miss(request) -> None:
    key = _miss_key(request)
    if not cache.add(key, 1, VERIFY_MISS_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, VERIFY_MISS_WINDOW)


@require_GET
def verify(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("verify_code", code=form.cleaned_data["code"])
    return render(
        request, "courses/verify.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
def verify_code(request, code):
    normalized = certificate_code_normalize(code)
    if normalized != code:
        return redirect("verify_code", code=normalized) if normalized else redirect("verify")
    if cache.get(_miss_key(request), 0) >= VERIFY_MISS_LIMIT:
        return render(
            request, "courses/verify.html", {"form": VerifyForm(), "throttled": True}, status=429
        )
    certificate = certificate_for_verification(code=code)
    if certificate is None:
        _count_miss(request)
        form = VerifyForm(initial={"code": code})
        return render(
            request, "courses/verify.html", {"form": form, "unknown_code": code}, status=404
        )
    return render(request, "courses/verify_result.html", {"certificate": certificate})


def _certificate_pdf_response(request, certificate):
    if certificate is None:
        raise Http404("No certificate with this code is yours.")
    if certificate.status != CertificateStatus.VALID:
        # No valid-looking PDF leaves the server once a certificate is revoked or replaced.
        return render(
            request,
            "courses/certificate_unavailable.html",
            {"certificate": certificate},
            status=410,
        )
    return FileResponse(
        BytesIO(certificate_pdf_cached(certificate)),
        content_type="application/pdf",
        filename=f"certificate-{certificate.code}.pdf",
    )


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def certificate_pdf(request, code):
    return _certificate_pdf_response(request, certificate_for_owner(code=code, user=request.user))


@records_staff_required
@require_GET
@cache_control(private=True, no_store=True)
def staff_certificate_pdf(request, code):
    """Registrars keep the certificate records: any certificate, on a staff route, so only
    after the staff second factor."""
    return _certificate_pdf_response(request, certificate_for_verification(code=code))


@login_required
@require_http_methods(["GET", "POST"])
@cache_control(private=True, no_store=True)
def reissue_request(request, code):
    certificate = certificate_for_owner(code=code, user=request.user)
    if certificate is None:
        raise Http404("No certificate with this code is yours.")
    form = ReissueRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            reissue_request_create(
                certificate=certificate, learner=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "Your request was sent. We will email you when the new certificate is ready.",
            )
            return redirect("courses:reissue_request", code=certificate.code)
    context = {
        "certificate": certificate,
        "form": form,
        "fields": certificate_profile_fields(certificate=certificate, learner=request.user),
        "pending": reissue_request_pending(certificate=certificate),
    }
    return render(
        request, "courses/reissue_request.html", context, status=400 if form.errors else 200
    )
