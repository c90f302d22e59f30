"""My CE: the learner's own transcript, as a page, a PDF and a CSV, with each license's
renewal progress and the credit they earned elsewhere."""

from pathlib import PurePath
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.exports import csv_response, pdf_response
from courses.forms.renewals import SelfReportedCreditForm
from courses.forms.reports import RenewalPeriodForm
from courses.models import License, ProviderSettings, SelfReportedCredit
from courses.models.content import hours_text
from courses.pdf.transcript import render_transcript_pdf
from courses.selectors.renewals import renewals_for, self_reported_credits
from courses.selectors.transcript import transcript_for
from courses.services.renewals import self_reported_credit_create, self_reported_credit_delete

CSV_HEADER = [
    "Course",
    "CE hours",
    "Credit types",
    "Completion date",
    "Certificate code",
    "Provider",
]


def _license(request, form) -> License | None:
    """The learner's license the transcript is cut for; 404 for anyone else's."""
    if form.license_id is None:
        return None
    return get_object_or_404(License, pk=form.license_id, holder=request.user)


def _transcript(request, form):
    return transcript_for(learner=request.user, **form.period, license=_license(request, form))


def _page(request, form, status=200):
    data = _transcript(request, form)
    query = {k: v.isoformat() for k, v in form.period.items() if v}
    if data.license:
        query["license"] = data.license.pk
    self_reported = list(self_reported_credits(holder_id=request.user.pk))
    context = {
        "form": form,
        "transcript": data,
        "renewals": renewals_for(
            holder=request.user,
            on=timezone.localdate(),
            licenses=data.licenses,
            certificates=data.every,
            self_reported=self_reported,
        ),
        "self_reported": self_reported,
        # Downloads carry the period and license only when they are valid.
        "period_query": urlencode(query),
    }
    return render(request, "courses/transcript.html", context, status=status)


def _filename(form, data, extension: str) -> str:
    period = form.period
    parts = ["ce-transcript"]
    if data.license:
        license = data.license
        parts.append(slugify(f"{license.license_type} {license.other_type} {license.state}"))
    if period["start"]:
        parts.append(f"from-{period['start']:%Y-%m-%d}")
    if period["end"]:
        parts.append(f"to-{period['end']:%Y-%m-%d}")
    return "-".join(parts) + f".{extension}"


@require_GET
@login_required
@cache_control(private=True, no_store=True)
def transcript(request):
    form = RenewalPeriodForm(request.GET or None)
    return _page(request, form, status=400 if form.is_bound and not form.is_valid() else 200)


@require_GET
@login_required
@cache_control(private=True, no_store=True)
def download(request, extension):
    """The transcript as a PDF or a CSV file; while the period or license asked for is
    invalid, the My CE page with the form's errors."""
    form = RenewalPeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _page(request, form, status=400)
    data = _transcript(request, form)
    filename = _filename(form, data, extension)
    if extension == "pdf":
        pdf = render_transcript_pdf(
            data,
            provider_name=ProviderSettings.load().provider_name,
            verify_url=settings.SITE_URL.rstrip("/") + reverse("verify"),
        )
        return pdf_response(pdf, filename=filename)
    rows = (
        [
            c.course_title,
            hours_text(c.ce_hours),
            c.credits_display,
            c.completed_on.isoformat(),
            c.code,
            c.provider_name,
        ]
        for c in data.credited
    )
    return csv_response(filename=filename, header=CSV_HEADER, rows=rows)


@login_required
@require_http_methods(["GET", "POST"])
def self_reported_add(request):
    form = SelfReportedCreditForm(request.POST or None, request.FILES or None, holder=request.user)
    if form.is_valid():
        try:
            self_reported_credit_create(holder=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your self-reported credit is added.")
            return redirect("courses:transcript")
    return render(
        request,
        "courses/self_reported_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
@cache_control(private=True, no_store=True)
def self_reported_certificate(request, pk):
    credit = get_object_or_404(SelfReportedCredit, pk=pk, holder=request.user)
    return FileResponse(
        credit.certificate_file.open("rb"),
        as_attachment=True,
        filename=PurePath(credit.certificate_file.name).name,
    )


@login_required
@require_POST
def self_reported_remove(request, pk):
    credit = get_object_or_404(SelfReportedCredit, pk=pk, holder=request.user)
    self_reported_credit_delete(credit=credit)
    messages.success(request, f"“{credit.title}” is removed from your self-reported credit.")
    return redirect("courses:transcript")
