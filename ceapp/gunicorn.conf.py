"""gunicorn settings for the CE app: `gunicorn -c ceapp/gunicorn.conf.py`.

Every value can be set from the environment, so one file serves a laptop, CI and
production. The WSGI app (ceapp.wsgi:application) is set here too.

Workers. Django renders pages in Python, so a request mostly uses CPU and waits on
PostgreSQL for a little of its time. Plain sync workers, 2 x cores + 1 of them, keep
every core busy while some workers wait on the database, and each worker holds one
persistent database connection. Threads inside a worker would only take turns on the
GIL for this work. Set GUNICORN_THREADS above 1 to
switch to the gthread worker (gunicorn does so itself) when requests spend long
waiting on I/O (a slow S3, a remote database), or to keep client connections alive;
then pair it with DB_POOL=1 so the threads share a few connections.
"""

import multiprocessing
import os

from ceapp.logging import logging_config

wsgi_app = "ceapp.wsgi:application"

# Where to listen: GUNICORN_BIND wins ("unix:/run/ceapp.sock" or "10.0.0.11:8000"),
# else PORT on all interfaces (the platform convention), else loopback only.
if os.environ.get("GUNICORN_BIND"):
    bind = os.environ["GUNICORN_BIND"].split(",")
elif os.environ.get("PORT"):
    bind = [f"0.0.0.0:{os.environ['PORT']}"]
else:
    bind = ["127.0.0.1:8000"]

workers = int(
    os.environ.get("GUNICORN_WORKERS")
    or os.environ.get("WEB_CONCURRENCY")
    or multiprocessing.cpu_count() * 2 + 1
)
threads = int(os.environ.get("GUNICORN_THREADS", 1))

# A worker silent this long is killed and replaced (a stuck request, not a slow one:
# every page answers in milliseconds). graceful_timeout lets requests in flight finish
# on a restart or deploy.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
# Only the gthread worker keeps connections alive. Behind nginx, longer than its
# upstream keepalive_timeout (60 s), so gunicorn never closes a connection that nginx
# is about to reuse.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 65))

# Recycle each worker after about this many requests so a slow leak cannot grow; the
# jitter spreads restarts so the workers never all restart at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))
# Load the app once in the master and fork the workers from it: a recycled worker starts
# at once, already warmed up (when_ready), and the workers share the code's memory.
# Nothing connects to PostgreSQL or Redis at import, so no connection crosses the fork.
# New code needs a restart of the master, not a HUP. GUNICORN_PRELOAD=0 loads the app in
# each worker instead.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"


def when_ready(server):
    """In the master, once the app is loaded: do the first-request work (URLconf,
    templates) once here, not again in each new worker (ceapp.warmup)."""
    if server.cfg.preload_app:
        from ceapp.warmup import warm_up

        warm_up()


# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108  # nosec B108

# The app writes one JSON line per request itself, so gunicorn's access log stays off;
# gunicorn's own messages (start, worker restarts, timeouts) are JSON lines too.
accesslog = None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = logging_config(os.environ.get("LOG_LEVEL", "INFO"))

# Which proxies may tell gunicorn that the client's connection was HTTPS
# (X-Forwarded-Proto). Only list your load balancer or nginx addresses, comma
# separated; "*" trusts any peer and is safe only when nothing else can reach the app
# servers. Django itself reads X-Forwarded-Proto through SECURE_PROXY_SSL_HEADER, so
# the proxy must always overwrite that header (see docs/nginx.conf).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The control socket lives at one fixed path per user; two instances on one host (two
# ports, as in the scale-out test) would fight over it, and nothing here uses it.
control_socket_disable = True

proc_name = os.environ.get("GUNICORN_PROC_NAME", "ceapp")
