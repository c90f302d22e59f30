"""CPU per request of each middleware, with the production settings, in one process.

A GET of the trivial view (/healthz) goes through MIDDLEWARE with a stamp between every
two middleware (and one before the view); each middleware's CPU is the time between its
stamps on the way in and on the way out, less what an empty layer costs. All layers are
measured in the same requests, and each keeps its best round, so other load on the
machine mostly drops out. Django's startproject list is timed whole for reference.

    .venv/bin/python tests/benchmarks/middleware_bench.py [ROUNDS] [REQUESTS] >/dev/null

The request log's lines go to stdout as in production; the table goes to stderr. Run it
from another checkout's root, with that checkout's Python, to measure that one.
"""

import io
import os
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.update(
    DJANGO_SETTINGS_MODULE="ceapp.settings",
    DEBUG="0",
    SECRET_KEY="benchmark-" + "k" * 50,
    ALLOWED_HOSTS="testserver",
    LOG_LEVEL="INFO",
)
import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

STARTPROJECT = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def environ():
    """A GET of /healthz as nginx hands it over (HTTPS per X-Forwarded-Proto)."""
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_ACCEPT": "*/*",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }


def start_response(status, headers, exc_info=None):
    assert status.startswith("200"), status


TRACE = []  # (layer, time) on the way in, (-1 - layer, time) on the way out


class Stamp:
    layer = 0

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        TRACE.append((self.layer, time.process_time_ns()))
        response = self.get_response(request)
        TRACE.append((-1 - self.layer, time.process_time_ns()))
        return response


class Passthrough:
    """An empty layer: what a stamp pair and Django's wrapping cost by themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


for _n in range(40):
    globals()[f"Stamp{_n}"] = type(f"Stamp{_n}", (Stamp,), {"layer": _n})


def with_stamps(middleware: list[str]) -> list[str]:
    stamped = []
    for n, name in enumerate(middleware):
        stamped += [f"{__name__}.Stamp{n}", name]
    return [*stamped, f"{__name__}.Stamp{len(middleware)}"]


def layer_times(handler, layers: int, requests: int) -> list[float]:
    """Mean CPU µs per request spent in each layer (between stamps n and n + 1)."""
    totals = [0] * layers
    for _ in range(requests):
        TRACE.clear()
        handler(environ(), start_response).close()
        stamps = dict(TRACE)
        for n in range(layers):
            totals[n] += (stamps[n + 1] - stamps[n]) + (stamps[-1 - n] - stamps[-2 - n])
    return [total / requests / 1000 for total in totals]


def main(rounds: int = 10, requests: int = 500) -> None:
    full = list(settings.MIDDLEWARE)
    with override_settings(MIDDLEWARE=with_stamps(full)):
        stamped = WSGIHandler()
    with override_settings(MIDDLEWARE=with_stamps([f"{__name__}.Passthrough"])):
        empty = WSGIHandler()
    whole = {}
    for name, middleware in (("app", full), ("startproject", STARTPROJECT)):
        with override_settings(MIDDLEWARE=middleware):
            whole[name] = WSGIHandler()
    best = [float("inf")] * len(full)
    best_empty, best_whole = float("inf"), dict.fromkeys(whole, float("inf"))
    for _ in range(rounds):
        for n, value in enumerate(layer_times(stamped, len(full), requests)):
            best[n] = min(best[n], value)
        best_empty = min(best_empty, layer_times(empty, 1, requests)[0])
        for name, handler in whole.items():
            for _ in range(50):
                handler(environ(), start_response).close()
            started = time.process_time()
            for _ in range(requests):
                handler(environ(), start_response).close()
            elapsed = (time.process_time() - started) / requests * 1e6
            best_whole[name] = min(best_whole[name], elapsed)
    out = [f"An empty layer: {best_empty:.1f} µs, taken off each row.", ""]
    out += ["| Middleware | CPU µs per request |", "| --- | ---: |"]
    out += [f"| `{name}` | {max(0.0, best[n] - best_empty):.0f} |" for n, name in enumerate(full)]
    out.append(f"| The trivial view through all of them | {best_whole['app']:.0f} |")
    out.append(
        f"| The same through Django's startproject list | {best_whole['startproject']:.0f} |"
    )
    print("\n".join(out), file=sys.stderr)


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
