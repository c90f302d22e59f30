"""The reading side: catalog, course page and section page."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from courses.content_cache import section_content_html
from courses.forms.catalog import CatalogFilterForm
from courses.models import ProviderSettings
from courses.selectors import learning, reading
from courses.selectors.catalog import catalog_search, license_coverage, viewer_licenses
from courses.views.media import content_type_for

CATALOG_PAGE_SIZE = 12  # four rows of three, or six of two


def catalog(request):
    form = CatalogFilterForm(request.GET or None)
    today = timezone.localdate()
    page = Paginator(catalog_search(on=today, **form.filters), CATALOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    coverage = license_coverage(courses=page, licenses=viewer_licenses(request.user), on=today)
    for course in page:
        course.license_coverage = coverage[course.pk]
    return render(
        request,
        "courses/catalog.html",
        {"page": page, "form": form, "filtered": bool(form.filters)},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def course_detail(request, slug):
    course = get_object_or_404(reading.course_page_queryset(viewer=request.user), slug=slug)
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "enrollment_summary": learning.enrollment_summary(learner=request.user, course=course),
            "reading": reading.course_reading(course=course, viewer=request.user),
            "approval_statements": reading.approval_statements(
                course=course, provider_name=ProviderSettings.load().provider_name
            ),
            "license_coverage": license_coverage(
                courses=[course], licenses=viewer_licenses(request.user), on=timezone.localdate()
            )[course.pk],
        },
    )


def section_detail(request, slug, number):
    section = reading.section_page(slug=slug, number=number, viewer=request.user)
    if section is None:
        raise Http404("No such section.")
    # Viewing marks nothing read (a prefetch is a GET too): reading.js's beats or the
    # "I have read this section" button do (courses.views.reading).
    audio_url = section.audio.url if section.audio else ""
    return render(
        request,
        "courses/section_detail.html",
        {
            "course": section.course,
            "section": section,
            "section_content": section_content_html(section=section),
            "beat_seconds": settings.READING_BEAT_SECONDS,
            "audio_url": audio_url,
            "audio_type": content_type_for(section.audio.name) if audio_url else "",
            # Locally served audio can be asked for as an attachment; S3 URLs are signed.
            "audio_download_url": (
                f"{audio_url}?download=1"
                if audio_url and settings.MEDIA_STORAGE == "local"
                else audio_url
            ),
        },
    )
