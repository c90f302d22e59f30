"""Shared plumbing for the load benchmark and the spike: throwaway PostgreSQL
databases, the production environment, gunicorn app servers and a small HTTP client.

Nothing here imports Django, so the runner can set the environment first.
"""

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[3]
HOST = "127.0.0.1"


def server_url() -> str:
    """The PostgreSQL server: the one DATABASE_URL names, else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return "postgres://postgres@127.0.0.1:5432/postgres"


def database_url(name: str, base: str | None = None) -> str:
    parts = urlsplit(base or server_url())
    return urlunsplit(parts._replace(path=f"/{name}", query=""))


def _maintenance(base: str | None = None):
    return psycopg.connect(database_url("postgres", base), autocommit=True)


def database_create(name: str) -> str:
    """A new, empty database (dropped first if it exists); returns its URL."""
    with _maintenance() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(name)


def database_drop(name: str) -> None:
    with _maintenance() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_version() -> str:
    with _maintenance() as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def production_env(
    *, database: str, static_root: Path, media_root: Path, secret_key: str | None = None
) -> dict:
    """The environment of a production app server on loopback (DEBUG off, PostgreSQL).

    HTTPS is what a proxy would say it is (X-Forwarded-Proto), so the redirect, secure
    cookies and CSRF origin checks all run as in production. No Redis: sessions are
    database rows shared by every app server.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_", "DB_POOL", "REDIS_", "AWS_"))
        and key not in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "MEDIA_STORAGE", "CONN_MAX_AGE"}
    }
    media_root.mkdir(parents=True, exist_ok=True)
    env.update(
        DJANGO_SETTINGS_MODULE="ceapp.settings",
        DEBUG="0",
        SECRET_KEY=secret_key or secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f"{HOST},localhost",
        DATABASE_URL=database,
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(media_root),
        SITE_URL=f"https://{HOST}",
        PYTHONUNBUFFERED="1",
        GUNICORN_LOG_LEVEL="warning",
    )
    return env


def manage(env: dict, *args: str, root: Path = ROOT, python: str = sys.executable) -> float:
    """Run manage.py with this environment; return the seconds it took."""
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [python, "manage.py", *args],
        cwd=root,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def free_ports(n: int) -> list[int]:
    """Ports nothing listens on right now, chosen by the kernel."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind((HOST, 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class AppServer:
    """One gunicorn instance with the production config, logging to a file; by default
    this checkout's app with this Python."""

    def __init__(
        self,
        *,
        port: int,
        env: dict,
        workers: int,
        log: Path,
        root: Path = ROOT,
        python: str = sys.executable,
    ):
        self.port, self.log, self.root, self.python = port, log, root, python
        self.env = {**env, "GUNICORN_BIND": f"{HOST}:{port}", "GUNICORN_WORKERS": str(workers)}
        self.process = None

    def start(self) -> "AppServer":
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            [self.python, "-m", "gunicorn", "-c", "ceapp/gunicorn.conf.py"],
            cwd=self.root,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on {self.port} exited; see {self.log}")
            try:
                if request(self.port, "GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn on {self.port} did not get ready; see {self.log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self._log_file.close()

    def __enter__(self):
        self.start()
        self.wait_ready()
        return self

    def __exit__(self, *exc):
        self.stop()


def server_errors(log: Path) -> list[str]:
    """Request-log lines with a 5xx status, and any line logged at ERROR or above."""
    bad = []
    for line in log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        status = record.get("status")
        if (isinstance(status, int) and status >= 500) or record.get("level") in {
            "ERROR",
            "CRITICAL",
        }:
            bad.append(line[:300])
    return bad


def headers_for(port: int, *, session: str = "", csrf: str = "", post: bool = False) -> dict:
    """What a browser behind the TLS proxy sends: the proxy's header and the cookies.

    A browser that has been shown any page with a form (the log-out button is on every
    page) holds the CSRF cookie and sends it with every request; a form post adds where
    it came from."""
    headers = {"Host": f"{HOST}:{port}", "X-Forwarded-Proto": "https"}
    cookies = [f"sessionid={session}"] if session else []
    if csrf:
        cookies.append(f"csrftoken={csrf}")
    if post:
        headers["Origin"] = f"https://{HOST}:{port}"
        headers["Referer"] = f"https://{HOST}:{port}/"
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    return headers


def request(port, method, path, *, headers=None, body=None, timeout=60):
    """One request on a new connection: (status, headers as a list of pairs, body)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Host": f"{HOST}:{port}", "X-Forwarded-Proto": "https", **(headers or {})}
        if body is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int, *, children: bool = False) -> float:
    """User + system CPU of a process (and of its children it has reaped)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / _TICKS


def app_cpu_seconds(master_pid: int) -> float:
    """CPU used by a gunicorn master and all its workers, live and recycled."""
    total = process_cpu_seconds(master_pid, children=True)
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        children = []
    return total + sum(process_cpu_seconds(int(pid)) for pid in children)


def database_cpu(database: str) -> dict[int, float]:
    """CPU seconds per PostgreSQL backend serving this database (a local server only)."""
    with _maintenance() as conn:
        pids = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [database],
            )
        ]
    return {pid: process_cpu_seconds(pid) for pid in pids}


def machine_busy_seconds() -> float:
    """CPU seconds every core of the machine has spent busy since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / _TICKS


def machine() -> dict:
    """nproc, memory, CPU model and PostgreSQL version, for the report."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "postgresql": postgres_version(),
    }
