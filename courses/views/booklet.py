"""The answer booklet: enrol, answer and submit, results, retake, the course evaluation.

Views validate the input, call a service or selector, and render. Grading lives in
courses.services.grading; nothing here decides whether a learner passed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from courses.content_cache import booklet_questions
from courses.forms.booklet import BookletForm, EvaluationForm, is_record_id
from courses.models import Course
from courses.selectors.learning import (
    attempt_in_progress,
    attempt_latest_graded,
    attempt_questions,
    attempt_results,
    booklet_build,
    learner_attempts,
    learner_enrollment,
)
from courses.selectors.reading import submit_missing
from courses.services.enrollment import EmailNotVerified, enrollment_create
from courses.services.evaluation import (
    EvaluationNotAllowed,
    evaluation_items_ensure,
    evaluation_submit,
)
from courses.services.grading import (
    AttemptNotAllowed,
    SubmitNotReady,
    attempt_save_draft,
    attempt_start,
    attempt_submit,
)


def _wants_json(request) -> bool:
    # booklet.js autosaves with fetch and asks for JSON; plain form posts get pages.
    return request.headers.get("Accept", "").startswith("application/json")


def _enrollment_or_course_page(request, slug):
    """The learner's enrollment, or a redirect to the course page asking them to enrol."""
    enrollment = learner_enrollment(learner=request.user, slug=slug)
    if enrollment is None:
        course = get_object_or_404(Course.objects.published(), slug=slug)
        messages.info(request, "Enrol in the course first.")
        return None, redirect(course)
    return enrollment, None


def _invalid(request, slug, errors, status=400, missing=None, course=None):
    if _wants_json(request):
        return JsonResponse({"errors": errors}, status=status)
    return render(
        request,
        "courses/booklet_invalid.html",
        {
            "errors": errors,
            "missing": missing,
            "course": course,
            "booklet_url": reverse("courses:booklet", kwargs={"slug": slug}),
        },
        status=status,
    )


def _already_graded(request, attempt):
    """Another tab or request graded this attempt first: show that result, not an error."""
    results_url = reverse("courses:results", kwargs={"attempt_id": attempt.pk})
    if _wants_json(request):
        return JsonResponse({"graded": True, "results_url": results_url}, status=409)
    messages.info(request, "These answers were already submitted; here is the result.")
    return redirect(results_url)


@login_required
@require_POST
def enrol(request, slug):
    course = get_object_or_404(Course.objects.published(), slug=slug)
    try:
        enrollment_create(learner=request.user, course=course)
    except EmailNotVerified:
        return render(request, "courses/email_unverified.html", {"course": course}, status=403)
    messages.success(
        request,
        f"You are enrolled in {course.title}. Read the sections, then answer the booklet.",
    )
    return redirect(course)


@login_required
@require_http_methods(["GET", "POST"])
@cache_control(private=True, no_store=True)
def booklet(request, slug):
    if request.method == "POST":
        return _booklet_post(request, slug)
    enrollment, elsewhere = _enrollment_or_course_page(request, slug)
    if elsewhere:
        return elsewhere
    attempt = None if enrollment.passed_at else attempt_in_progress(enrollment=enrollment)
    if attempt is None:
        latest = attempt_latest_graded(enrollment=enrollment)
        if latest:  # its results page offers the retake
            return redirect(latest)
        # The first attempt opens with the booklet; later ones start from a retake (POST).
        try:
            attempt = attempt_start(enrollment=enrollment)
        except AttemptNotAllowed as refusal:  # e.g. past the completion deadline
            messages.error(request, str(refusal))
            return redirect(enrollment.course)
    course = enrollment.course
    questions = attempt_questions(attempt=attempt, questions=booklet_questions(course=course))
    booklet = booklet_build(attempt=attempt, course=course, questions=questions)
    return render(
        request,
        "courses/booklet.html",
        {
            "booklet": booklet,
            "course": course,
            "check": request.GET.get("check") == "1",
            "missing": submit_missing(enrollment=enrollment),
        },
    )


def _booklet_post(request, slug):
    attempt_id = request.POST.get("attempt", "")
    if not is_record_id(attempt_id):
        return _invalid(request, slug, ["This form does not say which attempt it belongs to."])
    attempt = get_object_or_404(
        learner_attempts(learner=request.user), pk=attempt_id, enrollment__course__slug=slug
    )
    if attempt.is_graded:
        return _already_graded(request, attempt)
    enrollment = attempt.enrollment
    questions = attempt_questions(
        attempt=attempt, questions=booklet_questions(course=enrollment.course)
    )
    form = BookletForm(request.POST, questions=questions)
    if not form.is_valid():
        return _invalid(request, slug, form.error_messages)
    submitting = form.cleaned_data["action"] == "submit"
    if not submitting or form.unanswered:
        if not attempt_save_draft(
            attempt=attempt, answers=form.answers, shown=form.shown, submit_refused=submitting
        ):
            return _already_graded(request, attempt)
        answered = sum(1 for question in questions if str(question.pk) in attempt.draft)
        if _wants_json(request):
            return JsonResponse({"saved": True, "answered": answered, "total": len(questions)})
        booklet_url = reverse("courses:booklet", kwargs={"slug": slug})
        if submitting:  # incomplete: list what is missing, keep what was answered
            return redirect(f"{booklet_url}?check=1#unanswered")
        messages.success(
            request,
            f"Progress saved: {answered} of {len(questions)} answered. "
            "You can close this page and carry on later, on any device.",
        )
        return redirect(booklet_url)
    try:
        result = attempt_submit(attempt=attempt, answers=form.answers)
    except SubmitNotReady as refusal:  # keep the answers, say what is left to do
        if not attempt_save_draft(attempt=attempt, answers=form.answers, submit_refused=True):
            return _already_graded(request, attempt)
        return _invalid(
            request,
            slug,
            refusal.messages,
            status=409,
            missing=refusal.missing,
            course=enrollment.course,
        )
    except ValidationError as error:  # e.g. the booklet changed since the page was loaded
        return _invalid(request, slug, error.messages)
    if result.already_graded:
        return _already_graded(request, result.attempt)
    return redirect(result.attempt)


@login_required
@require_POST
def retake(request, slug):
    enrollment, elsewhere = _enrollment_or_course_page(request, slug)
    if elsewhere:
        return elsewhere
    try:
        attempt_start(enrollment=enrollment)
    except AttemptNotAllowed as refusal:
        messages.error(request, str(refusal))
        return redirect(enrollment.course)
    return redirect("courses:booklet", slug=slug)


@login_required
@cache_control(private=True, no_store=True)
def results(request, attempt_id):
    attempt = get_object_or_404(learner_attempts(learner=request.user), pk=attempt_id)
    if not attempt.is_graded:
        return redirect(attempt)
    return render(
        request,
        "courses/results.html",
        {"results": attempt_results(attempt=attempt), "course": attempt.enrollment.course},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation(request, slug):
    enrollment, elsewhere = _enrollment_or_course_page(request, slug)
    if elsewhere:
        return elsewhere
    course = enrollment.course
    if enrollment.passed_at is None:
        messages.info(
            request, "The course evaluation opens once you have passed the answer booklet."
        )
        return redirect(course)
    if enrollment.completed_at:
        messages.info(request, "You have already evaluated this course. Thank you.")
        return redirect(course)
    form = EvaluationForm(
        request.POST if request.method == "POST" else None,
        items=evaluation_items_ensure(course=course),
        initial={"minutes_spent": enrollment.tracked_minutes or None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_submit(
                enrollment=enrollment,
                ratings=form.ratings,
                minutes_spent=form.cleaned_data["minutes_spent"],
                comments=form.cleaned_data["comments"],
            )
        except EvaluationNotAllowed as refusal:  # e.g. submitted from another tab
            messages.info(request, str(refusal))
            return redirect(course)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Thank you for your evaluation. Your certificate is ready.")
            return redirect(course)
    return render(
        request,
        "courses/evaluation.html",
        {"form": form, "course": course, "tracked_minutes": enrollment.tracked_minutes},
        status=400 if form.is_bound else 200,
    )
