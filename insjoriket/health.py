"""Health endpoint for load balancers and monitoring: ``GET /halsa/``.

Answers 200 with ``{"status": "ok", "database": "ok"}`` when PostgreSQL answers ``SELECT 1``,
and 503 with ``"database": "fel"`` when it does not, so a load balancer takes an app server
whose database connection is broken out of rotation. It reads no registered data and needs no
login; the answer is never cached.
"""

import logging
import time

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def health(request):
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Hälsokontroll: databasen svarar inte")
        return JsonResponse({"status": "fel", "database": "fel"}, status=503)
    elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    return JsonResponse({"status": "ok", "database": "ok", "database_ms": elapsed_ms})
