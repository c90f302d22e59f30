"""The evidence behind credit, for staff: a course's hours justified, a certificate's record."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from courses.exports import csv_response, pdf_response
from courses.forms.reports import ReadingRateForm
from courses.models import Course, ProviderSettings
from courses.pdf.evidence import render_evidence_pdf, render_hours_pdf
from courses.selectors.evidence import HOURS_HEADER, certificate_evidence, hours_justification
from courses.views.reports import records_staff_required


def _justification(request, slug):
    """The justification at the asked rate, or a 400 page saying why the rate is refused."""
    course = get_object_or_404(Course, slug=slug)
    form = ReadingRateForm(request.GET)
    rate = form.cleaned_data["rate"] if form.is_valid() else None
    justification = hours_justification(course=course, rate=rate)
    if form.errors:
        # The downloads refuse too: a file at another rate than asked would mislead.
        return justification, _hours_page(request, justification, form, status=400)
    return justification, None


def _hours_page(request, justification, form, *, status=200):
    return render(
        request,
        "courses/reports/hours.html",
        {"course": justification.course, "hours": justification, "form": form},
        status=status,
    )


@records_staff_required
def hours(request, slug):
    justification, refused = _justification(request, slug)
    return refused or _hours_page(request, justification, None)


@records_staff_required
def hours_pdf(request, slug):
    justification, refused = _justification(request, slug)
    if refused:
        return refused
    provider = ProviderSettings.load().provider_name
    pdf = render_hours_pdf(justification, provider_name=provider)
    return pdf_response(pdf, filename=f"hours-{slug}.pdf")


@records_staff_required
def hours_csv(request, slug):
    justification, refused = _justification(request, slug)
    if refused:
        return refused
    summary = [
        [],
        ["Reading rate (words per minute)", justification.rate],
        ["Estimated study minutes", f"{justification.study_minutes:.1f}"],
        ["Estimated study hours", justification.study_hours],
        ["CE hours awarded", justification.course.ce_hours_display],
    ]
    return csv_response(
        filename=f"hours-{slug}-{timezone.localdate():%Y-%m-%d}.csv",
        header=HOURS_HEADER,
        rows=[*justification.rows(), *summary],
    )


def _evidence(code):
    evidence = certificate_evidence(code=code)
    if evidence is None:
        raise Http404("No certificate has this code.")
    return evidence


@records_staff_required
def evidence(request, code):
    return render(request, "courses/reports/evidence.html", {"evidence": _evidence(code)})


@records_staff_required
def evidence_pdf(request, code):
    evidence = _evidence(code)
    provider = ProviderSettings.load().provider_name
    pdf = render_evidence_pdf(evidence, provider_name=provider)
    return pdf_response(pdf, filename=f"evidence-{code}.pdf")
