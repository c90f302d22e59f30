"""One page's CPU per request in one process, with production settings, on a database
the load benchmark kept: the page code and the middleware without gunicorn and wrk, so
two pages or two versions can be compared to a few percent.

    .venv/bin/python -m tests.benchmarks.load.run --size small --rows booklet \\
        --duration 1 --keep --database ceapp_pages
    .venv/bin/python -m tests.benchmarks.page_cpu --database ceapp_pages booklet transcript
    .venv/bin/python -m tests.benchmarks.page_cpu --database ceapp_pages booklet --profile 40

Each page is requested as the load benchmark's learners request it: the answer booklet
by a learner with an attempt in progress, the transcript by one with two certificates.
It prints the best of 7 rounds of 50 requests, and with --profile the top of a cProfile
of 50 more, by cumulative time.
"""

import argparse
import cProfile
import io
import logging
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.load import common

ROUNDS, PER_ROUND = 7, 50


def _pages():
    from django.db.models import Count

    from courses.models import Attempt, AttemptState, User

    attempt = (
        Attempt.objects.filter(state=AttemptState.IN_PROGRESS)
        .select_related("enrollment__course")
        .order_by("pk")
        .first()
    )
    course = attempt.enrollment.course
    transcript_learner = (
        User.objects.annotate(n=Count("enrollments__certificates")).filter(n=2).order_by("pk")
    ).first()
    return {
        "catalog": (None, "/"),
        "section": (attempt.enrollment.learner, f"/courses/{course.slug}/sections/1/"),
        "booklet": (attempt.enrollment.learner, f"/courses/{course.slug}/booklet/"),
        "transcript": (transcript_learner, "/my-ce/"),
    }


def _client(user):
    from django.contrib.auth import get_backends
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST=common.HOST)
    if user is not None:  # a session as signing in stores it, by a backend that loads users
        backend = next(b for b in get_backends() if hasattr(b, "get_user"))
        client.force_login(user, backend=f"{type(backend).__module__}.{type(backend).__name__}")
    return client


def _measure(client, path: str, profile: int) -> None:
    response = client.get(path, secure=True)
    if response.status_code != 200:
        sys.exit(f"{path}: {response.status_code}")
    for _ in range(PER_ROUND):  # warm
        client.get(path, secure=True)
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.process_time()
        for _ in range(PER_ROUND):
            client.get(path, secure=True)
        best = min(best, (time.process_time() - started) / PER_ROUND)
    print(f"{path}: {best * 1000:.2f} ms of CPU per request (best of {ROUNDS} x {PER_ROUND})")
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(PER_ROUND):
            client.get(path, secure=True)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", choices=["catalog", "section", "booklet", "transcript"])
    parser.add_argument("--database", required=True, help="kept by load.run --keep")
    parser.add_argument("--redis", help="REDIS_URL for the cache and sessions, as production")
    parser.add_argument("--profile", type=int, default=0, help="print this many profile lines")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ceapp-page-cpu-"))
    env = common.production_env(
        database=common.database_url(args.database),
        static_root=work / "static",
        media_root=work / "media",
    )
    if args.redis:
        env["REDIS_URL"] = args.redis
    common.manage(env, "collectstatic", "--noinput")
    common.manage(env, "createcachetable")  # the default cache without Redis
    os.environ.update(env, ALLOWED_HOSTS=f"{common.HOST},testserver")

    import django

    django.setup()
    logging.disable(logging.INFO)  # the request log would print a line per request
    pages = _pages()
    for page in args.pages:
        user, path = pages[page]
        _measure(_client(user), path, args.profile)


if __name__ == "__main__":
    main()
