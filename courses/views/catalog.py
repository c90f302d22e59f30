"""The reading side: catalog, course page and section page."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from courses.content_cache import section_content_html
from courses.selectors import learning, reading
from courses.views.media import content_type_for


def catalog(request):
    return render(request, "courses/catalog.html", {"courses": reading.catalog_courses()})


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
