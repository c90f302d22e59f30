"""Time on a section: reading.js's beats, and the no-JavaScript "I have read this section"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from courses.models import Section
from courses.services.reading import reading_beat, section_mark_read


@require_POST
def section_beat(request, slug, number):
    """One beat while the section is on screen or its audio playing: a small JSON reply."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "Log in to have your reading time counted."}, status=403)
    beat = reading_beat(
        learner=request.user, slug=slug, number=number, start=request.POST.get("start") == "1"
    )
    if beat is None:
        return JsonResponse({"error": "You are not enrolled in this course."}, status=404)
    return JsonResponse(
        {
            "credited": beat.credited,
            "seconds": beat.section_seconds,
            "needed": beat.needed_seconds,
            "read": beat.is_read,
            "complete": beat.is_complete,
        }
    )


@login_required
@require_POST
def section_read(request, slug, number):
    """Without JavaScript no time is measured: the learner declares the section read."""
    section = (
        Section.objects.filter(
            course__slug=slug, number=number, course__enrollments__learner=request.user
        )
        .select_related("course")
        .first()
    )
    if section is None:
        raise Http404("You are not enrolled in a course with this section.")
    section_mark_read(learner=request.user, section=section, self_declared=True)
    messages.success(request, f"Section {section.number} is marked as read.")
    return redirect(section.course)
