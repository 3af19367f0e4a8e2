"""The database bootstrap: PostgreSQL from DATABASE_URL, or the embedded one from pgserver."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from insjoriket.database import parse_database_url

ROOT = Path(__file__).resolve().parents[2]


def test_tests_run_on_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


def test_connections_run_without_jit(db):
    """A page's queries are short; JIT compilation only added time to them (docs/benchmarks.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_database_url_with_socket_host_is_parsed():
    settings = parse_database_url("postgresql://postgres:@/insjoriket?host=/tmp/sock")
    assert settings["NAME"] == "insjoriket"
    assert settings["HOST"] == "/tmp/sock"
    assert settings["ENGINE"] == "django.db.backends.postgresql"


def test_database_url_of_another_engine_is_refused():
    with pytest.raises(ValueError, match="PostgreSQL"):
        parse_database_url("sqlite:///db.sqlite3")


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


@pytest.mark.embedded
def test_without_database_url_the_embedded_postgresql_starts_and_keeps_its_data(tmp_path):
    """Without DATABASE_URL the project starts pgserver's PostgreSQL in its own data folder;
    a second process reuses the running server and sees what the first one wrote."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["INSJORIKET_PGDATA"] = str(tmp_path / "pgdata")
    try:
        _manage(env, "migrate", "--noinput", "-v", "0")
        _manage(
            env,
            "shell",
            "-c",
            "from members.models import Organisation; "
            "Organisation.objects.create(name='Inbäddad kommun', kind='municipality')",
        )
        out = _manage(
            env,
            "shell",
            "-c",
            "from django.db import connection; from members.models import Organisation; "
            "print(connection.vendor, connection.settings_dict['HOST'], "
            "Organisation.objects.get(name='Inbäddad kommun').kind)",
        ).stdout
        vendor, host, kind = out.strip().splitlines()[-1].split()
        assert vendor == "postgresql"
        assert host.startswith("/"), "the embedded server listens on a Unix socket"
        assert kind == "municipality"
        # The embedded server sets up the application's role itself (migrate did): the WSGI
        # application runs as it, and the guards hold.
        out = _manage(
            env,
            "shell",
            "-c",
            "import insjoriket.wsgi; from django.db import connection; "
            "from insjoriket.db_roles import guard_status; s = guard_status(connection); "
            "print(s['role'], s['on'])",
        ).stdout
        assert out.strip().splitlines()[-1].split() == ["insjoriket_app", "True"]
    finally:
        import warnings

        import pgserver

        warnings.simplefilter("ignore")
        pgserver.get_server(tmp_path / "pgdata", cleanup_mode="stop").cleanup()
