"""The Celery app: `celery -A ceapp worker` and `celery -A ceapp beat` (README,
"Running in production"). Its settings are the CELERY_* names in ceapp/settings.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceapp.settings")

app = Celery("ceapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
