"""Database bootstrap: PostgreSQL only.

With ``DATABASE_URL`` set, Django connects to that server (CI, production). Without it, the
project starts its own PostgreSQL from the ``pgserver`` package in ``var/pgdata`` inside the
project (ignored by git). The server is started on demand, reused by every later process and
left running, so its data survives restarts of the application.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

EMBEDDED_DATABASE_NAME = "insjoriket"
# The embedded server's application role (insjoriket/db_roles.py); `migrate` creates it.
EMBEDDED_APP_ROLE = "insjoriket_app"


def parse_database_url(url: str) -> dict:
    """Turn ``postgres://user:pass@host:port/name?host=/socket`` into Django's DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL måste vara en PostgreSQL-adress, inte {parsed.scheme!r}")
    query = parse_qs(parsed.query)
    host = unquote(parsed.hostname or "") or query.get("host", [""])[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "postgres",
        "USER": unquote(parsed.username or "postgres"),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": host,
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": os.environ.get("DJANGO_TEST_DATABASE_NAME") or None},
        # JIT compilation pays off for long analytical queries, not for a web page's: it added
        # 10-15 ms to every search and list query whose cost estimate crossed jit_above_cost
        # (EXPLAIN ANALYZE on the full-size register, docs/benchmarks.md).
        "OPTIONS": {"options": "-c jit=off"},
    }


def embedded_database_url(data_dir: Path, database: str = EMBEDDED_DATABASE_NAME) -> str:
    """Start (or reuse) the embedded PostgreSQL in ``data_dir`` and return a URL for ``database``.

    The server listens only on a Unix socket. ``cleanup_mode=None`` keeps it running after this
    process exits, so the next ``manage.py`` call connects at once instead of starting it again.
    """
    import logging
    import warnings

    logging.getLogger("pgserver").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); harmless here.
        warnings.simplefilter("ignore")
        import pgserver  # imported here: only the embedded path needs it

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = pgserver.get_server(data_dir, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    return server.get_uri(database)


def database_settings(base_dir: Path) -> dict:
    url = os.environ.get("DATABASE_URL")
    if not url:
        data_dir = Path(os.environ.get("INSJORIKET_PGDATA") or base_dir / "var" / "pgdata")
        url = embedded_database_url(data_dir)
    return parse_database_url(url)


def app_role_setting() -> str | None:
    """``DATABASE_APP_ROLE``; the embedded server (no ``DATABASE_URL``) always has one."""
    role = os.environ.get("DATABASE_APP_ROLE", "").strip()
    if role:
        return role
    return None if os.environ.get("DATABASE_URL") else EMBEDDED_APP_ROLE
