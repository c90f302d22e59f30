"""Logging: one JSON object per line on stdout, and one line per request.

RequestLogMiddleware times each request and logs method, path, status, duration,
user id and request id on the "ceapp.request" logger. logging_config() is the one
configuration, Django's LOGGING and gunicorn's logconfig_dict alike: JsonFormatter for
every logger, and gunicorn's access log off, so each request is logged exactly once.
"""

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger("ceapp.request")

# The current request id, so every record logged while serving it carries the id.
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# A proxy's id is kept only if it is short and plain; anything else is replaced.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

# URLs whose path carries a secret: the route pattern is logged instead.
_SECRET_PATHS = {"account_reset_password_from_key", "account_confirm_email"}

# Standard LogRecord attributes, plus Django's "request" extra (its repr holds the
# query string): none of these are copied into the JSON line.
_SKIPPED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "request"}


def logging_config(level: str) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "ceapp.logging.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # gunicorn sets this one's level from its loglevel setting.
            "gunicorn.error": {"handlers": ["console"], "propagate": False},
            "gunicorn.access": {"handlers": [], "propagate": False},
        },
    }


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.request_id)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - start) * 1000, 2)
            response["X-Request-ID"] = request.request_id
            path = request.path
            match = request.resolver_match
            if match is not None and match.url_name in _SECRET_PATHS:
                path = "/" + match.route
            logger.info(
                "%s %s %s",
                request.method,
                path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": _user_id(request),
                    "request_id": request.request_id,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def _user_id(request):
    """The user's id if this request already loaded the user; never a query of its own."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        user = user._wrapped
        if user is empty:
            return None
    return getattr(user, "pk", None)


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _SKIPPED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
