"""Course archives: a whole course as one zip, to move it between instances.

Like a Moodle backup or an Open edX course export. The zip holds:

    manifest.json     {"format": FORMAT, "version": VERSION, "course": {...}}
    media/<file>      one member per section audio track, named in the manifest

Lists in the manifest are in display order; positions are not stored. The course's
content and rules are carried, not the site's state (published or retired, timestamps):
an import is always a draft.

Versions 1 and 2 are still read. A version 2 archive has no rules for earning credit
(completion deadline, release and content-review dates, reading rules, minimum time,
what a failed result shows) and no questions per attempt: these take the models'
defaults. A version 1 archive states each approval as only a board, number and
statement, and has no credit split: each approval is taken the way migration 0007 took
the old rows (the statement word for word, a period from the day of import with no end
date, every profession covered) and all the hours are general/clinical.

An import trusts nothing in the zip. Every member name, size and type is checked
before anything is read, reads are capped, the manifest is checked key by key and
then by the models' own validation, and audio must match its checksum. The import
is one transaction, and audio files already written to storage are deleted again
if it fails, so a refused archive leaves nothing behind.
"""

import hashlib
import io
import json
import math
import os
import re
import stat
import unicodedata
import zipfile
import zlib
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from courses.models import (
    Approval,
    ApprovalCoverage,
    ApprovalScope,
    Author,
    Choice,
    Course,
    CourseApproval,
    CourseCredit,
    CreditType,
    EvaluationItem,
    Profession,
    Question,
    Reference,
    Section,
    credit_split_problem,
    validate_choice_set,
)

FORMAT = "ceapp-course-archive"
VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
MANIFEST_NAME = "manifest.json"
MEDIA_DIR = "media/"

# Limits for archives we read. A real course is far below all of them.
MAX_MEMBERS = 1000
MAX_MANIFEST_BYTES = 5 * 1024 * 1024
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # a zip bomb inflates far more than text or audio does

GENERAL_CREDIT_TYPE = "general-clinical"  # created by migration 0007

AUDIO_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.(mp3|m4a|ogg)")


def _strings(names):
    return dict.fromkeys(names.split(), str)


def _without(spec, keys):
    return {key: sub for key, sub in spec.items() if key not in keys}


# The manifest's shape, checked by _check(): a dict is an object with exactly these
# keys, [spec] a list of spec, a tuple a choice between specs (None allows null).
# Decimal and date are JSON strings holding one.
AUTHOR = _strings("name credentials bio conflict_of_interest")
APPROVAL_V1 = _strings("board provider_number statement")
COVERAGE = _strings("profession state")
APPROVAL = {
    **_strings("body_name body_abbreviation number scope"),
    "starts_on": date,
    "ends_on": (date, None),
    "statement_template": str,
    "is_sample": bool,
    "coverage": [COVERAGE],
}
CREDIT = {"credit_type": str, "credit_type_name": str, "hours": Decimal}
EVALUATION_ITEM = {"text": str}
AUDIO = {"file": str, "sha256": str, "size": int, "duration": (float, int, None)}
REFERENCE = {
    **_strings("kind authors"),
    "year": int,
    **_strings("date_detail title container_title volume issue pages edition publisher doi url"),
}
CHOICE = {"text": str, "is_correct": bool}
QUESTION = {
    "number": int,
    **_strings("stem kind explanation"),
    "is_retired": bool,
    "choices": [CHOICE],
}
SECTION = {
    "number": int,
    **_strings("title body"),
    "reviewed_year": (int, None),
    "questions_per_attempt": (int, None),
    "audio": (AUDIO, None),
    "references": [REFERENCE],
    "questions": [QUESTION],
}
COURSE_RULES = {  # new in version 3
    "completion_months": int,
    "released_on": (date, None),
    "content_review_on": (date, None),
    "require_reading": bool,
    "reading_share": int,
    "reading_rate": int,
    "min_minutes": (int, None),
    "failed_result_reveals": str,
}
COURSE = {
    **_strings("title slug summary learning_objectives"),
    "ce_hours": Decimal,
    "level": str,
    "pass_mark": int,
    "max_attempts": (int, None),
    "shuffle_choices": bool,
    **COURSE_RULES,
    "authors": [AUTHOR],
    "approvals": [APPROVAL],
    "credits": [CREDIT],
    "evaluation_items": [EVALUATION_ITEM],
    "sections": [SECTION],
}
MANIFEST = {"format": str, "version": int, "course": COURSE}
COURSE_V2 = {
    **_without(COURSE, COURSE_RULES),
    "sections": [_without(SECTION, ["questions_per_attempt"])],
}
COURSE_V1 = {**_without(COURSE_V2, ["credits"]), "approvals": [APPROVAL_V1]}
MANIFESTS = {
    1: {**MANIFEST, "course": COURSE_V1},
    2: {**MANIFEST, "course": COURSE_V2},
    3: MANIFEST,
}


class ArchiveError(Exception):
    """A course archive was refused; the message tells the person importing it why."""


# Export


def course_export(*, course: Course, file: BinaryIO | None = None) -> bytes | None:
    """Write the course archive to `file`, or return it as bytes when no file is given.

    The same course always gives the same bytes: member dates are fixed.
    """
    if file is None:
        buffer = io.BytesIO()
        course_export(course=course, file=buffer)
        return buffer.getvalue()
    sections = course.sections.prefetch_related("references", "questions__choices")
    with zipfile.ZipFile(file, "w") as zf:
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "course": {
                **_pick(course, COURSE),
                "authors": [_pick(a, AUTHOR) for a in course.authors.order_by("name", "id")],
                "approvals": [
                    {
                        **_pick(a, APPROVAL),
                        "coverage": [_pick(c, COVERAGE) for c in a.coverage.all()],
                    }
                    for a in course.approvals.prefetch_related("coverage")
                ],
                "credits": [
                    {
                        "credit_type": credit.credit_type.slug,
                        "credit_type_name": credit.credit_type.name,
                        "hours": str(credit.hours),
                    }
                    for credit in course.credits.select_related("credit_type")
                ],
                "evaluation_items": [
                    _pick(item, EVALUATION_ITEM) for item in course.evaluation_items.all()
                ],
                "sections": [_export_section(zf, section) for section in sections],
            },
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        zf.writestr(_entry(MANIFEST_NAME, zipfile.ZIP_DEFLATED), text)
    return None


def _export_section(zf, section):
    audio = None
    if section.audio:
        suffix = PurePosixPath(section.audio.name).suffix.lower()
        # A stable name, so exporting an imported course gives the same manifest.
        name = f"section-{section.number:02d}{suffix}"
        digest, size = hashlib.sha256(), 0
        # Audio is compressed already, so it is stored as is.
        with section.audio.open("rb") as src, zf.open(_entry(MEDIA_DIR + name), "w") as dst:
            while chunk := src.read(1024 * 1024):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
        audio = {
            "file": name,
            "sha256": digest.hexdigest(),
            "size": size,
            "duration": section.audio_duration,
        }
    return {
        **_pick(section, SECTION),
        "audio": audio,
        "references": [_pick(r, REFERENCE) for r in section.references.all()],
        "questions": [
            {**_pick(q, QUESTION), "choices": [_pick(c, CHOICE) for c in q.choices.all()]}
            for q in section.questions.all()
        ],
    }


def _entry(name, compress_type=zipfile.ZIP_STORED):
    entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    entry.compress_type = compress_type
    return entry


def _plain_keys(spec):
    """The keys of a manifest object that are single values, not nested lists or objects."""
    return [
        key
        for key, sub in spec.items()
        if isinstance(sub, type)
        or (isinstance(sub, tuple) and all(s is None or isinstance(s, type) for s in sub))
    ]


def _pick(obj, spec):
    return {key: _as_json(getattr(obj, key)) for key in _plain_keys(spec)}


def _as_json(value):
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


# Import


@transaction.atomic
def course_import(
    *, archive: str | os.PathLike | BinaryIO | bytes, slug: str | None = None
) -> Course:
    """Create a new, unpublished course from an archive (a path, file object or bytes).

    Authors are matched by name and credentials, or created. Raises ArchiveError.
    """
    saved = []  # storage names of audio written so far, deleted again on failure
    try:
        with _open_zip(archive) as zf:
            members = _checked_members(zf)
            manifest = _read_manifest(zf, members)
            audio_members = _audio_members(members, manifest["course"]["sections"])
            return _create_course(zf, audio_members, manifest["course"], slug, saved)
    except BaseException:
        for name in saved:
            Section.audio.field.storage.delete(name)
        raise


def _open_zip(archive):
    if isinstance(archive, (bytes, bytearray)):
        archive = io.BytesIO(archive)
    try:
        return zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise ArchiveError(
            "This is not a course archive: the file is not a readable zip "
            "(it may be truncated or damaged)."
        ) from None
    except OSError as exc:
        raise ArchiveError(f"Cannot read the archive: {exc.strerror or exc}.") from None


def _checked_members(zf):
    """Refuse the whole archive on any unsafe member; return the files by name."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ArchiveError(f"The archive has {len(infos)} members; the limit is {MAX_MEMBERS}.")
    members, total = {}, 0
    for info in infos:
        name = info.filename
        if not _is_safe_name(name):
            raise ArchiveError(
                f"Refused member {name!r}: member paths must be relative and stay "
                "inside the archive."
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ArchiveError(f"Refused member {name!r}: symbolic links are not allowed.")
        if name in members:
            raise ArchiveError(f"Refused member {name!r}: it appears twice in the archive.")
        if info.flag_bits & 0x1:
            raise ArchiveError(f"Refused member {name!r}: encrypted members are not supported.")
        if info.is_dir():
            continue
        if info.file_size > MAX_MEMBER_BYTES:
            raise ArchiveError(
                f"Refused member {name!r}: it is {info.file_size} bytes; "
                f"the limit is {MAX_MEMBER_BYTES}."
            )
        if info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise ArchiveError(
                f"Refused member {name!r}: it expands more than {MAX_COMPRESSION_RATIO} "
                "times (a zip bomb?)."
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ArchiveError(f"The archive expands to more than {MAX_TOTAL_BYTES} bytes.")
        if name != MANIFEST_NAME and not name.startswith(MEDIA_DIR):
            raise ArchiveError(f"Refused member {name!r}: a course archive has no such member.")
        members[name] = info
    return members


def _is_safe_name(name):
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    if re.match(r"[A-Za-z]:", name):  # a Windows drive
        return False
    parts = name.rstrip("/").split("/")
    return all(part not in {"", ".", ".."} for part in parts)


def _read_member(zf, info, limit):
    """The member's bytes, reading at most `limit` of them whatever its header says."""
    try:
        with zf.open(info) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ArchiveError(f"Member {info.filename!r} is damaged or truncated ({exc}).") from None
    except (NotImplementedError, RuntimeError) as exc:
        raise ArchiveError(f"Member {info.filename!r} cannot be read ({exc}).") from None
    if len(data) > limit:
        raise ArchiveError(f"Refused member {info.filename!r}: it is larger than {limit} bytes.")
    return data


def _read_manifest(zf, members):
    info = members.get(MANIFEST_NAME)
    if info is None:
        raise ArchiveError(f"This is not a course archive: it has no {MANIFEST_NAME}.")
    if info.file_size > MAX_MANIFEST_BYTES:
        raise ArchiveError(
            f"{MANIFEST_NAME} is {info.file_size} bytes; the limit is {MAX_MANIFEST_BYTES}."
        )
    raw = _read_member(zf, info, MAX_MANIFEST_BYTES)
    try:
        manifest = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise ArchiveError(f"{MANIFEST_NAME} is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise ArchiveError(
            f"{MANIFEST_NAME} is not valid JSON (line {exc.lineno}: {exc.msg})."
        ) from None
    except (ValueError, RecursionError) as exc:
        raise ArchiveError(f"{MANIFEST_NAME} is not valid JSON ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"This is not a course archive: {MANIFEST_NAME} is not a {FORMAT}.")
    if "version" not in manifest:
        raise ArchiveError(f"{MANIFEST_NAME} does not say which format version it uses.")
    version = manifest["version"]
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise ArchiveError(
            f"Unsupported archive version {version!r}; this site reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))}."
        )
    manifest = _check(manifest, MANIFESTS[version], "manifest")
    if version == 1:
        manifest["course"] = _course_from_v1(manifest["course"])
    return manifest


def _course_from_v1(course):
    """A version 1 course as version 2 states it (see the module's docstring)."""
    return {
        **course,
        "approvals": [
            {
                "body_name": old["board"],
                "body_abbreviation": "",
                "number": old["provider_number"],
                "scope": ApprovalScope.PROVIDER,
                "starts_on": timezone.localdate(),
                "ends_on": None,
                "statement_template": old["statement"].replace("{", "{{").replace("}", "}}"),
                "is_sample": False,
                "coverage": [{"profession": p, "state": ""} for p in Profession.values],
            }
            for old in course["approvals"]
        ],
        "credits": [
            {
                "credit_type": GENERAL_CREDIT_TYPE,
                "credit_type_name": "general/clinical",
                "hours": course["ce_hours"],
            }
        ],
    }


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number")


TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    Decimal: "a number in a string",
    date: "a date in a string",
}


def _check(value, spec, where):
    """The value, checked against spec, with its decimals and dates parsed."""
    if isinstance(spec, tuple):
        if value is None and None in spec:
            return None
        options = [s for s in spec if s is not None]
        if all(isinstance(s, type) for s in options):
            if any(_is_type(value, s) for s in options):
                return _parsed(value, options[0], where)
            names = " or ".join(TYPE_NAMES[s] for s in options)
            raise ArchiveError(f"{where} must be {names}{' or null' if None in spec else ''}.")
        spec = options[0]
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise ArchiveError(f"{where} must be an object.")
        if missing := [key for key in spec if key not in value]:
            raise ArchiveError(f"{where} is missing {', '.join(missing)}.")
        if unknown := [key for key in value if key not in spec]:
            raise ArchiveError(f"{where} has unknown keys: {', '.join(map(str, unknown))}.")
        return {key: _check(value[key], sub, f"{where}.{key}") for key, sub in spec.items()}
    if isinstance(spec, list):
        if not isinstance(value, list):
            raise ArchiveError(f"{where} must be a list.")
        return [_check(item, spec[0], f"{where}[{index}]") for index, item in enumerate(value)]
    if not _is_type(value, spec):
        raise ArchiveError(f"{where} must be {TYPE_NAMES[spec]}.")
    return _parsed(value, spec, where)


def _is_type(value, kind):
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, float) and math.isfinite(value)
    return isinstance(value, str if kind in (Decimal, date) else kind)


def _parsed(value, kind, where):
    # PostgreSQL refuses NUL in any text; say where, not with a database traceback.
    if isinstance(value, str) and "\x00" in value:
        raise ArchiveError(f"{where} contains a NUL character.")
    if kind is Decimal:
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ArchiveError(f"{where} {value!r} is not a number.")
        return number
    if kind is date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ArchiveError(f"{where} {value!r} is not a date (YYYY-MM-DD).") from None
    return value


def _audio_members(members, sections):
    """Match each section's audio to its member; every other member is refused."""
    found, names = {}, set()
    for i, section in enumerate(sections):
        audio, where = section["audio"], f"course.sections[{i}].audio"
        if audio is None:
            continue
        name = audio["file"]
        if not AUDIO_FILE_NAME.fullmatch(name):
            raise ArchiveError(
                f"{where}.file {name!r} must be a plain file name ending in .mp3, .m4a or .ogg."
            )
        if MEDIA_DIR + name not in members:
            raise ArchiveError(f"{where}: the archive has no member {MEDIA_DIR + name!r}.")
        if name in names:
            raise ArchiveError(f"{where}.file {name!r} is used by two sections.")
        names.add(name)
        found[i] = {**audio, "info": members[MEDIA_DIR + name]}
    used = {MANIFEST_NAME, *(MEDIA_DIR + name for name in names)}
    if unused := sorted(set(members) - used):
        raise ArchiveError(f"Refused member {unused[0]!r}: the manifest does not use it.")
    return found


def _create_course(zf, audio_members, data, slug, saved):
    slug = slug or data["slug"]
    if Course.objects.filter(slug=slug).exists():
        raise ArchiveError(
            f"A course with the slug {slug!r} already exists. "
            "Import it under another slug (--slug NEW)."
        )
    course = Course(**{**_fields(data, COURSE), "slug": slug}, is_published=False)
    _save(course, "course")
    course.authors.set([_author(a, f"course.authors[{i}]") for i, a in enumerate(data["authors"])])
    for i, item in enumerate(data["approvals"]):
        where = f"course.approvals[{i}]"
        _save(CourseApproval(course=course, approval=_approval(item, i, where)), where)
    parts = [
        _credit(course, item, f"course.credits[{i}]") for i, item in enumerate(data["credits"])
    ]
    if problem := credit_split_problem(course.ce_hours, [credit.hours for credit in parts]):
        raise ArchiveError(f"course.credits: {problem}")
    for i, item in enumerate(data["evaluation_items"]):
        _save(EvaluationItem(course=course, position=i, **item), f"course.evaluation_items[{i}]")
    for i, item in enumerate(data["sections"]):
        where = f"course.sections[{i}]"
        section = Section(course=course, **_fields(item, SECTION))
        if i in audio_members:
            audio = audio_members[i]
            section.audio = ContentFile(_audio_bytes(zf, audio, where), audio["file"])
        # Saving reads the duration from the audio itself (see Section.save).
        _save(section, where)
        if section.audio:
            saved.append(section.audio.name)
        for j, ref in enumerate(item["references"]):
            _save(Reference(section=section, position=j, **ref), f"{where}.references[{j}]")
        for j, question in enumerate(item["questions"]):
            _question(section, question, f"{where}.questions[{j}]")
    return course


def _fields(data, spec):
    # A key that an older version lacks is left to the model's default.
    return {key: data[key] for key in _plain_keys(spec) if key in data}


def _approval(data, position, where):
    """The same provider approval is shared by every course offered under it, so an
    identical one is reused; a course approval always belongs to the new course."""
    fields = _fields(data, APPROVAL)
    if data["scope"] == ApprovalScope.PROVIDER:
        found = Approval.objects.filter(**fields).first()
        if found is not None:
            return found
    approval = Approval(position=position, **fields)
    _save(approval, where)
    for j, row in enumerate(data["coverage"]):
        _save(ApprovalCoverage(approval=approval, **row), f"{where}.coverage[{j}]")
    return approval


def _credit(course, data, where):
    credit_type = CreditType.objects.filter(slug=data["credit_type"]).first()
    if credit_type is None:
        credit_type = CreditType(slug=data["credit_type"], name=data["credit_type_name"])
        _save(credit_type, f"{where}.credit_type")
    credit = CourseCredit(course=course, credit_type=credit_type, hours=data["hours"])
    _save(credit, where)
    return credit


def _author(data, where):
    # Matched as Author.clean() stores it, composed (NFC), so "ễ" typed as "e" and two
    # combining marks finds the existing author instead of making a second one.
    data = {
        k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v for k, v in data.items()
    }
    author = Author.objects.filter(name=data["name"], credentials=data["credentials"]).first()
    if author is None:
        author = Author(**data)
        _save(author, where)
    return author


def _question(section, data, where):
    try:
        validate_choice_set(data["kind"], [(c["text"], c["is_correct"]) for c in data["choices"]])
    except ValidationError as exc:
        raise ArchiveError(f"{where}.choices: {' '.join(exc.messages)}") from None
    question = Question(section=section, **_fields(data, QUESTION))
    _save(question, where)
    for k, choice in enumerate(data["choices"]):
        _save(Choice(question=question, position=k, **choice), f"{where}.choices[{k}]")


def _audio_bytes(zf, audio, where):
    data = _read_member(zf, audio["info"], MAX_MEMBER_BYTES)
    if len(data) != audio["size"] or hashlib.sha256(data).hexdigest() != audio["sha256"]:
        raise ArchiveError(
            f"{where}.audio: {audio['file']} does not match its size and sha256 checksum "
            "(the archive is damaged or was altered)."
        )
    return data


def _save(obj, where):
    """Validate with the model's own rules, then save; errors name where they are."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ArchiveError(f"{where}: {_describe(exc)}") from None
    obj.save()


def _describe(exc):
    if hasattr(exc, "error_dict"):
        return " ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)
