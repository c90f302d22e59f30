"""What open sections' reading beats cost PostgreSQL.

    .venv/bin/python -m tests.benchmarks.load.beats --readers 1000

Creates a database (dropped afterwards), seeds `readers` enrolled learners, and has
each one beat once on a section, which starts their clock. Then it times `--rounds`
more rounds of one beat each: every round is what the database does every 15 s while
that many sections are open. It reports, per round, the CPU of the PostgreSQL backend
that ran the beats, the WAL written, and how the enrollment table grew (a beat is an
UPDATE of the learner's enrollment row; PostgreSQL can keep it on the same page, a HOT
update, since no indexed column changes). The beats run in this process through
courses.services.reading.reading_beat, so the figures are the database's share only;
the load benchmark's "Reading beat" row measures the whole request.
"""

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from tests.benchmarks.load import common


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=1000, help="open sections (learners)")
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds of beats")
    parser.add_argument("--database", default="ceapp_beats")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ceapp-beats-"))
    url = common.database_create(args.database)
    env = common.production_env(
        database=url,
        static_root=work / "static",
        media_root=work / "media",
        secret_key=secrets.token_urlsafe(50),
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from courses.models import Enrollment
    from courses.services.reading import reading_beat
    from tests.benchmarks.load.seed import SECTIONS, Size, seed

    try:
        common.manage(env, "migrate", "--noinput")
        seeded = seed(
            Size("beats", courses=10, learners=0), submitters=args.readers, pool=0, quiet=True
        )
        users = get_user_model().objects.in_bulk([uid for uid, *_ in seeded.submitters])
        readers = [
            (users[uid], slug, 1 + n % SECTIONS)
            for n, (uid, _, slug, _, _) in enumerate(seeded.submitters)
        ]
        for learner, slug, number in readers:  # each page shown: the clocks start
            reading_beat(learner=learner, slug=slug, number=number, start=True)

        def fetch(sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone()

        backend = fetch("SELECT pg_backend_pid()")[0]
        table = Enrollment._meta.db_table
        print(f"{len(readers):,} open sections, one beat each per round:")
        for round_number in range(1, args.rounds + 1):
            Enrollment.objects.update(last_beat_at=timezone.now() - timedelta(seconds=15))
            fetch("SELECT pg_stat_force_next_flush()")
            wal_before = fetch("SELECT pg_current_wal_lsn()")[0]
            size_before = fetch(f"SELECT pg_relation_size('{table}')")[0]  # noqa: S608
            cpu_before = common.process_cpu_seconds(backend)
            app_before = time.process_time()
            started = time.perf_counter()
            for learner, slug, number in readers:
                reading_beat(learner=learner, slug=slug, number=number)
            seconds = time.perf_counter() - started
            app = time.process_time() - app_before
            cpu = common.process_cpu_seconds(backend) - cpu_before
            wal = fetch(f"SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '{wal_before}')")[0]  # noqa: S608
            size = fetch(f"SELECT pg_relation_size('{table}')")[0] - size_before  # noqa: S608
            fetch("SELECT pg_stat_force_next_flush()")
            hot, updates = fetch(
                "SELECT n_tup_hot_upd, n_tup_upd FROM pg_stat_user_tables "  # noqa: S608
                f"WHERE relname = '{table}'"
            )
            print(
                f"  round {round_number}: {seconds * 1000:.0f} ms, of which this process's CPU "
                f"{app * 1000:.0f} ms; "
                f"PostgreSQL backend CPU {cpu * 1000:.0f} ms "
                f"({cpu * 1e6 / len(readers):.0f} µs a beat), WAL {wal / 1024:.0f} KiB "
                f"({wal / len(readers):.0f} B a beat), enrollment table +{size / 1024:.0f} KiB; "
                f"HOT updates so far {hot:,} of {updates:,}"
            )
    finally:
        connection.close()
        common.database_drop(args.database)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
