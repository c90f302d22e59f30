"""What a fresh process would otherwise do on its first requests, done once beforehand.

Django imports the URLconf (every view, the admin's routes) and compiles each template
only when a request first needs them. gunicorn runs warm_up() in its master (preload_app),
so every worker it forks, a recycled worker's replacement too, starts with it done.
"""

import gc
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_backends
from django.core.cache import caches
from django.template import engines
from django.urls import get_resolver

from ceapp.celery import app as celery_app


def warm_up() -> None:
    """Import the URLconf, the cache, auth and context processor modules, build the
    URL lookup tables and compile the project's templates; then freeze the heap, so
    the forked workers' garbage collector leaves those pages shared."""
    get_resolver().reverse_dict  # noqa: B018  # builds both tables, compiling every route
    engine = engines["django"].engine
    for directory in engine.dirs:
        for path in sorted(Path(directory).rglob("*.html")):
            engine.get_template(path.relative_to(directory).as_posix())
    engine.template_context_processors  # noqa: B018  # imports them
    get_backends()
    for alias in settings.CACHES:
        # Imports the backend (django-redis and redis-py); the object is dropped, since
        # nothing that may hold a connection should cross the fork.
        caches.create_connection(alias)
    warm_up_tasks()
    gc.freeze()


def warm_up_tasks() -> None:
    """Find the tasks, build their routes and import the broker's transport (kombu with
    redis-py or py-amqp), so the first request that queues an email does not pay for it.
    No connection is opened."""
    celery_app.tasks  # noqa: B018  # finalizes the app: autodiscovers courses.tasks
    celery_app.amqp.router  # noqa: B018
    if not celery_app.conf.task_always_eager:
        celery_app.connection_for_write().transport  # noqa: B018
