"""Real servers on loopback for the mail tests and the spike: an SMTP server that can
misbehave on purpose, a private Redis, and Celery workers as subprocesses.

Nothing here imports Django, so the spike can use it before setting its environment.
tests/conftest.py wraps each in a fixture.
"""

import asyncio
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_until(condition, *, timeout: float, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise TimeoutError(f"{what} not met within {timeout} s")


# --- SMTP ----------------------------------------------------------------------------


class Fault:
    """What the SMTP server does with the next message."""

    ACCEPT = "accept"  # 250: the message is delivered (and counted)
    REFUSE = "refuse"  # nothing listens on the port: the connection is refused
    HANG = "hang"  # takes the whole message and never answers
    DROP = "drop"  # closes the connection halfway through the message
    TEMPFAIL = "tempfail"  # 451: try again later
    REJECT = "reject"  # 550: refused for good
    BAD_LOGIN = "bad_login"  # 535 to the sign-in: the server's password was changed


@dataclass(frozen=True)
class Delivery:
    recipients: tuple
    message_id: str
    subject: str
    body: str


class _FaultySMTP(SMTP):
    async def smtp_DATA(self, arg):
        if self._owner.fault == Fault.DROP and self.envelope.rcpt_tos:
            # Ask for the message, read its first line, then cut the connection.
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.readline()
            self._owner.dropped += 1
            self.transport.abort()
            return
        await super().smtp_DATA(arg)


class _Handler:
    def __init__(self, owner: "SmtpServer"):
        self.owner = owner

    async def handle_DATA(self, server, session, envelope):
        owner = self.owner
        if owner.fault == Fault.HANG:
            owner.hung += 1
            started = time.monotonic()
            try:
                await asyncio.Event().wait()  # forever: the client times out and leaves
            finally:  # cancelled when the client closes the connection
                owner.held.append(time.monotonic() - started)
        if owner.fault == Fault.TEMPFAIL:
            owner.deferred += 1
            return "451 4.3.0 Mailbox busy, try again later"
        if owner.fault == Fault.REJECT:
            return "550 5.1.1 No such mailbox"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with owner.lock:
            owner.deliveries.append(
                Delivery(
                    recipients=tuple(envelope.rcpt_tos),
                    message_id=message["Message-ID"],
                    subject=str(message["Subject"]),
                    body=message.get_body(preferencelist=("plain",)).get_content(),
                )
            )
        return "250 2.0.0 Message accepted for delivery"


class _Controller(Controller):
    def __init__(self, owner, **kwargs):
        self._owner = owner
        super().__init__(
            _Handler(owner),
            hostname=HOST,
            port=owner.port,
            # Offers sign-in (without TLS, on loopback); a client with no user skips it.
            authenticator=lambda *args: AuthResult(
                success=owner.fault != Fault.BAD_LOGIN, handled=False
            ),
            auth_require_tls=False,
            **kwargs,
        )

    def factory(self):
        smtp = _FaultySMTP(self.handler, **self.SMTP_kwargs)
        smtp._owner = self._owner
        return smtp


class SmtpServer:
    """aiosmtpd on a free loopback port; set `fault` to change how it answers.

    `deliveries` lists the messages it accepted (answered 250), which is what a mail
    server counts as delivered; `hung`, `dropped` and `deferred` count the faults served,
    and `held` how many seconds each client stayed on a hung connection.
    """

    def __init__(self, port: int | None = None):
        # aiosmtpd logs every command it receives at INFO; only its warnings matter here.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.port = port or free_port()
        self.deliveries: list[Delivery] = []
        self.lock = threading.Lock()
        self.hung = self.dropped = self.deferred = 0
        self.held: list[float] = []
        self._fault = Fault.ACCEPT
        self._controller = None

    @property
    def fault(self) -> str:
        return self._fault

    @fault.setter
    def fault(self, fault: str) -> None:
        # Refusing means nothing listens on the port; anything else needs the server.
        if fault == Fault.REFUSE:
            self.stop()
        elif self._controller is None:
            self.start()
        self._fault = fault

    def start(self) -> "SmtpServer":
        if self._controller is None:
            # ready_timeout: aiosmtpd connects once itself to see the server answer.
            self._controller = _Controller(self, ready_timeout=10)
            self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop(no_assert=True)
            self._controller = None

    def count_by_recipient(self) -> dict:
        counts = {}
        for delivery in self.deliveries:
            for rcpt in delivery.recipients:
                counts[rcpt] = counts.get(rcpt, 0) + 1
        return counts


# --- Redis ---------------------------------------------------------------------------


class RedisServer:
    """A private redis-server on a free port, never the shared one.

    `appendonly` keeps every write in an append-only file, so a restart keeps the
    queues; without it a restart starts empty, as after a crash of a cache-style Redis.
    """

    def __init__(self, *, appendonly: bool = False):
        self.port = free_port()
        self.appendonly = appendonly
        self.dir = Path(tempfile.mkdtemp(prefix="ceapp-redis-"))
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> "RedisServer":
        args = ["--port", str(self.port), "--bind", HOST, "--dir", str(self.dir), "--save", ""]
        args += ["--appendonly", "yes" if self.appendonly else "no", "--appendfsync", "always"]
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server") or "redis-server", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, what="redis-server answering")
        return self

    def _answers(self) -> bool:
        try:
            return self.command("PING") == b"+PONG"
        except OSError:
            return False

    def command(self, *words: str) -> bytes:
        """One inline command; the raw first reply line (enough for PING and LLEN)."""
        with socket.create_connection((HOST, self.port), timeout=2) as s:
            s.sendall(" ".join(words).encode() + b"\r\n")
            return s.recv(65536).split(b"\r\n", 1)[0]

    def llen(self, key: str) -> int:
        return int(self.command("LLEN", key)[1:])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # redis-server writes its append-only file on SIGTERM
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- Celery workers ------------------------------------------------------------------


class CeleryWorker:
    """`celery -A ceapp worker` in its own process group, logging to a file.

    One pool process (prefork, concurrency 1) unless told otherwise; `env` is the
    environment it runs with (database, broker, SMTP server, timeouts).
    """

    def __init__(self, *, env: dict, log_dir: Path, concurrency: int = 1, niceness: int = 0):
        self.env = env
        self.niceness = niceness
        self.name = f"test-{uuid.uuid4().hex[:8]}@{HOST}"
        self.log = Path(log_dir) / f"worker-{self.name.split('@')[0]}.log"
        self.concurrency = concurrency
        self.process = None

    def start(self, *, wait: bool = True) -> "CeleryWorker":
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            [
                *(["nice", "-n", str(self.niceness)] if self.niceness else []),  # nice execs
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "ceapp",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(self.concurrency),
                "--hostname",
                self.name,
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, so it can be killed whole
        )
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited; see {self.log}:\n{self.output()[-3000:]}")
            return " ready." in self.output()

        wait_until(ready, timeout=timeout, what="the Celery worker ready")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def pool_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def kill(self) -> None:
        """SIGKILL to the whole worker, its pool processes too, as the OOM killer might."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._close_log()

    def stop(self, timeout: float = 20) -> None:
        """A warm shutdown (SIGTERM): the task in hand finishes, nothing new is taken."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._close_log()

    def _close_log(self) -> None:
        if getattr(self, "_log_file", None) and not self._log_file.closed:
            self._log_file.close()


def worker_env(
    *,
    database_url: str,
    broker_url: str,
    smtp_port: int,
    email_timeout: float = 1,
    retry_delay: float = 0.5,
    visibility_timeout: int = 3600,
    base: dict | None = None,
) -> dict:
    """The environment of a worker that sends through a loopback SMTP server."""
    env = {k: v for k, v in (base or os.environ).items() if not k.startswith(("REDIS_", "CELERY"))}
    env.update(
        DJANGO_SETTINGS_MODULE="ceapp.settings",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        CELERY_VISIBILITY_TIMEOUT=str(visibility_timeout),
        EMAIL_HOST=HOST,
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="0",
        EMAIL_USE_SSL="0",
        EMAIL_TIMEOUT=str(email_timeout),
        EMAIL_RETRY_DELAY=str(retry_delay),
        EMAIL_RETRY_DELAY_MAX=str(retry_delay * 4),
        PYTHONUNBUFFERED="1",
    )
    return env
