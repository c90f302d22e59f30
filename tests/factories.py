"""factory-boy factories shared by every test module."""

import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from courses import models


class UserFactory(DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"clinician{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Dana Clinician {n}, PhD")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")
    # One license, a California psychologist's unless told otherwise (license__state="TX",
    # license__number=...); license=None for none.
    license = factory.RelatedFactory(
        "tests.factories.LicenseFactory", factory_related_name="holder"
    )

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def email_verified(obj, create, extracted, **kwargs):
        """A confirmed address, as every account that enrols has; email_verified=False
        for one that has not confirmed yet."""
        if create and extracted is not False:
            EmailAddress.objects.create(
                user=obj, email=obj.email.lower(), verified=True, primary=True
            )


class LicenseFactory(DjangoModelFactory):
    class Meta:
        model = models.License

    holder = factory.SubFactory("tests.factories.UserFactory", license=None)
    license_type = models.LicenseType.PSYCHOLOGIST
    state = "CA"
    number = factory.Sequence(lambda n: f"PSY{10000 + n}")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True
    full_name = factory.Sequence(lambda n: f"Staff Member {n}")
    license = factory.PostGeneration(lambda obj, create, extracted, **kwargs: None)  # none


class AuthorFactory(DjangoModelFactory):
    class Meta:
        model = models.Author

    name = factory.Sequence(lambda n: f"Author {n}")
    credentials = "PhD"
    bio = "Clinical psychologist and educator."


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = models.Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "A short course for clinicians."
    learning_objectives = "Identify one thing.\nExplain another thing."
    ce_hours = Decimal("3.00")
    is_published = True
    # Courses require reading by default; tests of other rules answer the booklet
    # without reading first. tests/test_earned_hours.py turns it on.
    require_reading = False

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.authors.set(extracted)

    @factory.post_generation
    def credits(obj, create, extracted, **kwargs):
        """[(credit type slug, hours)]; by default all the hours are general/clinical."""
        if not create:
            return
        split = extracted if extracted is not None else [("general-clinical", obj.ce_hours)]
        models.CourseCredit.objects.bulk_create(
            models.CourseCredit(course=obj, credit_type=CreditTypeFactory(slug=slug), hours=hours)
            for slug, hours in split
        )


class CreditTypeFactory(DjangoModelFactory):
    """The credit types migration 0007 creates, found again by slug (a flush removes them)."""

    class Meta:
        model = models.CreditType
        django_get_or_create = ["slug"]

    slug = "general-clinical"
    name = factory.LazyAttribute(
        lambda o: o.slug.replace("-", " ").replace("general clinical", "general/clinical")
    )


class ApprovalFactory(DjangoModelFactory):
    """A current APA approval covering psychologists everywhere; `course=` offers a
    course under it, `coverage=[(profession, state)]` replaces whom it covers."""

    class Meta:
        model = models.Approval
        skip_postgeneration_save = True

    body_name = "American Psychological Association"
    body_abbreviation = "APA"
    number = factory.Sequence(lambda n: f"APA-{n}")
    scope = models.ApprovalScope.PROVIDER
    starts_on = datetime.date(2000, 1, 1)
    ends_on = datetime.date(2099, 12, 31)
    statement_template = (
        "{provider_name} is approved by the American Psychological Association to sponsor "
        "continuing education for psychologists. {provider_name} maintains responsibility "
        "for this program and its content."
    )

    @factory.post_generation
    def coverage(obj, create, extracted, **kwargs):
        if create:
            models.ApprovalCoverage.objects.bulk_create(
                models.ApprovalCoverage(approval=obj, profession=profession, state=state)
                for profession, state in (
                    extracted if extracted is not None else [(models.Profession.PSYCHOLOGY, "")]
                )
            )

    @factory.post_generation
    def course(obj, create, extracted, **kwargs):
        if create and extracted:
            models.CourseApproval.objects.create(course=extracted, approval=obj)


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = models.Section

    course = factory.SubFactory(CourseFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Section title {n}")
    body = "Some **text** about the therapeutic alliance."
    reviewed_year = 2023


class ReferenceFactory(DjangoModelFactory):
    class Meta:
        model = models.Reference

    section = factory.SubFactory(SectionFactory)
    kind = models.ReferenceKind.JOURNAL
    authors = "Zilcha-Mano, S."
    year = 2017
    title = "Is the alliance really therapeutic?"
    container_title = "American Psychologist"
    volume = "72"
    issue = "4"
    pages = "311–325"


class QuestionFactory(DjangoModelFactory):
    """A valid single-answer question with choices A (correct), B, C, D."""

    class Meta:
        model = models.Question
        skip_postgeneration_save = True

    section = factory.SubFactory(SectionFactory)
    number = factory.Sequence(lambda n: n + 1)
    stem = factory.Sequence(lambda n: f"Question stem {n}?")
    kind = models.QuestionKind.SINGLE
    explanation = "Because the section says so."

    @factory.post_generation
    def choices(obj, create, extracted, **kwargs):
        if not create:
            return
        spec = (
            extracted
            if extracted is not None
            else [("A", True), ("B", False), ("C", False), ("D", False)]
        )
        models.Choice.objects.bulk_create(
            models.Choice(question=obj, position=i, text=text, is_correct=correct)
            for i, (text, correct) in enumerate(spec)
        )


class ChoiceFactory(DjangoModelFactory):
    class Meta:
        model = models.Choice

    question = factory.SubFactory(QuestionFactory, choices=[])
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Choice {n}")
    is_correct = False


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = models.Enrollment

    learner = factory.SubFactory(UserFactory)
    course = factory.SubFactory(CourseFactory)


class EvaluationItemFactory(DjangoModelFactory):
    class Meta:
        model = models.EvaluationItem

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Evaluation statement {n}")


class CompletedEnrollmentFactory(EnrollmentFactory):
    """An enrollment that has passed and evaluated, ready for a certificate."""

    passed_at = factory.LazyFunction(timezone.now)
    completed_at = factory.LazyFunction(timezone.now)


def booklet_course(questions=5, *, sections=None, **course_fields):
    """A published course whose answer booklet has `questions` single-answer questions.

    Questions are spread over `sections` sections (default: one per question, up to 5),
    numbered 1..N across the course; choice A of each is the correct one.
    """
    course = CourseFactory(**course_fields)
    sections = [
        SectionFactory(course=course, number=n + 1) for n in range(sections or min(questions, 5))
    ]
    question_objs = models.Question.objects.bulk_create(
        models.Question(
            section=sections[i * len(sections) // questions],
            number=i + 1,
            stem=f"Question stem {i + 1}?",
            explanation=f"Explanation {i + 1}.",
        )
        for i in range(questions)
    )
    models.Choice.objects.bulk_create(
        models.Choice(question=q, position=p, text=f"Q{q.number} choice {t}", is_correct=p == 0)
        for q in question_objs
        for p, t in enumerate("ABCD")
    )
    course.refresh_from_db(fields=["content_version"])  # the bulk_creates moved it
    return course


def booklet_answers(course, right=None):
    """Answers to every question of the course's booklet, the first `right` of them
    correct and the rest wrong (default: all correct), as {"<question id>": [choice id]}."""
    from courses.content_cache import booklet_questions

    questions = booklet_questions(course=course)
    right = len(questions) if right is None else right
    return {
        str(question.pk): [next(c.pk for c in question.choices if c.is_correct == (i < right))]
        for i, question in enumerate(questions)
    }


def make_publishable(course):
    """Give a course what publishing asks beyond its sections: an author, an evaluation
    item and a current approval covering psychologists."""
    course.authors.add(AuthorFactory())
    EvaluationItemFactory(course=course)
    ApprovalFactory(course=course)
    return course
