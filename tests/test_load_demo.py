"""The demo course loads with one command, twice without harm, and is a valid course."""

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    Course,
    LicenseType,
    ProviderSettings,
    QuestionKind,
    ReferenceKind,
    RequirementProfile,
    User,
    validate_choice_set,
)
from courses.services.archive import course_export

DEMO_DIR = Path(__file__).resolve().parent.parent / "courses" / "demo"
SLUG = "power-in-the-helping-relationship"
FOUR_CHARACTERISTICS = ["role reversal", "professional privilege", "double bind", "secrecy"]
SECTION_5_STEM = (
    "What are four characteristics that separate the normal power imbalance in a "
    "therapeutic relationship from an unethical power imbalance?"
)


def load_demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def first_output(db):
    return load_demo()


@pytest.fixture
def demo(first_output):
    return Course.objects.get(slug=SLUG)


def test_loading_twice_creates_one_published_course_with_six_full_sections(first_output):
    second_output = load_demo()

    assert Course.objects.count() == 1
    course = Course.objects.get(slug=SLUG)
    assert course.title == "Power in the Helping Relationship"
    assert course.is_published
    assert "Loaded and published the demo course" in first_output
    assert "already loaded; left as it is" in second_output
    sections = list(course.sections.prefetch_related("references", "questions__choices"))
    assert len(sections) >= 6
    for section in sections:
        assert section.audio.name.endswith(".mp3")
        assert section.audio.storage.exists(section.audio.name)
        assert section.audio_duration > 60
        assert section.references.all()
        assert [q.number for q in section.questions.all()] == [section.number]


def test_accounts_are_created_once_and_passwords_printed_once(first_output):
    second_output = load_demo()

    admin = User.objects.get(email="admin@example.com")
    clinician = User.objects.get(email="clinician@example.com")
    assert admin.is_superuser and admin.is_staff
    assert not clinician.is_staff
    assert clinician.full_name == "Sam Rivera, LCSW, LMFT"
    licenses = [(lic.license_type, lic.state) for lic in clinician.licenses.order_by("state")]
    assert licenses == [(LicenseType.LMFT, "CA"), (LicenseType.LCSW, "TX")]
    assert all(lic.renews_on > timezone.localdate() for lic in clinician.licenses.all())
    for user in (admin, clinician):
        password = re.search(rf"{user.email} / password (\S+)", first_output).group(1)
        assert user.check_password(password)
        assert f"{user.email} already exists; its password was left unchanged" in second_output
    assert " / password " not in second_output
    assert User.objects.count() == 2
    for output in (first_output, second_output):
        assert "http://127.0.0.1:8000/admin/" in output
        assert "http://127.0.0.1:8000/accounts/login/" in output


def test_sample_requirement_profiles_are_loaded_once_and_marked_as_samples(first_output):
    second_output = load_demo()

    profiles = RequirementProfile.objects.all()
    assert profiles.count() == 4 and all(profile.is_sample for profile in profiles)
    california = profiles.get(state="CA", license_type="lmft")
    assert (california.hours_required, california.period_months) == (36, 24)
    assert [(m.credit_type.slug, m.hours) for m in california.minimums.all()] == [
        ("law-and-ethics", 6)
    ]
    assert "Sample renewal requirement profiles: 4 added" in first_output
    assert "Sample renewal requirement profiles: 0 added" in second_output


def test_demo_accounts_have_verified_addresses_and_log_in(first_output, client):
    # Demo addresses receive no mail, so they count as verified: logging in needs no link.
    for email in ("admin@example.com", "clinician@example.com"):
        address = EmailAddress.objects.get(email=email)
        assert (address.user.email, address.verified, address.primary) == (email, True, True)
    password = re.search(r"clinician@example.com / password (\S+)", first_output).group(1)

    response = client.post(
        reverse("account_login"), {"login": "clinician@example.com", "password": password}
    )

    assert response["Location"] == reverse("courses:catalog")
    load_demo()
    assert EmailAddress.objects.count() == 2


def test_existing_passwords_are_left_alone(db):
    User.objects.create_user(email="clinician@example.com", password="mine-1234", full_name="X")
    output = load_demo()
    assert User.objects.get(email="clinician@example.com").check_password("mine-1234")
    assert "clinician@example.com already exists" in output


def test_provider_settings_are_set_but_never_overwritten(db):
    load_demo()
    provider = ProviderSettings.load()
    assert provider.provider_name == "Helping Professions CE"
    assert provider.administrator_name == "Jordan Ellis, PhD"
    provider.administrator_name = "Real Administrator"
    provider.save()
    load_demo()
    assert ProviderSettings.load().administrator_name == "Real Administrator"


def test_section_5_asks_for_the_four_characteristics(demo):
    section = demo.sections.get(number=5)
    question = section.questions.get()
    assert question.number == 5
    assert str(question) == "QUESTION 5"
    assert question.stem == SECTION_5_STEM
    assert question.kind == QuestionKind.SINGLE
    correct = question.choices.get(is_correct=True)
    assert all(term in correct.text.lower() for term in FOUR_CHARACTERISTICS)
    wrong = question.choices.filter(is_correct=False)
    assert wrong.count() >= 3
    for choice in wrong:
        assert not all(term in choice.text.lower() for term in FOUR_CHARACTERISTICS)
    assert all(term in section.body.lower() for term in FOUR_CHARACTERISTICS)
    assert "Pinfold" in section.body and "Peterson" in section.body


def test_section_5_carries_the_reference_list(demo):
    references = list(demo.sections.get(number=5).references.all())
    books = [r for r in references if r.kind == ReferenceKind.BOOK]
    journals = [r for r in references if r.kind == ReferenceKind.JOURNAL]
    assert [(r.authors, r.year, r.publisher) for r in books] == [
        ("Peterson, M. R.", 2015, "W. W. Norton & Company")
    ]
    assert [(r.authors.split(",")[0], r.year) for r in journals] == [
        ("Kivlighan", 2014),
        ("Kachanoff", 2019),
        ("Karlsson", 2020),
        ("Leibovich", 2020),
        ("Taber", 2011),
        ("Zilcha-Mano", 2017),
    ]
    zilcha_mano = journals[-1]
    assert (zilcha_mano.volume, zilcha_mano.issue, zilcha_mano.pages) == ("72", "4", "311–325")
    assert "<i>American Psychologist</i>, <i>72</i>(4), 311–325." in zilcha_mano.apa_html()


def test_one_section_defines_the_six_types_of_power(demo):
    types = ["Legitimate", "Coercive", "Expert", "Referent", "Reward", "Personal"]
    defining = [
        s for s in demo.sections.all() if all(f"**{kind} power**" in s.body for kind in types)
    ]
    assert [s.number for s in defining] == [3]
    assert "<strong>Legitimate power</strong>" in defining[0].body_html


def test_the_demo_is_a_valid_course(demo):
    assert demo.publish_problems() == []
    assert len(demo.objective_list) in range(4, 7)
    assert all(
        line.split()[0] in {"Identify", "Distinguish", "Describe", "Explain", "Apply"}
        for line in demo.objective_list
    )
    assert demo.ce_hours_display == "3"
    assert (demo.pass_mark, demo.max_attempts, demo.level) == (75, 3, "intermediate")
    assert all(author.conflict_of_interest for author in demo.authors.all())
    # Sample approvals of the four bodies, each marked as a sample.
    assert [a.body_abbreviation for a in demo.approvals.all()] == [
        "APA",
        "ASWB ACE",
        "NBCC",
        "CAMFT CEPA",
    ]
    assert all(a.is_sample and a.number.startswith("SAMPLE-") for a in demo.approvals.all())
    assert [(c.credit_type.name, c.hours_display) for c in demo.credits.all()] == [
        ("general/clinical", "2"),
        ("ethics", "1"),
    ]
    # The evaluation rates each learning objective on its own (state home-study guidance).
    statements = [item.text for item in demo.evaluation_items.all()]
    for objective in demo.objective_list:
        assert f"The course met this learning objective: {objective}" in statements
    assert len(statements) == len(demo.objective_list) + 5
    kinds = set()
    for section in demo.sections.prefetch_related("questions__choices"):
        assert 180 <= len(section.body.split()) <= 320
        assert 2023 <= section.reviewed_year <= 2025
        for question in section.questions.all():
            choices = [(c.text, c.is_correct) for c in question.choices.all()]
            validate_choice_set(question.kind, choices)
            assert question.explanation
            kinds.add(question.kind)
    assert kinds == {QuestionKind.SINGLE, QuestionKind.MULTIPLE}


def test_the_demo_folder_is_exactly_what_exporting_the_demo_gives(demo):
    with zipfile.ZipFile(io.BytesIO(course_export(course=demo))) as zf:
        assert json.loads(zf.read("manifest.json")) == json.loads(
            (DEMO_DIR / "manifest.json").read_text(encoding="utf-8")
        )
        for name in zf.namelist():
            if name.startswith("media/"):
                assert (
                    zf.read(name) == (DEMO_DIR / "audio" / name.removeprefix("media/")).read_bytes()
                )


def test_demo_audio_stays_small():
    sizes = [path.stat().st_size for path in (DEMO_DIR / "audio").glob("*.mp3")]
    assert len(sizes) == 6
    assert sum(sizes) < 1_700_000
