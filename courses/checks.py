from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def secret_key_set(app_configs, **kwargs):
    """Without SECRET_KEY the settings make up a key per process (ceapp/settings.py):
    safe, but no deploy can run on it."""
    if settings.SECRET_KEY.startswith("django-insecure-"):
        return [
            Error(
                "SECRET_KEY is not set, so each process signs sessions with a random key "
                "of its own: logins would not survive a restart or reach another server.",
                hint="Set SECRET_KEY to 50+ random characters, the same on every server.",
                id="ceapp.E001",
            )
        ]
    return []


@register(Tags.compatibility, deploy=True)
def task_broker_set(app_configs, **kwargs):
    """In production, mail needs a worker: without a broker, the request sends it."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        return []
    return [
        Warning(
            "No task broker: each email is sent inside the request that queues it.",
            hint="Set REDIS_URL or CELERY_BROKER_URL and run `celery -A ceapp worker` and "
            "`celery -A ceapp beat` (README, Running in production).",
            id="courses.W001",
        )
    ]
