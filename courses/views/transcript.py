"""My CE: the learner's own transcript, as a page, a PDF and a CSV."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from courses.exports import csv_response
from courses.forms.reports import RenewalPeriodForm
from courses.models import ProviderSettings
from courses.models.content import hours_text
from courses.pdf.transcript import render_transcript_pdf
from courses.selectors.transcript import transcript_for

CSV_HEADER = ["Course", "CE hours", "Completion date", "Certificate code", "Provider"]


def _page(request, form, status=200):
    period = form.period
    context = {
        "form": form,
        "transcript": transcript_for(learner=request.user, **period),
        # Downloads carry the period only when it is valid.
        "period_query": urlencode({k: v.isoformat() for k, v in period.items() if v}),
    }
    return render(request, "courses/transcript.html", context, status=status)


def _filename(form, extension: str) -> str:
    period = form.period
    parts = ["ce-transcript"]
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
def transcript_pdf(request):
    form = RenewalPeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _page(request, form, status=400)
    pdf = render_transcript_pdf(
        transcript_for(learner=request.user, **form.period),
        provider_name=ProviderSettings.load().provider_name,
        verify_url=settings.SITE_URL.rstrip("/") + reverse("verify"),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(form, "pdf")}"'
    return response


@require_GET
@login_required
@cache_control(private=True, no_store=True)
def transcript_csv(request):
    form = RenewalPeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _page(request, form, status=400)
    data = transcript_for(learner=request.user, **form.period)
    rows = (
        [
            c.course_title,
            hours_text(c.ce_hours),
            c.completed_on.isoformat(),
            c.code,
            c.provider_name,
        ]
        for c in data.credited
    )
    return csv_response(filename=_filename(form, "csv"), header=CSV_HEADER, rows=rows)
