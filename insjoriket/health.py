"""Health endpoint for load balancers and monitoring: ``GET /halsa/``.

Answers 200 with ``{"status": "ok", "database": "ok"}`` when PostgreSQL answers ``SELECT 1``,
and 503 with ``"database": "fel"`` when it does not, so a load balancer takes an app server
whose database connection is broken out of rotation. It reads no registered data and needs no
login; the answer is never cached.

The same one query says whether the database's guards hold (insjoriket/db_roles.py):
``"databasskydd": "på"`` when the application runs as a role that owns nothing, ``"av"`` with
a Swedish ``"varning"`` when it runs as the tables' owner or a superuser (no
``DATABASE_APP_ROLE``). A load balancer reads only the status; monitoring can alert on the rest.
"""

import logging
import time

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from insjoriket.db_roles import guard_status

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def health(request):
    started = time.perf_counter()
    try:
        guards = guard_status(connection)
    except DatabaseError:
        logger.exception("Hälsokontroll: databasen svarar inte")
        return JsonResponse({"status": "fel", "database": "fel"}, status=503)
    elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    answer = {"status": "ok", "database": "ok", "database_ms": elapsed_ms}
    if guards["on"]:
        answer["databasskydd"] = _("på")
    else:
        answer["databasskydd"] = _("av")
        answer["varning"] = _(
            "Databasens skydd är avstängda: applikationen kör som tabellernas ägare eller som "
            "superanvändare, så historik kan raderas eller ändras och spärrarna kan stängas av. "
            "Ange DATABASE_APP_ROLE."
        )
    return JsonResponse(answer)
