import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insjoriket.settings")
application = get_asgi_application()

# Requests run as the application's role, which owns nothing (insjoriket/db_roles.py).
from insjoriket.db_roles import use_app_role  # noqa: E402 - after Django is set up

use_app_role()
