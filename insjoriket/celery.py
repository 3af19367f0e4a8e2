"""The Celery app: bulk PDF work (a whole year's protocols) runs in a worker, not in a request.

Configured from Django's settings (names starting with ``CELERY_``); the broker is Redis
(``CELERY_BROKER_URL``). There is no result backend: a job's state lives in the database
(``decisions.models.ProtocolBatch``), so every app server sees it.

Start a worker with ``celery -A insjoriket worker -l info --concurrency 1``.
"""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insjoriket.settings")

app = Celery("insjoriket")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["decisions.publishing"])


@worker_init.connect
def _worker_runs_as_app_role(**kwargs):
    """The worker's jobs run as the application's role, like requests (insjoriket/db_roles.py)."""
    from insjoriket.db_roles import use_app_role

    use_app_role()
