"""The reading side: catalog, course page and section page."""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from courses.forms.catalog import CatalogFilterForm
from courses.models import ProviderSettings
from courses.process_cache import keep
from courses.selectors import learning, reading
from courses.selectors.catalog import catalog_search, license_coverage, viewer_licenses
from courses.services.reading import section_mark_read
from courses.views.media import content_type_for


def catalog(request):
    form = CatalogFilterForm(request.GET or None)
    today = timezone.localdate()
    courses = list(catalog_search(on=today, **form.filters))
    coverage = license_coverage(courses=courses, licenses=viewer_licenses(request.user), on=today)
    for course in courses:
        course.license_coverage = coverage[course.pk]
    return render(
        request,
        "courses/catalog.html",
        {"courses": courses, "form": form, "filtered": bool(form.filters)},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def course_detail(request, slug):
    course = get_object_or_404(reading.course_page_queryset(viewer=request.user), slug=slug)
    summary = (
        learning.enrollment_summary(learner=request.user, course=course)
        if request.user.is_authenticated
        else None
    )
    return render(
        request,
        "courses/course_detail.html",
        {
            "course": course,
            "reading": reading.course_reading(course=course, viewer=request.user),
            "enrollment_summary": summary,
            "approval_statements": reading.approval_statements(
                course=course, provider_name=ProviderSettings.load().provider_name
            ),
            "license_coverage": license_coverage(
                courses=[course], licenses=viewer_licenses(request.user), on=timezone.localdate()
            )[course.pk],
        },
    )


# A section's rendered content is kept this long at most; its key changes with every
# edit anyway (SectionPage.content_version), so this only bounds memory use.
SECTION_CONTENT_TIMEOUT = 24 * 60 * 60
# Each worker also keeps the sections it has served (a few KB each), so a page view
# skips the shared cache's round trip too (courses.process_cache).
SECTION_CONTENT_PROCESS_SIZE = 2048
_section_contents: dict[str, str] = {}


def section_content_html(page: reading.SectionPage) -> str:
    """The section's text, references and questions as HTML, rendered once per version.

    The same for every reader, so it lives in this worker and in the shared cache
    (Redis in production): a page view then costs no reference or question query and
    no rendering of them.
    """
    key = f"section-content:{page.section.pk}:{page.content_version}"
    html = _section_contents.get(key)
    if html is None:
        html = cache.get_or_set(key, lambda: _section_content_render(page), SECTION_CONTENT_TIMEOUT)
        keep(_section_contents, key, html, limit=SECTION_CONTENT_PROCESS_SIZE)
    return mark_safe(html)  # noqa: S308  # nosec B308 B703  # rendered by our own template


def _section_content_render(page: reading.SectionPage) -> str:
    content = reading.section_content(section_id=page.section.pk)
    return render_to_string(
        "courses/_section_content.html",
        {
            "course": page.course,
            "section": content.section,
            "reference_groups": reading.reference_groups(content.references),
            "questions": content.questions,
        },
    )


def section_content_cache_clear() -> None:
    _section_contents.clear()


def section_detail(request, slug, number):
    page = reading.section_page(slug=slug, number=number, viewer=request.user)
    if page is None:
        raise Http404("No such section.")
    if request.user.is_authenticated and not page.is_read:
        section_mark_read(learner=request.user, section=page.section)
    section = page.section
    audio_url = section.audio.url if section.audio else ""
    return render(
        request,
        "courses/section_detail.html",
        {
            "course": page.course,
            "section": section,
            "section_content": section_content_html(page),
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
