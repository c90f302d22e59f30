# Loaded with Django, so @shared_task binds to this app in app servers and workers alike.
from .celery import app as celery_app

__all__ = ["celery_app"]
