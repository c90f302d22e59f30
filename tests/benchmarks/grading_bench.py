"""Benchmark: grade 1,000 submissions of a 100-question answer booklet.

Run from the repository root:

    .venv/bin/python tests/benchmarks/grading_bench.py

It grades through the service (courses.services.grading.attempt_submit) on a
throwaway SQLite file and, when DATABASE_URL points at PostgreSQL, on a throwaway
`ceapp_bench` database on that server (created, migrated and dropped here; the
database named in DATABASE_URL is never touched). For each backend it prints the
median and p99 grading time per submission and the queries per submission.
Not a test: pytest only collects test_*.py.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = 100
SECTIONS = 10
SUBMISSIONS = 1000
WARM_UP = 20
BENCH_DB = "ceapp_bench"


def build(learners: int):
    """A published course with QUESTIONS questions, and one attempt per learner."""
    from courses.models import (
        Attempt,
        Choice,
        Course,
        Enrollment,
        Question,
        Section,
        User,
    )

    course = Course.objects.create(
        title="Benchmark course",
        slug="benchmark-course",
        summary="For the grading benchmark.",
        learning_objectives="Grade fast.",
        ce_hours=3,
        is_published=True,
    )
    sections = [
        Section.objects.create(course=course, number=n + 1, title=f"Section {n + 1}", body="Text.")
        for n in range(SECTIONS)
    ]
    questions = Question.objects.bulk_create(
        Question(
            section=sections[i * SECTIONS // QUESTIONS],
            number=i + 1,
            stem=f"Question {i + 1}?",
            explanation="Because.",
        )
        for i in range(QUESTIONS)
    )
    Choice.objects.bulk_create(
        Choice(question=q, position=p, text=f"Choice {p}", is_correct=p == 0)
        for q in questions
        for p in range(4)
    )
    users = User.objects.bulk_create(
        User(email=f"bench{n}@example.org", full_name=f"Bench {n}", password="!")
        for n in range(learners)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(learner=u, course=course) for u in users
    )
    attempts = Attempt.objects.bulk_create(
        Attempt(enrollment=e, number=1, shuffle_seed=n) for n, e in enumerate(enrollments)
    )
    return course, attempts


def run(label: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceapp.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.content_cache import booklet_questions
    from courses.services.grading import attempt_submit

    call_command("migrate", verbosity=0)
    course, attempts = build(SUBMISSIONS + WARM_UP)
    questions = booklet_questions(course=course)
    rng = random.Random(2026)  # noqa: S311 - benchmark data, not security

    def submission():
        # Each answer is right 77% of the time, so scores straddle the 75% pass mark.
        answers = {}
        for question in questions:
            right = rng.random() < 0.77
            pick = next(c for c in question.choices if c.is_correct == right)
            answers[str(question.pk)] = [pick.pk]
        return answers

    server_cpu = _server_cpu_reader(connection)
    timings, app_cpu, db_cpu, query_counts, passed = [], [], [], [], 0
    for n, attempt in enumerate(attempts):
        answers = submission()
        connection.queries_log.clear()  # the log keeps 9,000 queries; count each call afresh
        with CaptureQueriesContext(connection) as captured:
            db_before = server_cpu()
            cpu_before = time.process_time()
            start = time.perf_counter()
            result = attempt_submit(attempt=attempt, answers=answers)
            elapsed = time.perf_counter() - start
            cpu = time.process_time() - cpu_before
            db = server_cpu() - db_before
        if n < WARM_UP:
            continue
        timings.append(elapsed * 1000)
        app_cpu.append(cpu * 1000)
        db_cpu.append(db * 1000)
        query_counts.append(len(captured.captured_queries))
        passed += result.passed

    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(
        f"{label:<10} {QUESTIONS} questions x {len(timings)} submissions "
        f"(after {WARM_UP} warm-up): "
        f"median {statistics.median(timings):.2f} ms, p99 {p99:.2f} ms, "
        f"mean {statistics.fmean(timings):.2f} ms, max {timings[-1]:.2f} ms; "
        f"queries per submission {min(query_counts)}..{max(query_counts)} "
        f"(passing {passed}, failing {len(timings) - passed})"
    )
    # CPU, unlike wall time, hardly depends on what else the machine is doing.
    db_note = f", database server mean {statistics.fmean(db_cpu):.2f} ms" if any(db_cpu) else ""
    print(
        f"{'':<10} CPU per submission: this process median {statistics.median(app_cpu):.2f} ms"
        + db_note
    )
    connection.close()


def _server_cpu_reader(connection):
    """A function giving the CPU seconds used so far by this connection's PostgreSQL
    backend (read from /proc on this machine), or 0.0 where that cannot be read."""
    from tests.benchmarks.load.common import process_cpu_seconds

    if connection.vendor != "postgresql":
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return lambda: process_cpu_seconds(pid)


def child(backend: str, url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    subprocess.run(  # noqa: S603 - runs this same script
        [sys.executable, __file__, "--run", backend], cwd=ROOT, env=env, check=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        sys.path.insert(0, str(ROOT))
        run(args.run)
        return

    with tempfile.TemporaryDirectory() as tmp:
        child("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("PostgreSQL   skipped: set DATABASE_URL=postgres://… to benchmark it too.")
        return
    import psycopg

    server = urlsplit(database_url)
    admin_url = server._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
    try:
        child("PostgreSQL", server._replace(path=f"/{BENCH_DB}").geturl())
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
