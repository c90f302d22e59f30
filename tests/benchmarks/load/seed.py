"""Fast bulk seeder for the load benchmark and the spike (PostgreSQL COPY).

Builds a data set of published courses, learners in every stage of a course, graded
answers, certificates and ready-made login sessions, with one COPY per table. Rows get
explicit ids (counted on from the table's current maximum, so it also works on a
database that already has data) and the identity sequences are reset afterwards.
Foreign-key triggers are switched off while copying (session_replication_role =
replica, which needs a superuser): the seeder writes consistent data itself, and the
checks would otherwise queue millions of deferred trigger events.

Every learner follows one of four shapes, chosen by their number (i % 4):

0. credited: two completed courses (graded attempt with 20 answers, evaluation with
   ratings, certificate and its event) and a third course with an answer booklet in
   progress, half answered;
1. testing: one course read through, its booklet in progress, half answered;
2. reading: one course, half of its sections read;
3. registered, nothing else.

So the large set (100,000 learners) has 50,000 certificates and 1,000,000 graded
answers, and every learner the load uses has the same amount of data in both sizes.
On top of that, `submitters` learners each hold a fresh attempt with no answers yet:
the submit-and-grade row and the spike grade each of them exactly once.
"""

import datetime as dt
import json
import random
import time
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from courses.markdown import render_markdown
from courses.models import (
    PROFESSION_OF,
    Answer,
    Approval,
    ApprovalCoverage,
    ApprovalScope,
    Attempt,
    Author,
    Certificate,
    CertificateEvent,
    Choice,
    Course,
    CourseApproval,
    CourseCredit,
    CreditType,
    Enrollment,
    EvaluationItem,
    EvaluationRating,
    EvaluationResponse,
    License,
    Profession,
    ProviderSettings,
    Question,
    Reference,
    Section,
    SectionRead,
)
from courses.models.content import count_words
from courses.services.certificates import CODE_ALPHABET
from courses.services.evaluation import evaluation_default_texts

SECTIONS = 10
QUESTIONS = 20  # per course, two per section
CHOICES = 4
REFERENCES = 2  # per section
PASSWORD = "load-test-password"  # noqa: S105 - benchmark accounts only
SESSION_DAYS = 14


@dataclass(frozen=True)
class Size:
    name: str
    courses: int
    learners: int


SIZES = {
    "small": Size("small", courses=10, learners=100),
    "large": Size("large", courses=200, learners=100_000),
}


@dataclass
class Seeded:
    """What the load needs to know about the seeded data, and what was made."""

    size: str
    # (session key, course slug, section number): learners reading a course
    sections: list = field(default_factory=list)
    # (session key, course slug, attempt id, [(question id, correct choice id)])
    booklets: list = field(default_factory=list)
    # session keys of credited learners (certificates and a booklet in progress)
    transcripts: list = field(default_factory=list)
    # (session key, certificate code) owned by that learner
    certificates: list = field(default_factory=list)
    codes: list = field(default_factory=list)  # certificate codes for verification
    # (user id, session key, course slug, attempt id, [(question id, correct choice id)])
    submitters: list = field(default_factory=list)
    staff_session: str = ""
    counts: dict = field(default_factory=dict)
    seconds: float = 0.0


# --- COPY plumbing -------------------------------------------------------------------


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def _columns(model, columns):
    """The table and its columns, checked against the model so a new field fails loudly."""
    expected = {f.column for f in model._meta.concrete_fields}
    if set(columns) != expected:
        raise RuntimeError(
            f"seed columns for {model._meta.db_table} differ from the model: "
            f"missing {sorted(expected - set(columns))}, unknown {sorted(set(columns) - expected)}"
        )
    return model._meta.db_table, columns


def _copy(cursor, model, columns, lines, counts):
    """COPY pre-formatted lines (tab separated, already escaped) into the model's table."""
    table, columns = _columns(model, columns)
    n = 0
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)  # "primary"
    with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        chunk = []
        for line in lines:
            chunk.append(line)
            if len(chunk) == 5000:
                copy.write("\n".join(chunk) + "\n")
                n += len(chunk)
                chunk.clear()
        if chunk:
            copy.write("\n".join(chunk) + "\n")
            n += len(chunk)
    counts[table] = counts.get(table, 0) + n


def _row(*values) -> str:
    return "\t".join(_text(v) for v in values)


def _first_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
        return cursor.fetchone()[0]


# --- content -------------------------------------------------------------------------

APA_STATEMENT = (
    "{provider_name} is approved by the American Psychological Association to sponsor "
    "continuing education for psychologists. {provider_name} maintains responsibility for "
    "this program and its content."
)

BODY = """Clinicians meet this topic every week. This section sets out what the research says,
where it is still thin, and what it means for everyday practice.

## Key points

- **Assessment** comes first: ask, listen, and write down what you heard.
- *Formulation* links the history to the present problem.
- Review the plan with the client at every session.

Most studies in this area use small samples, so read effect sizes with care. The
references below are a good place to start; the questions check the main ideas.

> Good practice is less about knowing everything than about knowing where to look.

A short case illustrates the steps: a client arrives after a referral, the clinician
takes a history, agrees goals and reviews them after six sessions. Each step is
documented, and each decision can be explained to a colleague or a licensing board.
"""


def _code(rng: random.Random, used: set) -> str:
    while True:
        raw = "".join(rng.choice(CODE_ALPHABET) for _ in range(12))
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        if code not in used:
            used.add(code)
            return code


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat()


def seed(size: Size, *, submitters: int = 0, pool: int = 1000, quiet: bool = False) -> Seeded:
    """Seed `size` plus `submitters` fresh attempts; sessions for up to `pool` per shape."""
    started = time.perf_counter()
    rng = random.Random(20260101)
    now = timezone.now().replace(microsecond=0)
    counts: dict = {}
    result = Seeded(size=size.name)
    used_codes = set(Certificate.objects.values_list("code", flat=True))

    def say(message):
        if not quiet:
            print(f"  [{time.perf_counter() - started:6.1f}s] {message}", flush=True)

    ids = {
        model: _first_id(model)
        for model in (
            get_user_model(),
            License,
            EmailAddress,
            Author,
            Course,
            CourseApproval,
            CourseCredit,
            Section,
            Reference,
            Question,
            Choice,
            EvaluationItem,
            Enrollment,
            SectionRead,
            Attempt,
            Answer,
            EvaluationResponse,
            EvaluationRating,
            Certificate,
            CertificateEvent,
        )
    }
    through = Course.authors.through
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {through._meta.db_table}")  # noqa: S608
        through_first = cursor.fetchone()[0]

    provider = ProviderSettings.load()
    if not provider.administrator_name:
        provider.administrator_name = "Dana Whitfield, PhD"
        provider.save()

    # One provider approval for every course, covering psychologists everywhere.
    approval = Approval.objects.create(
        body_name="American Psychological Association",
        body_abbreviation="APA",
        scope=ApprovalScope.PROVIDER,
        starts_on=dt.date(2000, 1, 1),
        ends_on=dt.date(2099, 12, 31),
        statement_template=APA_STATEMENT,
    )
    ApprovalCoverage.objects.create(approval=approval, profession=Profession.PSYCHOLOGY)
    general, _ = CreditType.objects.get_or_create(
        slug="general-clinical", defaults={"name": "general/clinical"}
    )

    # --- courses ---------------------------------------------------------------------
    body_html = render_markdown(BODY)
    objectives = "\n".join(
        [
            "Describe three steps of a structured assessment.",
            "Explain how a formulation guides treatment.",
            "Identify two limits of the research base.",
        ]
    )
    tag = get_random_string(6, "abcdefghijklmnopqrstuvwxyz0123456789")
    C = size.courses
    course_ids = [ids[Course] + c for c in range(C)]
    slugs = [f"load-{tag}-course-{c + 1}" for c in range(C)]
    titles = [f"Clinical Practice Topic {c + 1}: Assessment and Formulation" for c in range(C)]
    author_ids = [ids[Author] + a for a in range(2)]
    section_ids = {}  # (course index, number) -> id
    # per course: [(question id, correct choice id)], and question id -> the question
    # as a booklet record shows it
    keys: list[list[tuple[int, int]]] = []
    asked: dict[int, dict] = {}
    choice_ids: dict[int, list[int]] = {}
    eval_items: list[list[tuple[int, str]]] = []

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        _copy(
            cursor,
            Author,
            ["id", "name", "credentials", "bio", "conflict_of_interest"],
            [
                _row(author_ids[0], "Morgan Ellis", "PhD", "Clinical psychologist.", "None."),
                _row(author_ids[1], "Riley Chen", "LCSW", "Clinical social worker.", "None."),
            ],
            counts,
        )
        _copy(
            cursor,
            Course,
            [
                "id",
                "title",
                "slug",
                "summary",
                "learning_objectives",
                "ce_hours",
                "level",
                "pass_mark",
                "max_attempts",
                "shuffle_choices",
                "is_published",
                "is_retired",
                "completion_months",
                "released_on",
                "content_review_on",
                "require_reading",
                "reading_share",
                "reading_rate",
                "min_minutes",
                "failed_result_reveals",
                "content_version",
                "created_at",
                "updated_at",
            ],
            (
                _row(
                    course_ids[c],
                    titles[c],
                    slugs[c],
                    "A home-study course on structured assessment and case formulation.",
                    objectives,
                    "3.00",
                    "intermediate",
                    75,
                    None,
                    False,
                    True,
                    False,
                    12,
                    None,
                    None,
                    True,  # the learners below have read what they submit
                    50,
                    200,
                    None,
                    "items",
                    1,
                    _stamp(now),
                    _stamp(now),
                )
                for c in range(C)
            ),
            counts,
        )
        _copy(
            cursor,
            through,
            ["id", "course_id", "author_id"],
            (
                _row(through_first + 2 * c + a, course_ids[c], author_ids[a])
                for c in range(C)
                for a in range(2)
            ),
            counts,
        )
        _copy(
            cursor,
            CourseApproval,
            ["id", "course_id", "approval_id"],
            (_row(ids[CourseApproval] + c, course_ids[c], approval.pk) for c in range(C)),
            counts,
        )
        _copy(
            cursor,
            CourseCredit,
            ["id", "course_id", "credit_type_id", "hours"],
            (_row(ids[CourseCredit] + c, course_ids[c], general.pk, "3.00") for c in range(C)),
            counts,
        )
        section_lines = []
        words = count_words(BODY)
        for c in range(C):
            for s in range(SECTIONS):
                section_ids[(c, s + 1)] = ids[Section] + c * SECTIONS + s
                section_lines.append(
                    _row(
                        section_ids[(c, s + 1)],
                        course_ids[c],
                        s + 1,
                        f"Part {s + 1}: Working with the evidence",
                        BODY,
                        body_html,
                        "",
                        None,
                        2025,
                        words,
                        None,
                        None,
                    )
                )
        _copy(
            cursor,
            Section,
            [
                "id",
                "course_id",
                "number",
                "title",
                "body",
                "body_html",
                "audio",
                "audio_duration",
                "reviewed_year",
                "word_count",
                "questions_per_attempt",
                "added_at",
            ],
            section_lines,
            counts,
        )
        _copy(
            cursor,
            Reference,
            [
                "id",
                "section_id",
                "kind",
                "position",
                "authors",
                "year",
                "date_detail",
                "title",
                "container_title",
                "volume",
                "issue",
                "pages",
                "edition",
                "publisher",
                "doi",
                "url",
            ],
            (
                _row(
                    ids[Reference] + (sid - ids[Section]) * REFERENCES + r,
                    sid,
                    "journal" if r else "book",
                    r,
                    "Kivlighan, D. M., Jr., & Hilsenroth, M. J.",
                    2019 + r,
                    "",
                    "Structured assessment in outpatient practice",
                    "Journal of Clinical Practice" if r else "",
                    "12" if r else "",
                    "3" if r else "",
                    "101-118" if r else "",
                    "" if r else "2nd ed.",
                    "" if r else "Guilford Press",
                    f"10.1037/load.{sid}.{r}" if r else "",
                    "",
                )
                for sid in section_ids.values()
                for r in range(REFERENCES)
            ),
            counts,
        )
        question_lines, choice_lines = [], []
        qid, cid = ids[Question], ids[Choice]
        for c in range(C):
            key = []
            for number in range(1, QUESTIONS + 1):
                section_number = (number - 1) // (QUESTIONS // SECTIONS) + 1
                stem = f"Which step comes first in a structured assessment (item {number})?"
                explanation = "The assessment starts by asking and listening."
                question_lines.append(
                    _row(
                        qid,
                        section_ids[(c, section_number)],
                        number,
                        stem,
                        "single",
                        explanation,
                        False,
                    )
                )
                correct_position = number % CHOICES
                choices = []
                for p in range(CHOICES):
                    text = (
                        f"Option {p + 1}: take a history first"
                        if p == correct_position
                        else (f"Option {p + 1}: start the intervention")
                    )
                    choice_lines.append(_row(cid, qid, p, text, p == correct_position))
                    choices.append({"id": cid, "text": text, "is_correct": p == correct_position})
                    cid += 1
                key.append((qid, choices[correct_position]["id"]))
                choice_ids[qid] = [choice["id"] for choice in choices]
                asked[qid] = {
                    "question_id": qid,
                    "number": number,
                    "section_number": section_number,
                    "section_title": f"Part {section_number}: Working with the evidence",
                    "stem": stem,
                    "kind": "single",
                    "explanation": explanation,
                    "choices": choices,
                }
                qid += 1
            keys.append(key)
        _copy(
            cursor,
            Question,
            ["id", "section_id", "number", "stem", "kind", "explanation", "is_retired"],
            question_lines,
            counts,
        )
        _copy(
            cursor,
            Choice,
            ["id", "question_id", "position", "text", "is_correct"],
            choice_lines,
            counts,
        )
        texts = evaluation_default_texts(Course(learning_objectives=objectives))
        item_lines = []
        for c in range(C):
            items = []
            for position, text in enumerate(texts):
                item_id = ids[EvaluationItem] + c * len(texts) + position
                items.append((item_id, text))
                item_lines.append(_row(item_id, course_ids[c], position, text))
            eval_items.append(items)
        _copy(cursor, EvaluationItem, ["id", "course_id", "position", "text"], item_lines, counts)
    say(f"{C} courses, {C * SECTIONS} sections, {C * QUESTIONS} questions")

    # --- learners and what they did --------------------------------------------------
    User = get_user_model()
    password = make_password(PASSWORD)
    L, S = size.learners, submitters
    first_user = ids[User]
    licenses = ["psychologist", "lcsw", "lpc", "lmft"]
    states = ["CA", "NY", "TX", "FL", "IL", "WA", "MA", "OH"]

    def user_line(uid, n, prefix, staff=False):
        return _row(
            uid,
            password,
            None,
            staff,
            staff,
            True,
            _stamp(now - dt.timedelta(days=800)),
            f"{prefix}{n}-{tag}@example.org",
            f"{prefix.title()} {n}",
        )

    def license_line(uid, n):
        kind = licenses[n % 4]
        return _row(
            ids[License] + uid - first_user,
            uid,
            kind,
            "",
            PROFESSION_OF[kind],
            states[n % len(states)],
            f"LIC-{n:07d}",
            None,
            _stamp(now - dt.timedelta(days=800)),
        )

    staff_id = first_user + L + S
    user_columns = [
        "id",
        "password",
        "last_login",
        "is_superuser",
        "is_staff",
        "is_active",
        "date_joined",
        "email",
        "full_name",
    ]
    license_columns = [
        "id",
        "holder_id",
        "license_type",
        "other_type",
        "profession",
        "state",
        "number",
        "renews_on",
        "created_at",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        _copy(
            cursor,
            User,
            user_columns,
            [user_line(first_user + i, i, "learner") for i in range(L)]
            + [user_line(first_user + L + j, j, "submitter") for j in range(S)]
            + [user_line(staff_id, 0, "staff", staff=True)],
            counts,
        )
        _copy(
            cursor,
            License,
            license_columns,
            [license_line(first_user + i, i) for i in range(L)]
            + [license_line(first_user + L + j, j) for j in range(S)],
            counts,
        )
        # Every seeded address is verified, as after the sign-up link (allauth's row).
        _copy(
            cursor,
            EmailAddress,
            ["id", "user_id", "email", "verified", "primary"],
            [
                _row(ids[EmailAddress] + i, first_user + i, email, True, True)
                for i, email in enumerate(
                    [f"learner{n}-{tag}@example.org" for n in range(L)]
                    + [f"submitter{n}-{tag}@example.org" for n in range(S)]
                    + [f"staff0-{tag}@example.org"]
                )
            ],
            counts,
        )
    say(f"{L + S + 1:,} users, their email addresses verified, {L + S:,} licenses")

    enrollment_lines, read_lines, attempt_lines = [], [], []
    answer_lines, response_lines, rating_lines = [], [], []
    certificate_lines, event_lines = [], []
    next_id = dict(ids)
    # Pools of learners the load logs in as, spread over the whole id range.
    pools = {shape: [] for shape in range(4)}
    step = max(1, (L // 4) // pool) if pool else L + 1

    def new(model):
        value = next_id[model]
        next_id[model] += 1
        return value

    def reads(uid, c, upto, when):
        for s in range(1, upto + 1):
            read_lines.append(f"{new(SectionRead)}\t{uid}\t{section_ids[(c, s)]}\t{when}")

    def draft(c, half):
        answered = keys[c][: QUESTIONS // 2] if half else []
        return _text(json.dumps({str(q): [k] for q, k in answered}))

    cert_template = (
        "{id}\t{enrollment}\t{code}\tvalid\t\\N\t{at}\t\\N\t\t{name}\t{lic}\t{number}\t{state}"
        "\t{title}\t3.00\t{day}\tHome study, self-paced online\t{approvals}\t{authors}"
        "\tHelping Professions CE\tDana Whitfield, PhD\tCE Administrator\t\t"
        "\t2\t{licenses}\t{credits}\tIntermediate\t"
    )
    approvals_json = _text(
        json.dumps(
            [
                {
                    "board": "American Psychological Association",
                    "abbreviation": "APA",
                    "provider_number": "",
                    "starts_on": "2000-01-01",
                    "ends_on": "2099-12-31",
                    "statement": APA_STATEMENT.format(provider_name="Helping Professions CE"),
                }
            ]
        )
    )
    authors_json = _text(json.dumps(["Morgan Ellis, PhD", "Riley Chen, LCSW"]))
    credits_json = _text(json.dumps([{"type": "general/clinical", "hours": "3.00"}]))
    license_names = {
        "psychologist": "Psychologist",
        "lcsw": "Licensed Clinical Social Worker (LCSW)",
        "lpc": "Licensed Professional Counselor (LPC)",
        "lmft": "Licensed Marriage and Family Therapist (LMFT)",
    }
    state_names = {
        "CA": "California",
        "NY": "New York",
        "TX": "Texas",
        "FL": "Florida",
        "IL": "Illinois",
        "WA": "Washington",
        "MA": "Massachusetts",
        "OH": "Ohio",
    }

    for i in range(L):
        uid = first_user + i
        shape = i % 4
        c0 = (i // 4) % C
        when = _stamp(now - dt.timedelta(days=400 + i % 300))
        in_pool = (i // 4) % step == 0 and len(pools[shape]) < pool
        if shape == 0:
            owned = []
            for k in range(2):
                c = (c0 + k) % C
                eid = new(Enrollment)
                done = now - dt.timedelta(days=(i * 7 + k * 31) % 1000, hours=i % 24)
                enrollment_lines.append(
                    f"{eid}\t{uid}\t{course_ids[c]}\t{when}\t{_stamp(done)}\t{_stamp(done)}"
                )
                reads(uid, c, SECTIONS, when)
                aid = new(Attempt)
                wrong = (i + k) % 5  # 0-4 wrong answers out of 20: every attempt passes
                answers = []
                for n, (q, correct) in enumerate(keys[c]):
                    # The correct choice sits at position (n + 1) % 4; (n + 2) % 4 is wrong.
                    chosen = correct if n >= wrong else choice_ids[q][(n + 2) % CHOICES]
                    answers.append((q, chosen, chosen == correct))
                right = sum(ok for _, _, ok in answers)
                graded = _stamp(done - dt.timedelta(minutes=20))
                attempt_lines.append(
                    f"{aid}\t{eid}\t1\tgraded\t{when}\t{graded}\t{graded}\t"
                    + _text(json.dumps({str(q): [ch] for q, ch, _ in answers}))
                    + f"\t{i}\t{QUESTIONS}\t{right}\t{right * 100 / QUESTIONS:.2f}\t75\tt\t"
                    + _text(
                        json.dumps(
                            [
                                {**asked[q], "selected": [chosen], "is_correct": ok}
                                for q, chosen, ok in answers
                            ]
                        )
                    )
                )
                for q, _, ok in answers:
                    answer_lines.append(f"{new(Answer)}\t{aid}\t{q}\t{'t' if ok else 'f'}")
                rid = new(EvaluationResponse)
                response_lines.append(f"{rid}\t{eid}\t{60 + i % 120}\t\t{_stamp(done)}")
                for item_id, text in eval_items[c]:
                    rating = 4 + (i + item_id) % 2
                    rating_lines.append(
                        f"{new(EvaluationRating)}\t{rid}\t{item_id}\t{_text(text)}\t{rating}"
                    )
                certificate_id = new(Certificate)
                code = _code(rng, used_codes)
                owned.append(code)
                certificate_lines.append(
                    cert_template.format(
                        id=certificate_id,
                        enrollment=eid,
                        code=code,
                        at=_stamp(done),
                        name=f"Learner {i}",
                        lic=license_names[licenses[i % 4]],
                        number=f"LIC-{i:07d}",
                        state=state_names[states[i % len(states)]],
                        title=titles[c],
                        day=timezone.localdate(done).isoformat(),
                        approvals=approvals_json,
                        authors=authors_json,
                        licenses=_text(
                            json.dumps(
                                [
                                    {
                                        "profession": PROFESSION_OF[licenses[i % 4]],
                                        "license_type": license_names[licenses[i % 4]],
                                        "state": states[i % len(states)],
                                        "number": f"LIC-{i:07d}",
                                    }
                                ]
                            )
                        ),
                        credits=credits_json,
                    )
                )
                event_lines.append(
                    f"{new(CertificateEvent)}\t{certificate_id}\tissued\t\\N\t\t{_stamp(done)}"
                )
            c = (c0 + 2) % C
            eid = new(Enrollment)
            enrollment_lines.append(f"{eid}\t{uid}\t{course_ids[c]}\t{when}\t\\N\t\\N")
            reads(uid, c, SECTIONS, when)
            aid = new(Attempt)
            attempt_lines.append(
                f"{aid}\t{eid}\t1\tin_progress\t{when}\t{when}\t\\N\t{draft(c, True)}"
                f"\t{i}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N"
            )
            if in_pool:
                pools[0].append((uid, owned))
                result.codes.extend(owned)
        elif shape == 1:
            eid = new(Enrollment)
            enrollment_lines.append(f"{eid}\t{uid}\t{course_ids[c0]}\t{when}\t\\N\t\\N")
            reads(uid, c0, SECTIONS, when)
            aid = new(Attempt)
            attempt_lines.append(
                f"{aid}\t{eid}\t1\tin_progress\t{when}\t{when}\t\\N\t{draft(c0, True)}"
                f"\t{i}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N"
            )
            if in_pool:
                pools[1].append((uid, c0, aid))
        elif shape == 2:
            eid = new(Enrollment)
            enrollment_lines.append(f"{eid}\t{uid}\t{course_ids[c0]}\t{when}\t\\N\t\\N")
            reads(uid, c0, SECTIONS // 2, when)
            if in_pool:
                pools[2].append((uid, c0))
    submit_rows = []
    for j in range(S):
        uid = first_user + L + j
        c = j % C
        when = _stamp(now - dt.timedelta(days=3))
        eid = new(Enrollment)
        enrollment_lines.append(f"{eid}\t{uid}\t{course_ids[c]}\t{when}\t\\N\t\\N")
        reads(uid, c, SECTIONS, when)
        aid = new(Attempt)
        attempt_lines.append(
            f"{aid}\t{eid}\t1\tin_progress\t{when}\t{when}\t\\N\t{{}}\t{j}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N"
        )
        submit_rows.append((uid, c, aid))
    say(f"generated {len(answer_lines):,} answers, {len(certificate_lines):,} certificates")

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL synchronous_commit = off")
        _copy(
            cursor,
            Enrollment,
            [
                "id",
                "learner_id",
                "course_id",
                "enrolled_at",
                "passed_at",
                "completed_at",
                "last_beat_at",
                "tracked_seconds",
                "section_seconds",
            ],
            (line + "\t\\N\t0\t{}" for line in enrollment_lines),  # no time tracked yet
            counts,
        )
        _copy(
            cursor,
            SectionRead,
            ["id", "learner_id", "section_id", "read_at", "self_declared"],
            (line + "\tf" for line in read_lines),
            counts,
        )
        _copy(
            cursor,
            Attempt,
            [
                "id",
                "enrollment_id",
                "number",
                "state",
                "started_at",
                "updated_at",
                "submitted_at",
                "draft",
                "shuffle_seed",
                "question_count",
                "correct_count",
                "score",
                "pass_mark",
                "passed",
                "booklet_record",
                "question_ids",
            ],
            (line + "\t\\N" for line in attempt_lines),  # no question pools
            counts,
        )
        say(f"{len(enrollment_lines):,} enrollments, {len(attempt_lines):,} attempts")
        _copy(
            cursor,
            Answer,
            ["id", "attempt_id", "question_id", "is_correct"],
            answer_lines,
            counts,
        )
        say(f"{len(answer_lines):,} graded answers")
        _copy(
            cursor,
            EvaluationResponse,
            ["id", "enrollment_id", "minutes_spent", "comments", "submitted_at", "tracked_minutes"],
            (line + "\t\\N" for line in response_lines),
            counts,
        )
        _copy(
            cursor,
            EvaluationRating,
            ["id", "response_id", "item_id", "item_text", "rating"],
            rating_lines,
            counts,
        )
        _copy(
            cursor,
            Certificate,
            [
                "id",
                "enrollment_id",
                "code",
                "status",
                "reissue_of_id",
                "issued_at",
                "revoked_at",
                "revoked_reason",
                "learner_name",
                "license_type",
                "license_number",
                "license_state",
                "course_title",
                "ce_hours",
                "completed_on",
                "delivery_format",
                "approvals",
                "authors",
                "provider_name",
                "administrator_name",
                "administrator_title",
                "signature_image",
                "logo",
                "layout",
                "licenses",
                "ce_credits",
                "level",
                "provider_contact",
            ],
            certificate_lines,
            counts,
        )
        _copy(
            cursor,
            CertificateEvent,
            ["id", "certificate_id", "kind", "actor_id", "note", "at"],
            event_lines,
            counts,
        )
    say(f"{len(certificate_lines):,} certificates, evaluations and events")
    for lines in (answer_lines, read_lines, rating_lines):
        lines.clear()  # hundreds of MB of text for the large size

    # --- sessions: logged in as if through the login form ----------------------------
    staff = get_user_model().objects.get(pk=staff_id)
    authenticator = TOTP.activate(staff, generate_totp_secret()).instance
    session_for = _sessions(
        [uid for uid, _ in pools[0]]
        + [uid for uid, _, _ in pools[1]]
        + [uid for uid, _ in pools[2]]
        + [uid for uid, _, _ in submit_rows]
        + [staff_id],
        password=password,
        expires=now + dt.timedelta(days=SESSION_DAYS),
        counts=counts,
        second_factor={staff_id: authenticator.pk},
    )
    result.staff_session = session_for[staff_id]
    for uid, owned in pools[0]:
        result.transcripts.append(session_for[uid])
        result.certificates.extend((session_for[uid], code) for code in owned)
    for uid, c, aid in pools[1]:
        result.booklets.append((session_for[uid], slugs[c], aid, keys[c]))
    for n, (uid, c) in enumerate(pools[2]):
        result.sections.append((session_for[uid], slugs[c], n % SECTIONS + 1))
    for uid, c, aid in submit_rows:
        result.submitters.append((uid, session_for[uid], slugs[c], aid, keys[c]))
    say(f"{len(session_for):,} login sessions")

    # Identity sequences continue after the copied ids; statistics for the planner.
    models = [
        User,
        License,
        EmailAddress,
        Author,
        Course,
        through,
        CourseApproval,
        CourseCredit,
        Section,
        Reference,
        Question,
        Choice,
        EvaluationItem,
        Enrollment,
        SectionRead,
        Attempt,
        Answer,
        EvaluationResponse,
        EvaluationRating,
        Certificate,
        CertificateEvent,
    ]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
        for model in models + ["django_session"]:
            table = model if isinstance(model, str) else model._meta.db_table
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    say("sequences reset, tables vacuumed and analysed")
    result.counts = counts
    result.seconds = time.perf_counter() - started
    return result


def session_data(user_id: int, *, password_hash: str, second_factor: int | None = None) -> str:
    """The signed session a login through the form would store for this user; with
    second_factor (an authenticator's id), one that also passed its code (as staff pages
    need)."""
    from django.conf import settings

    User = get_user_model()
    data = {
        "_auth_user_id": str(user_id),
        "_auth_user_backend": settings.AUTHENTICATION_BACKENDS[-1],
        # Every seeded user shares one password hash, so they share this hash too.
        "_auth_user_hash": User(password=password_hash).get_session_auth_hash(),
    }
    if second_factor:  # allauth's record of the methods this session's login used
        data["account_authentication_methods_user"] = str(user_id)
        data["account_authentication_methods"] = [
            {"method": "password", "at": time.time()},
            {"method": "mfa", "at": time.time(), "type": "totp", "id": second_factor},
        ]
    return SessionStore().encode(data)


def _sessions(user_ids, *, password, expires, counts, second_factor=None) -> dict[int, str]:
    from django.contrib.sessions.models import Session

    keys = {}
    lines = []
    for uid in user_ids:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        keys[uid] = key
        data = session_data(
            uid, password_hash=password, second_factor=(second_factor or {}).get(uid)
        )
        lines.append(_row(key, data, _stamp(expires)))
    with transaction.atomic(), connection.cursor() as cursor:
        _copy(cursor, Session, ["session_key", "session_data", "expire_date"], lines, counts)
    return keys
