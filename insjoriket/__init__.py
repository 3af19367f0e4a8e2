# The Celery app is loaded with Django so that ``@shared_task`` uses it.
from insjoriket.celery import app as celery_app

__all__ = ("celery_app",)
