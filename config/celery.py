"""The Celery application.

With ``REDIS_URL`` set, tasks go through Redis to a worker (``celery -A config worker``).
Without it (the embedded default), settings make every task run eagerly in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zlagoda")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
