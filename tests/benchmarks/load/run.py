"""Load benchmark: the app under gunicorn on PostgreSQL, driven by wrk on loopback.

    .venv/bin/python -m tests.benchmarks.load.run --size small
    .venv/bin/python -m tests.benchmarks.load.run --size both --redis redis://127.0.0.1:6379/7
    .venv/bin/python -m tests.benchmarks.load.run --size both --compare /tmp/old

For each size it creates a throwaway database (dropped at the end), migrates it,
seeds it with the COPY seeder (tests/benchmarks/load/seed.py), collects static files,
starts a gunicorn app server with the production settings and config (DEBUG off,
persistent connections, sync workers, 2 x cores + 1 of them) and warms every row up.
Then each row runs for --duration seconds twice: wrk on 50 connections flat out (the
throughput, the latency at saturation and the CPU per request), then 50 paced clients,
each pausing a random 0 to 2 x --think ms before every request like a person reading
(the latency 50 concurrent clients see). It prints a table per size and the budgets
met or not; docs/PERFORMANCE.md explains the columns and the budgets.

--compare PATH measures another checkout of the app too (`git worktree add /tmp/old
REV`), on the same database and Redis: both app servers run side by side and each row
is measured on one and then the other, alternating which goes first, so drift in the
machine's speed hits both alike. The other tree runs with its own .venv if it has one.

One row is not a page of the app: a logged-in no-op (tests/benchmarks/load/urls.py,
served only here) loads the session and the user and returns, the floor under every
learner page. With --redis URL the app servers run as with REDIS_URL in production: a
shared Redis cache and cached_db sessions (without it, database sessions and a cache per
worker process).

Needs wrk (Debian/Ubuntu: `apt-get install -y wrk`) and a PostgreSQL server whose
user may create databases (DATABASE_URL's server, else postgres@127.0.0.1:5432).
Not a test: pytest only collects test_*.py.
"""

import argparse
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode

from tests.benchmarks.load import common

LUA = Path(__file__).with_name("requests.lua")
UNIT = "\x1f"
# The budgets.
LEARNER_P99_MS = 100  # paced p99 of a learner page at 50 clients
CPU_RISE = 1.15  # a learner page's CPU per request against the --compare tree
SIZE_RATIO = 1.5  # a row's CPU per request, large against small


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    expected: int  # the one status every response must have
    learner_page: bool  # held to the budgets


ROWS = [
    Row("trivial", "Trivial view (/healthz)", 200, False),
    # Not a page of the app: what any logged-in page costs before it does anything.
    Row("authenticated", "Logged-in no-op (session + user)", 200, False),
    Row("catalog", "Catalog (a visitor's first page)", 200, True),
    Row("section", "Section page", 200, True),
    # What an open section costs while it is read: one beat every 15 s per reader.
    Row("beat", "Reading beat (POST)", 200, True),
    Row("booklet", "Answer booklet", 200, True),
    Row("draft", "Draft save (autosave POST)", 200, True),
    Row("submit", "Submit and grade (POST)", 302, True),
    Row("transcript", "Transcript", 200, True),
    Row("certificate", "Certificate PDF", 200, True),
    Row("verify", "Verification page", 200, True),
    Row("completions", "Admin completions report", 200, False),
]


@dataclass
class Result:
    key: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    failures: int
    detail: str = ""
    tree: str = "this"
    app_cpu_ms: float = 0.0  # gunicorn CPU per request
    db_cpu_ms: float = 0.0  # PostgreSQL backends' CPU per request
    wrk_cores: float = 0.0  # the load generator's CPU, in cores
    other_cores: float = 0.0  # CPU used by anything else on the machine, in cores
    # The same connections as clients that pause between requests (think time).
    paced_rps: float = 0.0
    paced_p50_ms: float = 0.0
    paced_p95_ms: float = 0.0
    paced_p99_ms: float = 0.0
    paced_failures: int = 0
    graded: int = 0  # submit row: attempts graded, counted in the database


def redis_flush(url: str | None) -> None:
    if url:
        import redis

        redis.Redis.from_url(url).flushdb()


def build_requests(seeded, port: int) -> dict[str, list[tuple]]:
    """Per row, the requests wrk replays in turn: (method, path, headers, body)."""
    csrf = secrets.token_hex(16)  # 32 characters: a valid CSRF secret for cookie and form

    def H(port, *, session="", post=False):
        # Logged-in learners carry the CSRF cookie their first page gave them.
        return common.headers_for(port, session=session, csrf=csrf if session else "", post=post)

    def draft_body(attempt_id, key, n):
        # Each autosave answers a different half of the booklet.
        answered = key[n % 2 :: 2]
        return urlencode(
            [("attempt", attempt_id), ("action", "save")]
            + [(f"question-{q}", c) for q, c in answered]
        )

    def submit_body(attempt_id, key):
        return urlencode(
            [("csrfmiddlewaretoken", csrf), ("attempt", attempt_id), ("action", "submit")]
            + [(f"question-{q}", c) for q, c in key]
        )

    submitters = seeded.submitters
    rows = {
        "trivial": [
            ("GET", "/healthz", H(port, session=session), "") for session, *_ in seeded.sections
        ],
        "authenticated": [
            ("GET", "/bench/authenticated", H(port, session=session), "")
            for session, *_ in seeded.sections
        ],
        "catalog": [("GET", "/", H(port), "")],
        "section": [
            ("GET", f"/courses/{slug}/sections/{number}/", H(port, session=session), "")
            for session, slug, number in seeded.sections
        ],
        "beat": [
            (
                "POST",
                f"/courses/{slug}/sections/{number}/beat/",
                {
                    **H(port, session=session, post=True),
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                urlencode([("csrfmiddlewaretoken", csrf)]),
            )
            for session, slug, number in seeded.sections
        ],
        "booklet": [
            ("GET", f"/courses/{slug}/booklet/", H(port, session=session), "")
            for session, slug, _, _ in seeded.booklets
        ],
        "draft": [
            (
                "POST",
                f"/courses/{slug}/booklet/",
                {
                    **H(port, session=session, post=True),
                    "X-CSRFToken": csrf,
                    "Accept": "application/json",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                draft_body(attempt_id, key, n),
            )
            for n in range(2)
            for session, slug, attempt_id, key in seeded.booklets
        ],
        "submit": [
            (
                "POST",
                f"/courses/{slug}/booklet/",
                {
                    **H(port, session=session, post=True),
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                submit_body(attempt_id, key),
            )
            for _, session, slug, attempt_id, key in submitters
        ],
        "transcript": [("GET", "/my-ce/", H(port, session=s), "") for s in seeded.transcripts],
        "certificate": [
            ("GET", f"/certificates/{code}.pdf", H(port, session=session), "")
            for session, code in seeded.certificates
        ],
        "verify": [("GET", f"/verify/{code}/", H(port), "") for code in seeded.codes],
        "completions": [
            ("GET", "/staff/reports/completions/", H(port, session=seeded.staff_session), "")
        ],
    }
    return rows


def write_requests(path: Path, requests) -> None:
    with path.open("w") as out:
        for method, target, headers, body in requests:
            header_text = UNIT.join(f"{k}: {v}" for k, v in headers.items() if k != "Host")
            out.write(f"{method}\t{target}\t{header_text}\t{body}\n")


def preflight(port: int, row: Row, requests) -> None:
    """One request through http.client first: a row that fails is a broken setup."""
    method, target, headers, body = requests[0]
    status, response_headers, content = common.request(
        port, method, target, headers=headers, body=body.encode() if body else None
    )
    location = dict(response_headers).get("Location", "")
    if status != row.expected:
        raise SystemExit(
            f"{row.label}: {method} {target} answered {status} (expected {row.expected}) "
            f"{location} {content[:300]!r}"
        )
    if row.key == "submit" and "/attempts/" not in location:
        raise SystemExit(f"{row.label}: the submit went to {location}, not to its results")
    if row.key == "certificate" and not content.startswith(b"%PDF"):
        raise SystemExit(f"{row.label}: the answer is not a PDF")


def wrk(port: int, path: Path, expected: int, *, duration: float, connections: int) -> dict:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        f"http://{common.HOST}:{port}",
        "--",
        str(path),
        str(expected),
    ]
    done = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    output = done.stdout
    if done.returncode:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{output}\n{done.stderr}")
    match = re.search(r"^RESULT (\{.*\})$", output, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk printed no result:\n{output}")
    return json.loads(match.group(1))


def warm_every_request(port: int, args, row: Row, requests) -> None:
    """Send each of a GET row's requests once, so the row is measured in the steady
    state on either size: the small set's 50 certificates are all in the cache after
    a short warm-up, the large set's 2,000 only after a pass like this one."""
    raw = paced_run(
        port,
        requests,
        row.expected,
        duration=600,
        clients=args.connections,
        think_ms=0,
        once=True,
    )
    if raw["unexpected_status"] or raw["connect"]:
        raise SystemExit(f"{row.label}: the warm-up pass failed: {raw}")
    settle(port)


def settle(port: int) -> None:
    """Wait until the requests wrk left queued at the end of a run have been served.

    wrk stops at the deadline, but the requests it had sent sit in gunicorn's accept
    queue and are still answered; the next row must not pay for them.
    """
    for _ in range(600):
        started = time.perf_counter()
        common.request(port, "GET", "/healthz")
        if time.perf_counter() - started < 0.05:
            return
    raise SystemExit("the app server never became idle")


def result_of(row: Row, raw: dict) -> Result:
    seconds = raw["duration_us"] / 1e6
    failures = (
        raw["unexpected_status"] + raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    )
    detail = []
    if raw["unexpected_status"]:
        detail.append(f"{raw['unexpected_status']} not {row.expected}")
    for name in ("connect", "read", "write", "timeout"):
        if raw[name]:
            detail.append(f"{raw[name]} {name} errors")
    return Result(
        key=row.key,
        requests=raw["requests"],
        seconds=round(seconds, 2),
        rps=raw["requests"] / seconds,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        failures=failures,
        detail=", ".join(detail),
    )


def graded_count(attempt_ids) -> tuple[int, int]:
    """How many of these attempts are graded, and how many answers they have.

    One statement, so both counts come from one snapshot.
    """
    from django.db import connection

    from courses.models import Answer, Attempt

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {Attempt._meta.db_table} "  # noqa: S608
            "WHERE id = ANY(%s) AND state = 'graded'), "
            f"(SELECT COUNT(*) FROM {Answer._meta.db_table} WHERE attempt_id = ANY(%s))",
            [list(attempt_ids), list(attempt_ids)],
        )
        return cursor.fetchone()


def paced_run(
    port: int, requests, expected: int, *, duration: float, clients: int, think_ms: int, once: bool
) -> dict:
    """`clients` people, each pausing a random 0..2 x think_ms, then sending one request.

    Threads with http.client rather than wrk: wrk opens its next connection before the
    pause, and a sync worker that accepts it would wait for the request, which never
    happens behind nginx (it hands gunicorn whole requests). Here a client connects only
    when it sends, as the proxy would. With `once`, no prepared request is sent twice.
    """
    lock = threading.Lock()
    state = {"next": 0, "wrapped": 0, "bytes": 0}
    latencies, bad, errors = [], [0], [0]
    deadline = time.monotonic() + duration

    def client():
        rng = random.Random()  # noqa: S311 - pauses, not secrets
        while True:
            time.sleep(rng.uniform(0, 2 * think_ms / 1000))
            if time.monotonic() >= deadline:
                return
            with lock:
                if once and state["next"] >= len(requests):
                    state["wrapped"] += 1
                    return
                method, target, headers, body = requests[state["next"] % len(requests)]
                state["next"] += 1
            started = time.perf_counter()
            try:
                status, _, content = common.request(
                    port, method, target, headers=headers, body=body.encode() if body else None
                )
            except OSError:
                with lock:
                    errors[0] += 1
                continue
            with lock:
                latencies.append(time.perf_counter() - started)
                state["bytes"] += len(content)
                bad[0] += status != expected

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]

    def percentile(p):
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] * 1e6

    return {
        "requests": len(latencies),
        "duration_us": elapsed * 1e6,
        "bytes": state["bytes"],
        "unexpected_status": bad[0],
        "wrapped": state["wrapped"],
        "connect": errors[0],
        "read": 0,
        "write": 0,
        "status": bad[0],
        "timeout": 0,
        "p50_us": percentile(50),
        "p95_us": percentile(95),
        "p99_us": percentile(99),
        "max_us": ordered[-1] * 1e6,
        "mean_us": sum(ordered) / len(ordered) * 1e6,
        "sent": state["next"],
    }


def measure(row: Row, requests, args, server, stem: Path, *, paced=False) -> tuple[Result, int]:
    """One run of a row with CPU accounting: wrk flat out, or paced clients. Returns the
    result and how many of the requests may have been sent."""
    app_before = common.app_cpu_seconds(server.process.pid)
    db_before = common.database_cpu(args.database)
    busy_before = common.machine_busy_seconds()
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if paced:
        raw = paced_run(
            server.port,
            requests,
            row.expected,
            duration=args.duration,
            clients=args.connections,
            think_ms=args.think,
            once=row.key == "submit",
        )
    else:
        path = stem.with_suffix(".tsv")
        write_requests(path, requests)
        raw = wrk(
            server.port, path, row.expected, duration=args.duration, connections=args.connections
        )
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy = common.machine_busy_seconds() - busy_before
    settle(server.port)
    app_used = common.app_cpu_seconds(server.process.pid) - app_before
    db_after = common.database_cpu(args.database)
    db_used = sum(cpu - db_before.get(pid, 0.0) for pid, cpu in db_after.items())
    result = result_of(row, raw)
    served = max(raw["requests"], 1)
    result.app_cpu_ms = app_used * 1000 / served
    result.db_cpu_ms = db_used * 1000 / served
    wrk_used = (wrk_after.ru_utime - wrk_before.ru_utime) + (
        wrk_after.ru_stime - wrk_before.ru_stime
    )
    result.wrk_cores = wrk_used / result.seconds
    result.other_cores = max(0.0, busy - app_used - db_used - wrk_used) / result.seconds
    if raw["wrapped"] and row.key == "submit":  # a second submit of an attempt grades nothing
        result.failures += 1
        result.detail = ", ".join(
            filter(None, [result.detail, f"ran out of {len(requests)} prepared requests"])
        )
    sent = raw.get("sent", raw["requests"] + args.connections)  # wrk: at most one in flight
    return result, min(len(requests), sent)


def check_submit(result: Result, sent, connections: int) -> None:
    """Each submission must have graded one fresh attempt: count them in the database."""
    from tests.benchmarks.load.seed import QUESTIONS

    attempt_ids = [attempt_id for attempt_id in (attempt_of(r) for r in sent) if attempt_id]
    graded, answers = graded_count(attempt_ids)
    responses = result.requests
    # wrk stops mid-flight: up to one request per connection is graded unseen.
    ok = responses <= graded <= responses + connections and answers == graded * QUESTIONS
    note = f"{graded} attempts graded for {responses} responses"
    if answers != graded * QUESTIONS:
        note += f", {answers} answers (expected {graded * QUESTIONS})"
    result.detail = ", ".join(filter(None, [result.detail, note]))
    result.graded = graded
    if not ok:
        result.failures += max(1, responses - graded)


def attempt_of(request) -> int:
    match = re.search(r"(?:^|&)attempt=(\d+)", request[3])
    return int(match.group(1)) if match else 0


@dataclass(frozen=True)
class Tree:
    """A checkout of the app that gets its own app server: this one, or --compare's."""

    label: str
    root: Path
    python: str


def run_size(size_name: str, args, work: Path, trees: list[Tree], env_base: dict):
    """Seed one size, start an app server per tree, measure every row; then drop the
    database."""
    from django.db import connection

    try:
        return _run_size(size_name, args, work, trees, env_base)
    finally:
        if not args.keep:
            connection.close()
            common.database_drop(args.database)


def _run_size(size_name: str, args, work: Path, trees: list[Tree], env_base: dict):
    from django.db import connection

    from tests.benchmarks.load.seed import SIZES, seed

    print(f"\n== {size_name}: database {args.database} ==", flush=True)
    connection.close()
    common.database_create(args.database)
    migrate_s = common.manage(env_base, "migrate", "--noinput")
    print(f"  migrated in {migrate_s:.1f}s", flush=True)
    if len(trees) > 1:
        old_code_can_insert()
    # Enough fresh attempts for each tree's saturated and paced submit runs.
    submitters = args.submitters or (1000 + int(400 * args.duration)) * len(trees)
    seeded = seed(SIZES[size_name], submitters=submitters, pool=args.pool)
    connection.close()
    print(f"  seeded in {seeded.seconds:.1f}s: {seeded.counts}", flush=True)
    info = {
        "seed_seconds": round(seeded.seconds, 1),
        "migrate_seconds": round(migrate_s, 1),
        "counts": seeded.counts,
        "load_average_before": os.getloadavg(),
    }
    workers = args.workers or (os.cpu_count() or 1) * 2 + 1
    info["workers"] = workers
    servers, requests = {}, {}
    rows = [row for row in ROWS if row.key in args.rows]
    with ExitStack() as stack:
        for n, tree in enumerate(trees):
            port = args.port + n
            env = {**tree_env(tree, work, env_base), "GUNICORN_WORKERS": str(workers)}
            server = common.AppServer(
                port=port,
                env=env,
                workers=workers,
                log=work / f"gunicorn-{size_name}-{tree.label}.log",
                root=tree.root,
                python=tree.python,
            )
            servers[tree.label] = stack.enter_context(server)
            built = build_requests(seeded, port)
            # The submit row grades fresh attempts, each once: this tree's share, one for
            # the preflight, some to warm up, the rest measured.
            built["submit"] = built["submit"][n :: len(trees)]
            requests[tree.label] = built
        serves = {}  # per tree, the rows it serves: the old code may not have every page
        for tree in trees:
            port, built = servers[tree.label].port, requests[tree.label]
            submit = built["submit"]
            warm_submit, built["submit"] = submit[1:301], submit[301:]
            serves[tree.label] = []
            for row in rows:
                try:
                    preflight(port, row, submit if row.key == "submit" else built[row.key])
                except SystemExit as refusal:
                    if tree.label != "old":
                        raise
                    print(f"  old: not measured, {refusal}", flush=True)
                else:
                    serves[tree.label].append(row)
            print(f"  {tree.label}: preflight passed; warming up", flush=True)
            for row in list(serves[tree.label]):
                path = work / f"{size_name}-{tree.label}-{row.key}-warm.tsv"
                write_requests(path, warm_submit if row.key == "submit" else built[row.key])
                wrk(port, path, row.expected, duration=args.warmup, connections=args.connections)
                settle(port)
                if all(method == "GET" for method, *_ in built[row.key]):
                    try:
                        warm_every_request(port, args, row, built[row.key])
                    except SystemExit as refusal:
                        if tree.label != "old":
                            raise
                        print(f"  old: not measured, {refusal}", flush=True)
                        serves[tree.label].remove(row)
        results = []
        for n, row in enumerate(rows):
            for tree in trees if n % 2 == 0 else trees[::-1]:
                if row not in serves[tree.label]:
                    continue
                server = servers[tree.label]
                result = measure_row(row, requests[tree.label], args, server, work, size_name)
                result.tree = tree.label
                results.append(result)
    errors = []
    for tree in trees:
        errors += common.server_errors(work / f"gunicorn-{size_name}-{tree.label}.log")
    info["server_errors"] = len(errors)
    info["load_average_after"] = os.getloadavg()
    for line in errors[:5]:
        print(f"  server error: {line}")
    return results, info


def side_by_side_settings(label: str, work: Path) -> str:
    """A settings module for one of two trees sharing a database and Redis: its own
    cache key prefix, so neither reads what the other's code cached, and Django's
    ModelBackend last, so the seeded sessions name a backend both trees have."""
    module = f"bench_settings_{label}"
    (work / f"{module}.py").write_text(
        "from tests.benchmarks.load.settings import *  # noqa: F403\n"
        "CACHES = {  # noqa: F405\n"
        f"    k: {{**v, 'KEY_PREFIX': '{label}-' + v.get('KEY_PREFIX', '')}}\n"
        "    for k, v in CACHES.items()  # noqa: F405\n"
        "}\n"
        "AUTHENTICATION_BACKENDS = [  # noqa: F405\n"
        "    *AUTHENTICATION_BACKENDS,  # noqa: F405\n"
        "    'django.contrib.auth.backends.ModelBackend',\n"
        "]\n"
    )
    return module


def old_code_can_insert() -> None:
    """Required yes/no columns get a database default of false, so the old code can
    still insert rows into tables that have since gained one (Django always sends
    every field, so the new code is unaffected)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND is_nullable = 'NO' "
            "AND column_default IS NULL AND data_type = 'boolean'"
        )
        for table, column in cursor.fetchall():
            quote = connection.ops.quote_name
            cursor.execute(
                f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET DEFAULT false"
            )


def tree_env(tree: Tree, work: Path, env_base: dict) -> dict:
    """The app server's environment, with its own static files."""
    env = {**env_base, "STATIC_ROOT": str(work / f"static-{tree.label}")}
    if tree.label != "this":
        module = side_by_side_settings(tree.label, work)
        env.update(DJANGO_SETTINGS_MODULE=module, PYTHONPATH=str(work))
    common.manage(env, "collectstatic", "--noinput", root=tree.root, python=tree.python)
    return env


def measure_row(row: Row, requests, args, server, work: Path, size_name: str) -> Result:
    """A row flat out, then paced; the submit row grades each attempt once across both."""
    stem = work / f"{size_name}-{server.port}-{row.key}"
    pending = requests[row.key]
    result, sent = measure(row, pending, args, server, stem)
    if row.key == "submit":
        check_submit(result, pending[:sent], args.connections)
        pending = pending[sent:]
        requests[row.key] = pending
    if args.think and server.root == common.ROOT:  # the budget holds this code; saves time
        paced, sent = measure(
            row, pending, args, server, stem.with_name(stem.name + "-paced"), paced=True
        )
        if row.key == "submit":
            check_submit(paced, pending[:sent], args.connections)
            requests[row.key] = pending[sent:]
        result.paced_rps = paced.rps
        result.paced_p50_ms = paced.p50_ms
        result.paced_p95_ms = paced.p95_ms
        result.paced_p99_ms = paced.p99_ms
        result.paced_failures = paced.failures
        if paced.detail:
            result.detail = ", ".join(filter(None, [result.detail, f"paced: {paced.detail}"]))
    print(
        f"  {row.label:<34} {server.port} {result.rps:8.1f} req/s  p50 {result.p50_ms:6.1f}  "
        f"p99 {result.p99_ms:6.1f} ms  CPU app {result.app_cpu_ms:.2f} db "
        f"{result.db_cpu_ms:.2f} ms/req  paced p99 {result.paced_p99_ms:6.1f} ms  "
        f"others {result.other_cores:.2f} cores  failures {result.failures} {result.detail}",
        flush=True,
    )
    return result


def cpu(result: Result) -> float:
    return result.app_cpu_ms + result.db_cpu_ms


def table(size_name: str, results: list[Result], think_ms: int) -> str:
    labels = {row.key: row.label for row in ROWS}
    lines = [
        f"### {size_name}",
        "",
        "| Row | code | req/s | p50 ms | p99 ms | app CPU ms/req | DB CPU ms/req "
        f"| paced p99 ms ({think_ms / 1000:g} s think) | other load (cores) | failures |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        failures = f"{r.failures + r.paced_failures}" + (f" ({r.detail})" if r.detail else "")
        lines.append(
            f"| {labels[r.key]} | {r.tree} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} "
            f"| {r.app_cpu_ms:.2f} | {r.db_cpu_ms:.2f} "
            f"| {f'{r.paced_p99_ms:.1f}' if r.tree != 'old' and think_ms else '-'} "
            f"| {r.other_cores:.2f} | {failures} |"
        )
    return "\n".join(lines)


def targets(by_size: dict[str, list[Result]], think_ms: int) -> list[tuple[str, bool | None]]:
    """(What was measured, budget met or not; None for a note.) The budgets hold this
    tree; --compare's tree is the reference."""
    verdicts = []
    rows = {row.key: row for row in ROWS}
    mine = {
        size: {r.key: r for r in results if r.tree in ("this", "new")}
        for size, results in by_size.items()
    }
    for size_name, results in by_size.items():
        old = {r.key: r for r in results if r.tree == "old"}
        for key, r in mine[size_name].items():
            row = rows[key]
            if key in old:
                rise = cpu(r) / max(cpu(old[key]), 1e-9)
                text = f"{size_name}: {row.label} CPU per request ×{rise:.2f} of the old code's"
                verdicts.append(
                    (text + " (<= ×1.15)", rise <= CPU_RISE) if row.learner_page else (text, None)
                )
            if row.learner_page and think_ms:
                verdicts.append(
                    (
                        f"{size_name}: {row.label} paced p99 {r.paced_p99_ms:.0f} ms with 50 "
                        f"clients (< {LEARNER_P99_MS} ms)",
                        r.paced_p99_ms < LEARNER_P99_MS,
                    )
                )
        verdicts.append(
            (
                f"{size_name}: no failed requests",
                all(r.failures == 0 and r.paced_failures == 0 for r in results),
            )
        )
    if {"small", "large"} <= mine.keys():
        for key, r in mine["large"].items():
            s = mine["small"].get(key)
            if s:
                ratio = cpu(r) / max(cpu(s), 1e-9)
                verdicts.append(
                    (
                        f"large vs small, {rows[key].label}: CPU per request ×{ratio:.2f} "
                        f"(<= ×{SIZE_RATIO})",
                        ratio <= SIZE_RATIO,
                    )
                )
    return verdicts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["small", "large", "both"], default="small")
    parser.add_argument("--duration", type=float, default=10, help="seconds per row")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per row")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--think",
        type=int,
        default=1000,
        help="mean ms a paced client pauses before each request (0: no paced pass)",
    )
    parser.add_argument("--workers", type=int, default=0, help="default: gunicorn.conf.py's")
    parser.add_argument("--port", type=int, default=8181, help="and the next one with --compare")
    parser.add_argument("--database", default="ceapp_load", help="created and dropped")
    parser.add_argument("--pool", type=int, default=1000, help="logged-in learners per shape")
    parser.add_argument("--submitters", type=int, default=0, help="fresh attempts to grade")
    parser.add_argument("--rows", default=",".join(row.key for row in ROWS))
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="PATH",
        help="another checkout of the app, measured side by side as 'old' (this one: 'new'), "
        "without the paced runs",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the app servers, e.g. GUNICORN_MAX_REQUESTS=0",
    )
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="give the app servers this REDIS_URL (shared cache, cached_db sessions); "
        "its database is flushed before and after, e.g. redis://127.0.0.1:6379/7",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    args.rows = set(args.rows.split(","))
    # A timeout's SIGTERM unwinds like an error: the app servers stop, the database goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if not shutil.which("wrk"):
        print("wrk is not installed. On Debian/Ubuntu: apt-get install -y wrk", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="ceapp-load-"))
    env = common.production_env(
        database=common.database_url(args.database),
        static_root=work / "static",
        media_root=work / "media",
    )
    # The production settings plus the logged-in no-op view (tests/benchmarks/load/urls.py).
    env["DJANGO_SETTINGS_MODULE"] = "tests.benchmarks.load.settings"
    if args.redis:
        env["REDIS_URL"] = args.redis
    env.update(item.split("=", 1) for item in args.set)
    # This process seeds the sessions, so it signs them with the app servers' key.
    os.environ.update(env)
    if args.compare:  # and it names the backend both trees have (side_by_side_settings)
        os.environ["DJANGO_SETTINGS_MODULE"] = side_by_side_settings("new", work)
        sys.path.insert(0, str(work))
    import django

    django.setup()
    trees = [Tree("this", common.ROOT, sys.executable)]
    if args.compare:
        other = args.compare.resolve()
        python = other / ".venv" / "bin" / "python"
        trees = [
            Tree("old", other, str(python) if python.exists() else sys.executable),
            Tree("new", common.ROOT, sys.executable),
        ]
    machine = common.machine()
    print(f"machine: {machine}, load average {os.getloadavg()}", flush=True)

    sizes = ["small", "large"] if args.size == "both" else [args.size]
    by_size, infos = {}, {}
    try:
        for size_name in sizes:
            redis_flush(args.redis)  # each size starts with a cold shared cache
            by_size[size_name], infos[size_name] = run_size(size_name, args, work, trees, env)
    finally:
        redis_flush(args.redis)

    print()
    print(
        f"wrk -t1 -c{args.connections}, {args.duration:g}s per row after {args.warmup:g}s "
        f"warm-up; gunicorn sync workers: {infos[sizes[0]]['workers']}; "
        f"{'Redis cache, cached_db sessions' if args.redis else 'no Redis'}; "
        f"{machine['cpus']} CPUs "
        f"({machine['cpu']}), {machine['memory_gib']} GiB, PostgreSQL {machine['postgresql']}"
    )
    if args.compare:
        print(f"old: {trees[0].root}; new: {trees[1].root}")
    for size_name in sizes:
        print()
        print(table(size_name, by_size[size_name], args.think))
        info = infos[size_name]
        before, after = info["load_average_before"], info["load_average_after"]
        print(
            f"\nseed {info['seed_seconds']}s, migrate {info['migrate_seconds']}s, "
            f"5xx/errors in the server logs: {info['server_errors']}; load average "
            f"{before[0]:.1f} before, {after[0]:.1f} after"
        )
    others = [r.other_cores for results in by_size.values() for r in results]
    if others and sum(others) / len(others) > 0.25:
        print(
            f"\nNote: other processes used {sum(others) / len(others):.2f} of "
            f"{machine['cpus']} cores on average during the rows, so throughput and latency "
            "are lower than the app alone would give; CPU per request is the comparable figure."
        )
    verdicts = targets(by_size, args.think)
    print("\nBudgets:")
    for text, met in verdicts:
        print(f"  [{'note' if met is None else 'met' if met else 'NOT met'}] {text}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine,
                    "args": {
                        k: sorted(v) if isinstance(v, set) else str(v)
                        for k, v in vars(args).items()
                    },
                    "sizes": {
                        name: {"results": [asdict(r) for r in by_size[name]], **infos[name]}
                        for name in sizes
                    },
                    "budgets": verdicts,
                },
                indent=2,
            )
        )
    shutil.rmtree(work, ignore_errors=True)
    failed = any(r.failures for results in by_size.values() for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
