"""The learner's reading pages: catalog, course page, section page."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from courses.models import ReferenceKind, SectionRead
from tests.factories import (
    ApprovalFactory,
    AuthorFactory,
    CourseFactory,
    EnrollmentFactory,
    QuestionFactory,
    ReferenceFactory,
    SectionFactory,
    UserFactory,
)
from tests.helpers import text_of

pytestmark = pytest.mark.django_db

VOICE_MP3 = Path(__file__).parent / "data" / "voice.mp3"


def course_url(course):
    return reverse("courses:course", kwargs={"slug": course.slug})


def section_url(section):
    return reverse(
        "courses:section", kwargs={"slug": section.course.slug, "number": section.number}
    )


# Catalog


def test_catalog_lists_published_courses_with_hours_level_and_summary(client):
    CourseFactory(
        title="Power in the Helping Relationship",
        ce_hours="1.5",
        level="advanced",
        summary="How power works in therapy.",
    )
    CourseFactory(title="Draft course", is_published=False)

    response = client.get(reverse("courses:catalog"))

    page = text_of(response)
    assert "Power in the Helping Relationship" in page
    assert "1.5 CE hours" in page
    assert "Advanced" in page
    assert "How power works in therapy." in page
    assert "Draft course" not in page


def test_catalog_hides_unpublished_courses_from_staff_too(staff_client):
    CourseFactory(title="Draft course", is_published=False)

    response = staff_client.get(reverse("courses:catalog"))

    assert "Draft course" not in text_of(response)


def test_catalog_links_each_course_to_its_page(client):
    course = CourseFactory()

    response = client.get(reverse("courses:catalog"))

    assert f'href="{course_url(course)}"' in response.content.decode()


# Course page


def test_course_page_shows_what_a_board_requires(client):
    author = AuthorFactory(
        name="Rivka Stein",
        credentials="PhD, LMFT",
        bio="Teaches ethics.",
        conflict_of_interest="Receives royalties from a book cited in Section 2.",
    )
    course = CourseFactory(
        title="Ethics of Power",
        learning_objectives="Identify four characteristics.\nDescribe six types of power.",
        ce_hours="3",
        pass_mark=80,
        max_attempts=3,
        authors=[author],
    )
    ApprovalFactory(
        course=course,
        body_name="Association of Social Work Boards",
        body_abbreviation="ASWB ACE",
        number="ACE-1234",
        starts_on=date(2025, 3, 1),
        ends_on=date(2099, 2, 28),
        statement_template="{provider_name} is approved for {credit_types} credits by ASWB ACE.",
        coverage=[("social_work", "")],
    )
    ApprovalFactory(course=course, body_name="Lapsed Board", ends_on=date(2020, 1, 1))

    page = text_of(client.get(course_url(course)))

    assert "Ethics of Power" in page
    assert "Identify four characteristics." in page
    assert "Describe six types of power." in page
    assert "Rivka Stein, PhD, LMFT" in page
    assert "Teaches ethics." in page
    assert "Receives royalties from a book cited in Section 2." in page
    assert "Association of Social Work Boards" in page
    assert "ACE-1234" in page
    assert "Approval period March 1, 2025 – February 28, 2099" in page
    assert "Helping Professions CE is approved for 3 general/clinical credits by ASWB ACE." in page
    assert "General/clinical 3" in page
    assert "Lapsed Board" not in page
    assert "No board approval is current" not in page
    assert "80% correct" in page
    assert "Attempts allowed 3" in page


def test_course_page_says_when_no_approval_is_current(client):
    course = CourseFactory(title="Ethics of Power")
    ApprovalFactory(course=course, body_name="Lapsed Board", ends_on=date(2020, 1, 1))

    page = text_of(client.get(course_url(course)))

    assert "Ethics of Power" in page  # still offered: staff see it on the approvals report
    assert (
        "No board approval is current for this course: a certificate earned now cites no "
        "approval, and your board may not accept it." in page
    )
    assert "Lapsed Board" not in page


def test_course_page_says_unlimited_attempts_when_blank(client):
    course = CourseFactory(max_attempts=None)

    assert "Attempts allowed Unlimited" in text_of(client.get(course_url(course)))


def test_course_page_shows_progress_and_resumes_at_first_unread_section(learner_client):
    course = CourseFactory()
    sections = [SectionFactory(course=course, number=n) for n in range(1, 8)]
    for section in (sections[0], sections[1], sections[3]):
        SectionRead.objects.create(learner=learner_client.user, section=section)

    response = learner_client.get(course_url(course))
    html = response.content.decode()

    assert "3 of 7 sections read" in text_of(response)
    assert re.search(r'<progress[^>]*max="7"[^>]*value="3"', html)
    assert html.count(">Read</span>") == 3
    assert html.count(">Not read yet</span>") == 4
    resume = re.search(r'href="([^"]+)">\s*Resume: Section 3', html)
    assert resume and resume.group(1) == section_url(sections[2])


def test_course_page_start_reading_goes_to_first_section(learner_client):
    course = CourseFactory()
    first = SectionFactory(course=course, number=1)
    SectionFactory(course=course, number=2)

    html = learner_client.get(course_url(course)).content.decode()

    assert re.search(rf'href="{section_url(first)}">\s*Start reading', html)


def test_course_page_when_every_section_is_read(learner_client):
    course = CourseFactory()
    section = SectionFactory(course=course, number=1)
    SectionRead.objects.create(learner=learner_client.user, section=section)

    page = text_of(learner_client.get(course_url(course)))

    assert "1 of 1 section read" in page
    assert "You have read every section." in page
    assert "Resume" not in page


def test_course_page_progress_is_per_learner(learner_client):
    course = CourseFactory()
    section = SectionFactory(course=course, number=1)
    SectionRead.objects.create(learner=UserFactory(), section=section)

    assert "0 of 1 section read" in text_of(learner_client.get(course_url(course)))


def test_anonymous_course_page_invites_login_and_has_no_progress(client):
    course = CourseFactory()
    SectionFactory(course=course, number=1)

    response = client.get(course_url(course))

    assert "Log in" in text_of(response)
    assert "<progress" not in response.content.decode()
    assert "Start reading" in text_of(response)
    assert response.context["enrollment_summary"] is None


def test_course_page_includes_the_enrollment_panel(learner_client):
    course = CourseFactory()

    response = learner_client.get(course_url(course))

    assert "courses/_enrollment_panel.html" in [t.name for t in response.templates]
    assert "enrollment_summary" in response.context


def test_unpublished_course_is_404_for_learners_and_anonymous(client, learner_client):
    course = CourseFactory(is_published=False)
    section = SectionFactory(course=course)

    assert learner_client.get(course_url(course)).status_code == 404
    assert learner_client.get(section_url(section)).status_code == 404
    learner_client.logout()
    assert client.get(course_url(course)).status_code == 404
    assert client.get(section_url(section)).status_code == 404


def test_staff_can_view_unpublished_course_with_a_banner(staff_client):
    course = CourseFactory(is_published=False, title="Draft course")
    section = SectionFactory(course=course)

    course_page = staff_client.get(course_url(course))
    section_page = staff_client.get(section_url(section))

    assert course_page.status_code == 200
    assert "Unpublished — visible to staff and enrolled learners only" in text_of(course_page)
    assert section_page.status_code == 200
    assert "Unpublished — visible to staff and enrolled learners only" in text_of(section_page)


def test_published_course_has_no_unpublished_banner(staff_client):
    course = CourseFactory()

    assert "Unpublished" not in text_of(staff_client.get(course_url(course)))


def test_unknown_course_and_section_are_404(client):
    course = CourseFactory()

    assert client.get(reverse("courses:course", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(section_url(SectionFactory.build(course=course, number=9))).status_code == 404


def test_a_section_number_past_any_integer_column_is_404_not_a_server_error(learner_client):
    """SQLite refused the number outright (OverflowError) on the section page."""
    course = CourseFactory()
    EnrollmentFactory(course=course, learner=learner_client.user)
    url = f"/courses/{course.slug}/sections/{10**20}/"

    assert learner_client.get(url).status_code == 404
    assert learner_client.post(url + "beat/").status_code == 404
    assert learner_client.post(url + "read/").status_code == 404


# Section page


def test_section_page_shows_number_title_body_and_reviewed_year(client):
    section = SectionFactory(
        number=4,
        title="Role reversal",
        body="The client begins to **care for** the therapist.",
        reviewed_year=2024,
    )

    response = client.get(section_url(section))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Section 4" in text_of(response)
    assert "Role reversal" in text_of(response)
    assert "<strong>care for</strong>" in html
    assert "Reviewed 2024" in text_of(response)


def test_section_page_groups_references_in_apa_style(client):
    section = SectionFactory()
    ReferenceFactory(
        section=section,
        kind=ReferenceKind.BOOK,
        authors="Pope, K. S., & Vasquez, M. J. T.",
        year=2016,
        title="Ethics in psychotherapy and counseling",
        edition="5th ed.",
        publisher="Wiley",
        container_title="",
        position=1,
    )
    ReferenceFactory(section=section, doi="10.1037/amp0000138", position=2)
    ReferenceFactory(
        section=section,
        kind=ReferenceKind.OTHER,
        authors="American Psychological Association",
        year=2017,
        title="Ethical principles of psychologists and code of conduct",
        url="https://www.apa.org/ethics/code",
        container_title="",
        position=3,
    )

    html = client.get(section_url(section)).content.decode()

    book = html.index("Book references")
    journal = html.index("Peer-reviewed journal article references")
    other = html.index("Other references")
    assert book < html.index("Ethics in psychotherapy and counseling</i> (5th ed.)") < journal
    assert journal < html.index("<i>American Psychologist</i>, <i>72</i>(4)") < other
    assert '<a href="https://doi.org/10.1037/amp0000138">' in html
    assert other < html.index("https://www.apa.org/ethics/code")


def test_section_page_omits_empty_reference_groups(client):
    section = SectionFactory()
    ReferenceFactory(section=section)

    page = text_of(client.get(section_url(section)))

    assert "Peer-reviewed journal article references" in page
    assert "Book references" not in page
    assert "Other references" not in page


def test_section_page_shows_question_stem_but_never_choices(client):
    section = SectionFactory()
    QuestionFactory(
        section=section,
        number=3,
        stem="What are four characteristics of an unethical power imbalance?",
        choices=[("Role reversal and secrecy", True), ("Warmth and empathy", False)],
        explanation="The section lists them.",
    )
    QuestionFactory(section=section, number=4, stem="A retired question?", is_retired=True)

    response = client.get(section_url(section))
    page = text_of(response)
    html = response.content.decode()

    assert "QUESTION 3" in page
    assert "What are four characteristics of an unethical power imbalance?" in page
    assert "Role reversal and secrecy" not in page
    assert "Warmth and empathy" not in page
    assert "The section lists them." not in page
    assert "A retired question?" not in page
    assert "QUESTION 4" not in page
    booklet = reverse("courses:booklet", kwargs={"slug": section.course.slug})
    assert f'href="{booklet}#question-3"' in html


def test_section_page_audio_player_and_download_link(client):
    section = SectionFactory()
    section.audio.save("narration.mp3", ContentFile(VOICE_MP3.read_bytes()), save=False)
    section.save()

    html = client.get(section_url(section)).content.decode()

    assert section.audio_duration  # read from the file on save
    assert '<audio controls preload="metadata" aria-labelledby="audio-label">' in html
    assert f'<source src="{section.audio.url}" type="audio/mpeg">' in html
    assert f'href="{section.audio.url}?download=1" download' in html
    assert f"({section.audio_duration_display})" in html
    assert "The transcript of this recording is the section text" in html


def test_section_page_without_audio_has_no_player(client):
    section = SectionFactory(audio="")

    assert "<audio" not in client.get(section_url(section)).content.decode()


def test_section_page_previous_and_next_links_skip_gaps(client):
    course = CourseFactory()
    first = SectionFactory(course=course, number=1, title="Opening")
    middle = SectionFactory(course=course, number=2)
    last = SectionFactory(course=course, number=5, title="Closing")

    html = client.get(section_url(middle)).content.decode()

    assert re.search(rf'rel="prev" href="{section_url(first)}"', html)
    assert re.search(rf'rel="next" href="{section_url(last)}"', html)
    first_html = client.get(section_url(first)).content.decode()
    assert 'rel="prev"' not in first_html
    assert f'href="{course_url(course)}"' in first_html
    assert 'rel="next"' not in client.get(section_url(last)).content.decode()


def test_declaring_a_section_read_twice_keeps_one_record(learner_client):
    section = SectionFactory()
    EnrollmentFactory(learner=learner_client.user, course=section.course)
    url = reverse("courses:section_read", args=[section.course.slug, section.number])

    learner_client.post(url)
    learner_client.post(url)

    assert SectionRead.objects.filter(learner=learner_client.user, section=section).count() == 1


def test_anonymous_visit_marks_nothing_read(client):
    section = SectionFactory()

    assert client.get(section_url(section)).status_code == 200
    assert not SectionRead.objects.exists()


def test_reading_a_section_moves_the_course_progress(learner_client):
    course = CourseFactory()
    first = SectionFactory(course=course, number=1)
    second = SectionFactory(course=course, number=2)
    EnrollmentFactory(learner=learner_client.user, course=course)

    learner_client.post(reverse("courses:section_read", args=[course.slug, first.number]))
    html = learner_client.get(course_url(course)).content.decode()

    assert "1 of 2 sections read" in html
    assert re.search(rf'href="{section_url(second)}">\s*Resume: Section 2', html)


# Accessibility page


def test_accessibility_page_explains_accommodations_and_grievances(client):
    page = text_of(client.get(reverse("accessibility")))

    assert "5 business days" in page
    assert "large-print" in page
    assert "audio-only" in page
    assert "Grievance procedure" in page
    assert "refund" in page
    assert "accrediting body" in page


def test_footer_links_to_accessibility_page(client):
    html = client.get(reverse("courses:catalog")).content.decode()

    assert f'href="{reverse("accessibility")}"' in html


@pytest.mark.parametrize("name", ["courses:catalog", "accessibility"])
def test_pages_have_one_h1_and_no_inline_scripts_or_styles(client, name):
    html = client.get(reverse(name)).content.decode()

    assert html.count("<h1") == 1
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_reading_pages_have_one_h1_and_no_inline_scripts_or_styles(learner_client):
    section = SectionFactory()
    QuestionFactory(section=section)
    ReferenceFactory(section=section)
    for url in (course_url(section.course), section_url(section)):
        html = learner_client.get(url).content.decode()
        assert html.count("<h1") == 1, url
        assert "style=" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url


def test_nav_marks_the_current_page(client):
    html = client.get(reverse("courses:catalog")).content.decode()

    assert f'href="{reverse("courses:catalog")}" aria-current="page">Courses' in html
    assert html.count('aria-current="page"') == 1


def test_catalog_comes_in_pages_of_twelve_keeping_the_filters(client):
    for n in range(14):
        CourseFactory(title=f"Ethics {n:02}")
    CourseFactory(title="Boundaries")

    first = client.get(reverse("courses:catalog"), {"q": "Ethics"})
    second = client.get(reverse("courses:catalog"), {"q": "Ethics", "page": "2"})
    beyond = client.get(reverse("courses:catalog"), {"q": "Ethics", "page": "99x"})

    assert [c.title for c in first.context["page"]] == [f"Ethics {n:02}" for n in range(12)]
    assert [c.title for c in second.context["page"]] == ["Ethics 12", "Ethics 13"]
    page = first.content.decode()
    assert "Page 1 of 2" in page
    assert 'href="?q=Ethics&amp;page=2">Next</a>' in page
    assert 'href="?q=Ethics&amp;page=1">Previous</a>' in second.content.decode()
    assert beyond.status_code == 200  # a page number it cannot read shows the first page
    assert [c.title for c in beyond.context["page"]] == [f"Ethics {n:02}" for n in range(12)]
