"""Course archives: an export followed by an import reproduces the course exactly, and
a malformed, truncated or hostile archive is refused with nothing left behind."""

import hashlib
import io
import json
import stat
import struct
import unicodedata
import warnings
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from courses import models
from courses.services import archive
from courses.services.archive import ArchiveError, course_export, course_import
from tests.factories import (
    ApprovalFactory,
    AuthorFactory,
    CourseFactory,
    EvaluationItemFactory,
    QuestionFactory,
    ReferenceFactory,
    SectionFactory,
)

DATA = Path(__file__).parent / "data"
CONTENT_MODELS = [
    models.Course,
    models.Author,
    models.Approval,
    models.ApprovalCoverage,
    models.CourseApproval,
    models.CourseCredit,
    models.CreditType,
    models.EvaluationItem,
    models.Section,
    models.Reference,
    models.Question,
    models.Choice,
]


@pytest.fixture
def full_course(db):
    """A course using every field the archive carries, with mp3 and Ogg audio."""
    course = CourseFactory(
        title="Boundaries & Power",
        slug="boundaries-and-power",
        summary="Two sentences.\nWith a line break and “quotes”.",
        learning_objectives="Identify one thing.\nDescribe another.",
        ce_hours="2.25",
        level=models.Level.ADVANCED,
        pass_mark=80,
        max_attempts=3,
        shuffle_choices=True,
        completion_months=18,
        released_on=date(2025, 3, 1),
        content_review_on=date(2028, 3, 1),
        require_reading=False,
        reading_share=80,
        reading_rate=150,
        min_minutes=90,
        failed_result_reveals=models.FailedResultReveals.SECTIONS,
        is_published=True,
        credits=[("general-clinical", "1.25"), ("law-and-ethics", "1.00")],
        authors=[
            AuthorFactory(name="Zoe Alpha", credentials="PhD", conflict_of_interest="None."),
            AuthorFactory(name="Ann Beta", credentials="LMFT", bio="Bio with **Markdown**."),
        ],
    )
    ApprovalFactory(
        course=course,
        position=0,
        number="APA-1",
        starts_on=date(2024, 1, 1),
        ends_on=date(2028, 12, 31),
        statement_template="{provider_name} is approved by the APA (sample).",
        is_sample=True,
    )
    ApprovalFactory(
        course=course,
        position=1,
        body_name="Association of Social Work Boards",
        body_abbreviation="ASWB ACE",
        number="",
        scope=models.ApprovalScope.COURSE,
        starts_on=date(2025, 6, 1),
        ends_on=None,
        statement_template="Course approval {{period}}: {period}; {credit_types}.",
        coverage=[("social_work", "CA"), ("social_work", "NV")],
    )
    EvaluationItemFactory(course=course, position=0, text="Objectives were met.")
    EvaluationItemFactory(course=course, position=1, text="Free of commercial bias.")

    one = SectionFactory(
        course=course, number=1, body="# Heading\n\n- a *list*", reviewed_year=None
    )
    one.audio = ContentFile((DATA / "voice.mp3").read_bytes(), "narration.mp3")
    one.save()
    two = SectionFactory(course=course, number=2, reviewed_year=2024, questions_per_attempt=1)
    two.audio = ContentFile((DATA / "voice-vorbis.ogg").read_bytes(), "narration.ogg")
    two.save()
    SectionFactory(course=course, number=3)  # no audio

    ReferenceFactory(
        section=one,
        position=0,
        kind=models.ReferenceKind.JOURNAL,
        authors="Kachanoff, F. J., & Wohl, M. J. A.",
        year=2019,
        date_detail="January",
        title="The chains on all my people are the chains on me",
        container_title="Journal of Personality and Social Psychology",
        volume="116",
        issue="1",
        pages="141–165",
        doi="10.1000/example",
    )
    ReferenceFactory(
        section=one,
        position=1,
        kind=models.ReferenceKind.BOOK,
        authors="Zur, O.",
        year=2007,
        title="Boundaries in psychotherapy",
        container_title="",
        volume="",
        issue="",
        pages="",
        edition="2nd ed.",
        publisher="American Psychological Association",
        url="https://example.org/book",
    )
    QuestionFactory(section=one, number=1, stem="Single?")
    QuestionFactory(
        section=two,
        number=2,
        stem="Select all that apply.",
        kind=models.QuestionKind.MULTIPLE,
        explanation="",
        choices=[("Yes", True), ("Also yes", True), ("No", False)],
    )
    QuestionFactory(section=two, number=3, stem="Retired?", is_retired=True)
    return course


def manifest_of(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return json.loads(zf.read("manifest.json"))


def members_of(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def build_zip(members):
    """A zip from {name or ZipInfo: bytes or str}."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are built on purpose
        for name, content in members:
            zf.writestr(name, content)
    return buffer.getvalue()


def repack(data, edit=None, extra=(), drop=()):
    """A copy of an archive with its manifest edited and members added or dropped."""
    members = members_of(data)
    manifest = json.loads(members.pop("manifest.json"))
    if edit:
        edit(manifest)
    kept = [(name, content) for name, content in members.items() if name not in drop]
    return build_zip([("manifest.json", json.dumps(manifest)), *kept, *extra])


def media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.fixture
def assert_refused(settings):
    """Import must fail with the message, and leave no new rows and no new media files."""

    def check(data, message, slug="imported"):
        counts = [m.objects.count() for m in CONTENT_MODELS]
        files = media_files(settings)
        with pytest.raises(ArchiveError, match=message):
            course_import(archive=data, slug=slug)
        assert [m.objects.count() for m in CONTENT_MODELS] == counts
        assert media_files(settings) == files

    return check


@pytest.fixture
def exported(full_course):
    return course_export(course=full_course)


# The round trip


def test_export_then_import_reproduces_the_course_exactly(full_course, exported):
    authors = models.Author.objects.count()
    copy = course_import(archive=exported, slug="copy")
    again = course_export(course=copy)

    first, second = manifest_of(exported), manifest_of(again)
    assert first["course"].pop("slug") == "boundaries-and-power"
    assert second["course"].pop("slug") == "copy"
    assert second == first
    assert members_of(again).keys() == members_of(exported).keys()
    for name, content in members_of(exported).items():
        if name.startswith("media/"):
            assert members_of(again)[name] == content
    sources = [s.audio.read() for s in full_course.sections.exclude(audio="")]
    copies = [s.audio.read() for s in copy.sections.exclude(audio="")]
    assert copies == sources
    assert models.Author.objects.count() == authors  # matched by name and credentials
    assert copy.is_published is False  # an import is a draft until staff publish it


def test_manifest_carries_every_field_in_order(full_course, exported):
    course = manifest_of(exported)["course"]
    assert manifest_of(exported)["format"] == "ceapp-course-archive"
    assert manifest_of(exported)["version"] == 3
    assert course["ce_hours"] == "2.25"
    assert course["max_attempts"] == 3
    assert (course["released_on"], course["content_review_on"]) == ("2025-03-01", "2028-03-01")
    assert (course["reading_share"], course["min_minutes"]) == (80, 90)
    assert course["failed_result_reveals"] == "sections"
    assert [a["name"] for a in course["authors"]] == ["Ann Beta", "Zoe Alpha"]
    apa, aswb = course["approvals"]
    assert apa == {
        "body_name": "American Psychological Association",
        "body_abbreviation": "APA",
        "number": "APA-1",
        "scope": "provider",
        "starts_on": "2024-01-01",
        "ends_on": "2028-12-31",
        "statement_template": "{provider_name} is approved by the APA (sample).",
        "is_sample": True,
        "coverage": [{"profession": "psychology", "state": ""}],
    }
    assert (aswb["scope"], aswb["ends_on"]) == ("course", None)
    assert aswb["coverage"] == [
        {"profession": "social_work", "state": "CA"},
        {"profession": "social_work", "state": "NV"},
    ]
    assert course["credits"] == [
        {
            "credit_type": "general-clinical",
            "credit_type_name": "general/clinical",
            "hours": "1.25",
        },
        {"credit_type": "law-and-ethics", "credit_type_name": "law and ethics", "hours": "1.00"},
    ]
    assert [s["number"] for s in course["sections"]] == [1, 2, 3]
    assert [s["questions_per_attempt"] for s in course["sections"]] == [None, 1, None]
    one, two, three = course["sections"]
    assert one["audio"]["file"] == "section-01.mp3"
    assert one["audio"]["size"] == (DATA / "voice.mp3").stat().st_size
    assert one["audio"]["duration"] > 0
    assert two["audio"]["file"] == "section-02.ogg"
    assert three["audio"] is None
    assert [r["kind"] for r in one["references"]] == ["journal", "book"]
    assert one["references"][0]["date_detail"] == "January"
    assert one["references"][0]["doi"] == "10.1000/example"
    assert one["references"][1]["edition"] == "2nd ed."
    assert [q["is_retired"] for q in two["questions"]] == [False, True]
    assert two["questions"][0]["choices"] == [
        {"text": "Yes", "is_correct": True},
        {"text": "Also yes", "is_correct": True},
        {"text": "No", "is_correct": False},
    ]


# Each model the archive carries, its part of the manifest, and the fields left out.
FORMAT_MODELS = [
    # The site's state, not the course's content or rules: an import is a new draft.
    (
        models.Course,
        archive.COURSE,
        {"id", "is_published", "is_retired", "content_version", "created_at", "updated_at"},
    ),
    (models.Author, archive.AUTHOR, {"id"}),
    (models.Approval, archive.APPROVAL, {"id", "position"}),
    (models.ApprovalCoverage, archive.COVERAGE, {"id", "approval"}),
    (models.CourseCredit, archive.CREDIT, {"id", "course"}),
    (models.EvaluationItem, archive.EVALUATION_ITEM, {"id", "course", "position"}),
    # body_html and word_count follow the body; the audio is a member of its own; an
    # imported section is added when it is imported.
    (
        models.Section,
        archive.SECTION,
        {"id", "course", "body_html", "word_count", "audio", "audio_duration", "added_at"},
    ),
    (models.Reference, archive.REFERENCE, {"id", "section", "position"}),
    (models.Question, archive.QUESTION, {"id", "section"}),
    (models.Choice, archive.CHOICE, {"id", "question", "position"}),
]


@pytest.mark.parametrize(("model", "spec", "not_in_archive"), FORMAT_MODELS)
def test_the_archive_format_covers_every_model_field(model, spec, not_in_archive):
    """A field added to a model must be added to the archive (or listed here, with a reason)."""
    fields = {field.name for field in model._meta.concrete_fields}
    assert fields - not_in_archive <= set(spec)


@pytest.mark.parametrize(("model", "spec"), [(model, spec) for model, spec, _ in FORMAT_MODELS])
def test_the_full_course_sets_every_carried_field_away_from_its_default(full_course, model, spec):
    """Else the round trip could not tell a field carried from one the import defaulted."""
    fields = [field for field in model._meta.concrete_fields if field.name in spec]
    left_at_default = [
        field.name
        for field in fields
        if all(
            value == field.get_default()
            for value in model.objects.values_list(field.name, flat=True)
        )
    ]
    assert fields
    assert left_at_default == []


def test_the_same_course_exports_the_same_bytes(full_course, exported):
    assert course_export(course=full_course) == exported


def test_export_to_a_file_object_matches_bytes(full_course, exported):
    out = io.BytesIO()
    assert course_export(course=full_course, file=out) is None
    assert out.getvalue() == exported


def test_an_author_is_reused_only_with_the_same_name_and_credentials(full_course, exported):
    models.Author.objects.filter(name="Zoe Alpha").update(credentials="PsyD")
    copy = course_import(archive=exported, slug="copy")
    assert sorted(str(a) for a in copy.authors.all()) == ["Ann Beta, LMFT", "Zoe Alpha, PhD"]
    assert models.Author.objects.filter(name="Zoe Alpha").count() == 2
    assert models.Author.objects.filter(name="Ann Beta").count() == 1


def test_an_author_written_with_combining_marks_is_the_same_author(full_course):
    author = models.Author.objects.create(name="Nguyễn Văn An", credentials="PhD")
    full_course.authors.add(author)
    # The archive carries the name decomposed: "e" plus combining marks.
    models.Author.objects.filter(pk=author.pk).update(
        name=unicodedata.normalize("NFD", author.name)
    )
    archive = course_export(course=full_course)
    models.Author.objects.filter(pk=author.pk).update(name="Nguyễn Văn An")

    copy = course_import(archive=archive, slug="copy")

    assert author in copy.authors.all()
    assert models.Author.objects.filter(credentials="PhD", name__startswith="Nguy").count() == 1


def test_import_keeps_the_archive_slug_when_it_is_free(full_course, exported):
    full_course.delete()
    assert course_import(archive=exported).slug == "boundaries-and-power"


# Refused archives


def test_existing_slug_is_refused(exported, assert_refused):
    assert_refused(exported, "slug 'boundaries-and-power' already exists", slug=None)


def test_invalid_slug_is_refused(exported, assert_refused):
    assert_refused(exported, "course: slug: Enter a valid", slug="Not a slug!")


def test_not_a_zip_is_refused(db, assert_refused):
    assert_refused(b"%PDF-1.7 this is not a zip", "not a readable zip")


def test_truncated_zip_is_refused(exported, assert_refused):
    assert_refused(exported[: len(exported) // 2], "not a readable zip")


def test_damaged_member_is_refused(exported, assert_refused):
    damaged = bytearray(exported)
    audio = (DATA / "voice.mp3").read_bytes()
    start = damaged.find(audio)  # stored uncompressed, so it appears as is
    damaged[start + 1000] ^= 0xFF
    assert_refused(bytes(damaged), "'media/section-01.mp3' is damaged or truncated")


def test_member_whose_header_understates_its_size_is_refused(exported, assert_refused):
    """A header may lie about the size; bytes are checked against the checksum anyway."""
    lying = bytearray(exported)
    real = len((DATA / "voice.mp3").read_bytes())
    packed = struct.pack("<I", real)
    # Patch the local header and the central directory entry of media/section-01.mp3.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = lying.find(signature)
        while lying[at + offset : at + offset + 4] != packed:
            at = lying.find(signature, at + 1)
        lying[at + offset : at + offset + 4] = struct.pack("<I", 100)
    assert_refused(bytes(lying), "'media/section-01.mp3' is damaged or truncated")


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "media/../../evil.txt", "/etc/passwd", "C:/evil.txt", "media\\..\\evil"],
)
def test_path_traversal_member_is_refused(exported, assert_refused, name):
    hostile = repack(exported, extra=[(name, b"x")])
    assert_refused(hostile, "member paths must be relative and stay inside the archive")


def test_symlink_member_is_refused(exported, assert_refused):
    link = zipfile.ZipInfo("media/section-09.mp3")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    assert_refused(repack(exported, extra=[(link, "/etc/passwd")]), "symbolic links")


def test_duplicate_member_is_refused(exported, assert_refused):
    again = ("media/section-01.mp3", (DATA / "voice.mp3").read_bytes())
    assert_refused(repack(exported, extra=[again]), "appears twice")


def test_member_larger_than_the_cap_is_refused(exported, assert_refused, monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 4000)  # voice.mp3 is 4493 bytes
    assert_refused(exported, r"'media/section-01.mp3': it is 4493 bytes; the limit is 4000")


def test_manifest_larger_than_its_cap_is_refused(exported, assert_refused, monkeypatch):
    monkeypatch.setattr(archive, "MAX_MANIFEST_BYTES", 500)
    assert_refused(exported, r"manifest.json is \d+ bytes; the limit is 500")


def test_zip_bomb_is_refused(exported, assert_refused):
    bomb = ("media/bomb.mp3", b"\0" * (20 * 1024 * 1024))  # deflates about 1000 times
    assert_refused(repack(exported, extra=[bomb]), "expands more than 100 times")


def test_archive_expanding_past_the_total_cap_is_refused(exported, assert_refused, monkeypatch):
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 5000)
    assert_refused(exported, "expands to more than 5000 bytes")


def test_reads_are_capped_whatever_the_header_says(exported, assert_refused, monkeypatch):
    """The declared sizes pass; the member then yields more bytes than the cap allows."""
    monkeypatch.setattr(archive, "MAX_MANIFEST_BYTES", 50_000)
    endless = io.BytesIO(b" " * 60_000)
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, info, *args, **kwargs: endless)
    assert_refused(exported, "'manifest.json': it is larger than 50000 bytes")


def test_too_many_members_are_refused(exported, assert_refused, monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBERS", 2)
    assert_refused(exported, "has 3 members; the limit is 2")


def test_unknown_member_is_refused(exported, assert_refused):
    assert_refused(repack(exported, extra=[("notes.txt", "hi")]), "has no such member")


def test_media_member_the_manifest_does_not_use_is_refused(exported, assert_refused):
    extra = [("media/extra.mp3", (DATA / "voice.mp3").read_bytes())]
    assert_refused(repack(exported, extra=extra), "'media/extra.mp3': the manifest does not use")


def test_missing_audio_member_is_refused(exported, assert_refused):
    assert_refused(
        repack(exported, drop={"media/section-02.ogg"}), "has no member 'media/section-02.ogg'"
    )


def test_missing_manifest_is_refused(exported, assert_refused):
    members = members_of(exported)
    del members["manifest.json"]
    assert_refused(build_zip(members.items()), "it has no manifest.json")


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (b"{not json", r"manifest.json is not valid JSON \(line 1"),
        (b"\xff\xfe{}", "manifest.json is not UTF-8 text"),
        (b"[1, 2]", "manifest.json is not a ceapp-course-archive"),
        (b'{"format": "moodle-backup", "version": 1}', "not a ceapp-course-archive"),
        (b'{"format": "ceapp-course-archive"}', "does not say which format version"),
        (b'{"format": "ceapp-course-archive", "version": 4}', "Unsupported archive version 4"),
        (b'{"format": "ceapp-course-archive", "version": "1"}', "Unsupported archive version"),
    ],
)
def test_manifest_that_is_not_a_course_manifest_is_refused(db, assert_refused, manifest, message):
    assert_refused(build_zip([("manifest.json", manifest)]), message)


def edit_course(**changes):
    def edit(manifest):
        manifest["course"].update(changes)

    return edit


def edit_first_section(function):
    def edit(manifest):
        function(manifest["course"]["sections"][0])

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (edit_course(pass_mark="75"), r"manifest.course.pass_mark must be an integer\."),
        (edit_course(shuffle_choices=1), r"manifest.course.shuffle_choices must be true or false"),
        (edit_course(max_attempts=True), "max_attempts must be an integer or null"),
        (edit_course(sections={}), r"manifest.course.sections must be a list\."),
        (edit_course(authors=["Ann"]), r"manifest.course.authors\[0\] must be an object"),
        (
            edit_first_section(lambda s: s.pop("title")),
            r"manifest.course.sections\[0\] is missing title\.",
        ),
        (
            edit_first_section(lambda s: s.update(video="x.mp4")),
            r"manifest.course.sections\[0\] has unknown keys: video\.",
        ),
        (
            edit_first_section(lambda s: s["audio"].update(size="4493")),
            r"sections\[0\].audio.size must be an integer\.",
        ),
        (
            edit_first_section(lambda s: s["audio"].update(duration=float("nan"))),
            "NaN is not a number",
        ),
        (
            edit_first_section(lambda s: s["questions"][0]["choices"][1].update(is_correct=True)),
            r"course.sections\[0\].questions\[0\].choices: A single-answer question needs "
            r"exactly one correct choice \(it has 2\)\.",
        ),
        (
            edit_first_section(lambda s: s["questions"][0].update(choices=[])),
            "A single-answer question needs at least two choices",
        ),
        (
            edit_first_section(lambda s: s["questions"][0].update(kind="essay")),
            r"questions\[0\]: kind: Value 'essay' is not a valid choice",
        ),
        (edit_course(pass_mark=150), "course: pass_mark: Ensure this value is less than or equal"),
        (edit_course(ce_hours="0.30"), "positive multiple of 0.25"),
        (edit_course(ce_hours="three"), "course.ce_hours 'three' is not a number"),
        (edit_course(ce_hours="NaN"), "course.ce_hours 'NaN' is not a number"),
        (edit_course(ce_hours=2.25), r"course.ce_hours must be a number in a string\."),
        (edit_course(level="expert"), "level: Value 'expert' is not a valid choice"),
        (edit_course(completion_months=0), "completion_months: Ensure this value is greater"),
        (edit_course(released_on="2025-02-30"), "course.released_on '2025-02-30' is not a date"),
        (edit_course(require_reading="no"), r"require_reading must be true or false\."),
        (edit_course(reading_share=500), "course: reading_share: Ensure this value is less"),
        (edit_course(reading_rate=10), "course: reading_rate: Ensure this value is greater"),
        (edit_course(min_minutes=0), "course: min_minutes: Ensure this value is greater"),
        (edit_course(min_minutes=1.5), "min_minutes must be an integer or null"),
        (
            edit_course(failed_result_reveals="answers"),
            "course: failed_result_reveals: Value 'answers' is not a valid choice",
        ),
        (
            edit_first_section(lambda s: s.update(questions_per_attempt=0)),
            r"sections\[0\]: questions_per_attempt: Ensure this value is greater",
        ),
        (
            edit_first_section(lambda s: s["references"][0].update(container_title="")),
            r"references\[0\]: container_title: A journal article needs its journal\.",
        ),
        (
            edit_first_section(lambda s: s.update(number=2)),
            r"course.sections\[1\]: Section with this Course and Number already exists",
        ),
        (
            edit_course(credits=[]),
            r"course.credits: Split the course's 2.25 CE hours into credit types\.",
        ),
        (
            lambda m: m["course"]["credits"][0].update(hours="2.00"),
            r"course.credits: The credit types add up to 3 hours, but the course is 2.25",
        ),
        (
            lambda m: m["course"]["credits"][0].update(hours="NaN"),
            r"course.credits\[0\].hours 'NaN' is not a number",
        ),
        (
            lambda m: m["course"]["approvals"][0].update(statement_template="For {hour} hours"),
            r"course.approvals\[0\]: statement_template: Unknown placeholder \{hour\}",
        ),
        (
            lambda m: m["course"]["approvals"][0].update(starts_on="2024-13-01"),
            r"course.approvals\[0\].starts_on '2024-13-01' is not a date",
        ),
        (
            lambda m: m["course"]["approvals"][0].update(ends_on=20281231),
            r"approvals\[0\].ends_on must be a date in a string or null\.",
        ),
        (
            lambda m: m["course"]["approvals"][1]["coverage"][0].update(profession="nursing"),
            r"approvals\[1\].coverage\[0\]: profession: Value 'nursing' is not a valid choice",
        ),
    ],
)
def test_manifest_failing_validation_is_refused(exported, assert_refused, edit, message):
    assert_refused(repack(exported, edit), message)


# New in version 3.
COURSE_RULES = ["completion_months", "released_on", "content_review_on", "require_reading"]
COURSE_RULES += ["reading_share", "reading_rate", "min_minutes", "failed_result_reveals"]


def as_version_2(manifest):
    """Version 2 had neither the course's rules for earning credit nor section pools."""
    manifest["version"] = 2
    for key in COURSE_RULES:
        del manifest["course"][key]
    for section in manifest["course"]["sections"]:
        del section["questions_per_attempt"]


def test_a_version_2_archive_is_still_read_with_the_defaults_for_the_rules(exported):
    course_import(archive=repack(exported, as_version_2), slug="old")

    course = models.Course.objects.get(slug="old")
    defaults = models.Course()
    assert {key: getattr(course, key) for key in COURSE_RULES} == {
        key: getattr(defaults, key) for key in COURSE_RULES
    }
    assert [s.questions_per_attempt for s in course.sections.all()] == [None, None, None]
    assert (course.title, course.pass_mark, course.max_attempts) == ("Boundaries & Power", 80, 3)
    assert course.credits.count() == 2


def test_a_version_2_archive_with_version_3_keys_is_refused(exported, assert_refused):
    def mislabelled(manifest):
        manifest["version"] = 2

    assert_refused(
        repack(exported, mislabelled),
        r"manifest.course has unknown keys: completion_months, released_on, .*\.",
    )


def test_a_version_1_archive_is_still_read(exported):
    """Version 1 had a board, number and statement per course and no credit split."""

    def as_version_1(manifest):
        as_version_2(manifest)
        manifest["version"] = 1
        course = manifest["course"]
        del course["credits"]
        course["approvals"] = [
            {"board": "BBS", "provider_number": "PCE 1", "statement": "Approved {sic} for 2.25."}
        ]

    course = course_import(archive=repack(exported, as_version_1), slug="old")

    (approval,) = course.approvals.all()
    assert (approval.body_name, approval.number, approval.scope) == ("BBS", "PCE 1", "provider")
    assert (approval.starts_on, approval.ends_on) == (timezone.localdate(), None)
    assert approval.statement(provider_name="X", hours=1, credits=[]) == "Approved {sic} for 2.25."
    assert sorted(approval.coverage.values_list("profession", "state")) == [
        ("counseling", ""),
        ("marriage_family_therapy", ""),
        ("psychology", ""),
        ("social_work", ""),
    ]
    assert [(c.credit_type.slug, c.hours) for c in course.credits.all()] == [
        ("general-clinical", Decimal("2.25"))
    ]


def test_a_shared_provider_approval_is_reused_and_a_course_approval_is_not(full_course, exported):
    copy = course_import(archive=exported, slug="copy")

    apa, aswb = full_course.approvals.all()
    copied_apa, copied_aswb = copy.approvals.all()
    assert copied_apa == apa  # the provider's one APA approval
    assert copied_aswb != aswb  # an individual course approval belongs to its course
    assert copied_aswb.number == aswb.number


def test_question_numbers_must_be_unique_in_the_course(exported, assert_refused):
    def clash(manifest):
        manifest["course"]["sections"][1]["questions"][0]["number"] = 1

    assert_refused(repack(exported, clash), "QUESTION 1 already exists in this course")


def test_audio_that_does_not_match_its_checksum_is_refused(exported, assert_refused):
    swapped = (DATA / "voice-opus.ogg").read_bytes()
    assert_refused(
        repack(exported, drop={"media/section-02.ogg"}, extra=[("media/section-02.ogg", swapped)]),
        r"sections\[1\].audio: section-02.ogg does not match its size and sha256 checksum",
    )


def test_audio_that_is_not_real_audio_is_refused_and_earlier_audio_removed(
    exported, assert_refused, settings
):
    """Section 1's audio is written to storage before section 2 fails; it must go again."""
    fake = b"<html>definitely not audio</html>" * 20

    def point_at_fake(manifest):
        audio = manifest["course"]["sections"][1]["audio"]
        audio.update(file="fake.ogg", size=len(fake), sha256=hashlib.sha256(fake).hexdigest())

    hostile = repack(
        exported, point_at_fake, drop={"media/section-02.ogg"}, extra=[("media/fake.ogg", fake)]
    )
    assert_refused(hostile, r"sections\[1\]: audio: This file is not MP3")


@pytest.mark.parametrize("name", ["../escape.mp3", "sub/dir.mp3", "section-01.exe", ".mp3"])
def test_audio_file_name_must_be_a_plain_audio_name(exported, assert_refused, name):
    def rename(manifest):
        manifest["course"]["sections"][0]["audio"]["file"] = name

    assert_refused(repack(exported, rename), "must be a plain file name ending in .mp3")


# Commands


def test_export_and_import_commands(full_course, tmp_path):
    target = tmp_path / "course.zip"
    out = io.StringIO()
    call_command("export_course", "boundaries-and-power", str(target), stdout=out)
    assert "Exported 'Boundaries & Power'" in out.getvalue()
    call_command("import_course", str(target), "--slug", "copy", stdout=out)
    assert "Imported 'Boundaries & Power' as 'copy' with 3 sections" in out.getvalue()
    assert models.Course.objects.get(slug="copy").sections.count() == 3


def test_import_command_turns_refusals_into_command_errors(full_course, tmp_path):
    target = tmp_path / "course.zip"
    call_command("export_course", "boundaries-and-power", str(target), stdout=io.StringIO())
    with pytest.raises(CommandError, match="was not imported: A course with the slug"):
        call_command("import_course", str(target))
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_course", str(tmp_path / "missing.zip"))


def test_export_command_needs_an_existing_course(db, tmp_path):
    with pytest.raises(CommandError, match="There is no course with the slug 'nope'"):
        call_command("export_course", "nope", str(tmp_path / "x.zip"))


def _nul_in(path):
    """An edit putting a NUL byte into the string at path (keys and list indexes)."""

    def edit(manifest):
        *parents, last = path
        target = manifest["course"]
        for key in parents:
            target = target[key]
        target[last] = f"A{chr(0)}B"

    return edit


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (["summary"], r"manifest.course.summary"),
        (["sections", 0, "body"], r"manifest.course.sections\[0\].body"),
        (["sections", 0, "questions", 0, "stem"], r"sections\[0\].questions\[0\].stem"),
        (
            ["sections", 0, "questions", 0, "choices", 1, "text"],
            r"questions\[0\].choices\[1\].text",
        ),
        (["sections", 0, "references", 0, "doi"], r"sections\[0\].references\[0\].doi"),
        (["approvals", 0, "body_name"], r"manifest.course.approvals\[0\].body_name"),
        (["credits", 0, "credit_type"], r"manifest.course.credits\[0\].credit_type"),
        (["authors", 0, "name"], r"manifest.course.authors\[0\].name"),
        (["evaluation_items", 0, "text"], r"manifest.course.evaluation_items\[0\].text"),
    ],
)
def test_a_nul_byte_anywhere_in_the_manifest_is_refused_naming_where(
    exported, assert_refused, path, where
):
    """PostgreSQL refuses NUL in text; the import said so with a database traceback."""
    assert_refused(repack(exported, _nul_in(path)), rf"{where} contains a NUL character\.")
