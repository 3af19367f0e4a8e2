"""The database's own guards: two roles and an audit of writes that bypass the history (issue 17).

The **owner** is the login of ``DATABASE_URL``: it owns every table, runs the migrations, the
data generator and the operator's other management commands (``manage.py …``).

The **application's role** (``DATABASE_APP_ROLE``) owns nothing. The processes that answer
requests — the WSGI application (gunicorn, runserver) and the Celery worker — switch every new
connection to it with ``SET ROLE`` (:func:`use_app_role`). It may SELECT, INSERT, UPDATE and
DELETE rows of the ordinary tables, only SELECT and INSERT on simple-history's tables and on
:data:`APPEND_ONLY_TABLES` (append-only), only SELECT on ``django_migrations``, only INSERT on
the audit table, and USAGE on the sequences: no TRUNCATE, no DDL on the project's tables, no
trigger control, no ``session_replication_role`` (superusers only). :func:`grant_privileges`
sets exactly this; it runs after every ``migrate`` (:func:`after_migrate`), so new tables
follow.

A write to a registered table (one with simple-history) that leaves no matching history row —
``QuerySet.update()``, ``bulk_create``, raw SQL — is recorded in the append-only table
``insjoriket_write_audit`` by a deferred trigger that compares, at commit, the row with its
latest history row (:data:`AUDIT_FUNCTION`). The owner's own writes (the generator's bulk COPY,
migrations) are not audited.

``SET ROLE`` stops the application's code, not an attacker who can send arbitrary SQL: such a
one could ``RESET ROLE``. A deployment that wants that too gives the web processes their own
login (``DATABASE_URL`` with the application's role and password) and runs ``migrate`` with the
owner's; :func:`guard_status` reports which of the two it sees.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from contextlib import contextmanager

import psycopg
from django.conf import settings
from psycopg import sql

logger = logging.getLogger(__name__)

AUDIT_TABLE = "insjoriket_write_audit"
# Tables the application only reads and appends to, like the history tables: a justerat
# protocol's snapshot and sealed originals (rule 38; their triggers refuse any change too).
APPEND_ONLY_TABLES = frozenset(
    {"decisions_justeringsnapshot", "decisions_protocoloriginal", "decisions_sealedcorrection"}
)
AUDIT_TRIGGER_PREFIX = "insjoriket_audit_"

_local = threading.local()
_app_mode = False
_warned = False

AUDIT_SQL = f"""
CREATE TABLE IF NOT EXISTS {AUDIT_TABLE} (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    table_name text NOT NULL,
    row_id text NOT NULL,
    operation text NOT NULL,
    db_role text NOT NULL DEFAULT current_user,
    row_now jsonb,
    history_last jsonb
);
COMMENT ON TABLE {AUDIT_TABLE} IS
    'Writes to registered tables that left no matching simple-history row (insjoriket.db_roles)';
"""

# At commit (a deferred constraint trigger), the row as it is now against its latest history
# row: a row that exists must equal its latest history row on every column both have (generated
# columns left out: TG_ARGV[3]); a row that is gone must have a '-' row last. Anything else is a
# write that bypassed simple-history and gets one audit row per row and transaction.
AUDIT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION insjoriket_audit_history_bypass() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    history_table text := TG_ARGV[0];
    pk_column text := TG_ARGV[1];
    pk_type text := TG_ARGV[2];
    skipped text[] := TG_ARGV[3]::text[];
    pk text;
    marker text;
    now_row jsonb;
    last_history jsonb;
    matches boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        pk := to_jsonb(OLD) ->> pk_column;
    ELSE
        pk := to_jsonb(NEW) ->> pk_column;
    END IF;
    EXECUTE format('SELECT to_jsonb(t) FROM %I t WHERE t.%I = $1::%s',
                   TG_TABLE_NAME, pk_column, pk_type) INTO now_row USING pk;
    EXECUTE format('SELECT to_jsonb(h) FROM %I h WHERE h.%I = $1::%s '
                   'ORDER BY h.history_id DESC LIMIT 1',
                   history_table, pk_column, pk_type) INTO last_history USING pk;
    -- One check per row and state: the row's other events of this commit find the same.
    marker := 'insjoriket_audit.' || TG_TABLE_NAME || '_' || pk;
    IF current_setting(marker, true) = md5(concat(now_row, last_history)) THEN
        RETURN NULL;
    END IF;
    PERFORM set_config(marker, md5(concat(now_row, last_history)), true);
    IF now_row IS NULL THEN
        matches := last_history IS NOT NULL AND last_history ->> 'history_type' = '-';
    ELSE
        matches := last_history IS NOT NULL AND last_history ->> 'history_type' <> '-'
            AND NOT EXISTS (
                SELECT 1 FROM jsonb_each(now_row) c
                WHERE last_history ? c.key AND NOT c.key = ANY(skipped)
                  AND last_history -> c.key IS DISTINCT FROM c.value);
    END IF;
    IF NOT matches THEN
        -- What was left unrecorded: a row gone, a row without history, a changed row.
        INSERT INTO {AUDIT_TABLE} (table_name, row_id, operation, row_now, history_last)
        VALUES (TG_TABLE_NAME, pk, CASE WHEN now_row IS NULL THEN 'DELETE'
                                        WHEN last_history IS NULL THEN 'INSERT'
                                        ELSE 'UPDATE' END, now_row, last_history);
    END IF;
    RETURN NULL;
END
$$;
"""


def app_role() -> str | None:
    """The role the application's requests run as (``DATABASE_APP_ROLE``), or None."""
    return getattr(settings, "DATABASE_APP_ROLE", None) or None


def _set_role(connection, role: str | None) -> None:
    """SET ROLE (or RESET ROLE) on the raw connection: not a query Django counts or logs."""
    raw = connection.connection
    if raw is None:
        return
    if role:
        raw.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
    else:
        raw.execute("RESET ROLE")


def use_app_role() -> None:
    """From now on, every connection of this process runs as the application's role: the WSGI
    application and the Celery worker call this (and the test suite, after migrating)."""
    global _app_mode
    _app_mode = True
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and connection.vendor == "postgresql":
            _set_role(connection, app_role())


def stop_app_role() -> None:
    """Back to the owner for this process (the test suite's teardown drops the database)."""
    global _app_mode
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and connection.vendor == "postgresql":
            _set_role(connection, None)
    _app_mode = False


def on_connection_created(sender, connection, **kwargs) -> None:
    """connection_created: a new connection of an application process takes the app's role."""
    if not _app_mode or getattr(_local, "owner", 0) or connection.vendor != "postgresql":
        return
    role = app_role()
    if role:
        _set_role(connection, role)
    _warn_once(connection)


def _warn_once(connection) -> None:
    global _warned
    if _warned:
        return
    _warned = True
    status = guard_status(connection, raw=True)
    if not status["on"]:
        logger.warning(
            "Databasens skydd är avstängda: applikationen kör som %s, som äger tabellerna eller "
            "är superanvändare. Historik kan då raderas och spärrarna kan stängas av. Ange "
            "DATABASE_APP_ROLE (README: Configuration).",
            status["role"],
        )


@contextmanager
def as_owner(connection=None):
    """Run the block as the owner (the login): the test suite's flush, the generator in tests.
    Back to the application's role afterwards, when this process runs as it."""
    from django.db import connection as default_connection

    connection = connection or default_connection
    _local.owner = getattr(_local, "owner", 0) + 1
    switched = _app_mode and connection.connection is not None
    try:
        if switched:
            _set_role(connection, None)
        yield connection
    finally:
        _local.owner -= 1
        if _app_mode and not _local.owner and connection.connection is not None:
            try:
                _set_role(connection, app_role())
            except psycopg.Error:
                # An aborted transaction: its rollback restores the role it began with.
                if not connection.in_atomic_block:
                    raise


GUARD_SQL = """
SELECT current_user, session_user, r.rolsuper OR r.rolbypassrls,
       EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
                 AND pg_has_role(current_user, c.relowner, 'MEMBER'))
FROM pg_roles r WHERE r.rolname = current_user
"""


def guard_status(connection, *, raw: bool = False) -> dict:
    """Whether the role this connection runs as is held by the database's guards: on when it is
    no superuser and owns (or may become the owner of) no table of the schema. ``how`` says
    whether it is the login itself or a ``SET ROLE`` from the owner's login. ``raw``: on the
    driver's connection, a query Django neither counts nor logs (the first-connection check)."""
    if raw:
        role, login, super_, owns = connection.connection.execute(GUARD_SQL).fetchone()
    else:
        with connection.cursor() as cursor:
            cursor.execute(GUARD_SQL)
            role, login, super_, owns = cursor.fetchone()
    on = not super_ and not owns
    how = None if not on else ("inloggning" if role == login else "SET ROLE")
    return {"on": on, "role": role, "how": how}


def registered_models():
    """(model, history model) for every model registered with simple-history."""
    from django.apps import apps

    for model in apps.get_models():
        attr = getattr(model._meta, "simple_history_manager_attribute", None)
        if attr and model._meta.managed and not model._meta.proxy:
            yield model, getattr(model, attr).model


def history_tables(tables: list[str]) -> set[str]:
    """simple-history's tables: from the models, and any table named like one (a model since
    removed keeps its history table)."""
    known = {history._meta.db_table for _, history in registered_models()}
    return known | {name for name in tables if "_historical" in name}


def _schema_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY 1"
    )
    return [row[0] for row in cursor.fetchall()]


def ensure_app_role(connection, role: str) -> None:
    """Create the application's role (no login, owns nothing) when it does not exist, and let
    the owner's login switch to it. Needs a superuser or CREATEROLE owner the first time."""
    from django.db import IntegrityError, ProgrammingError, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            try:
                with transaction.atomic(using=connection.alias):
                    cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
            except (IntegrityError, ProgrammingError):
                # Created meanwhile by another process on the same server (roles are global).
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
                if cursor.fetchone() is None:
                    raise
        cursor.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user "
            "UNION ALL SELECT pg_has_role(current_user, %s, 'MEMBER')",
            [role],
        )
        is_super, member = (row[0] for row in cursor.fetchall())
        if not is_super and not member:
            cursor.execute(
                sql.SQL("GRANT {} TO {}").format(sql.Identifier(role), sql.SQL("current_user"))
            )


def grant_privileges(connection, role: str) -> dict[str, int]:
    """Give the application's role exactly its privileges on every table of the schema, in one
    transaction (no moment without them). Returns the number of tables per kind."""
    from django.db import transaction

    ident = sql.Identifier(role)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        tables = _schema_tables(cursor)
        history = history_tables(tables) | (APPEND_ONLY_TABLES & set(tables))
        special = history | {AUDIT_TABLE, "django_migrations"}
        kinds = {
            "SELECT, INSERT, UPDATE, DELETE": [t for t in tables if t not in special],
            "SELECT, INSERT": sorted(history & set(tables)),
            "SELECT": [t for t in tables if t == "django_migrations"],
            "INSERT": [t for t in tables if t == AUDIT_TABLE],
        }
        cursor.execute("SELECT current_schema()")
        schema = sql.Identifier(cursor.fetchone()[0])
        cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, ident))
        cursor.execute(
            sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(schema, ident)
        )
        cursor.execute(
            sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM {}").format(schema, ident)
        )
        cursor.execute(
            sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, ident)
        )
        for privileges, names in kinds.items():
            if names:
                cursor.execute(
                    sql.SQL("GRANT {} ON {} TO {}").format(
                        sql.SQL(privileges), sql.SQL(", ").join(map(sql.Identifier, names)), ident
                    )
                )
    return {privileges: len(names) for privileges, names in kinds.items()}


def install_audit(connection) -> int:
    """The audit table, its function and one deferred trigger on every registered table. A
    trigger is replaced only when what it should say changed (no lock on an unchanged table)."""
    from django.db import transaction

    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(AUDIT_SQL)
        cursor.execute(AUDIT_FUNCTION)
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        count = 0
        for model, history in registered_models():
            table = model._meta.db_table
            pk = model._meta.pk
            generated = [f.column for f in model._meta.concrete_fields if f.generated]
            args = [
                history._meta.db_table,
                pk.column,
                pk.db_type(connection),
                "{" + ",".join(generated) + "}",
            ]
            key = "|".join([owner, *args]).encode()
            digest = hashlib.sha1(key, usedforsecurity=False).hexdigest()[:10]
            name = AUDIT_TRIGGER_PREFIX + digest
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE %s",
                [table, AUDIT_TRIGGER_PREFIX + "%"],
            )
            existing = {row[0] for row in cursor.fetchall()}
            for old in existing - {name}:
                cursor.execute(
                    sql.SQL("DROP TRIGGER {} ON {}").format(
                        sql.Identifier(old), sql.Identifier(table)
                    )
                )
            if name not in existing:
                cursor.execute(
                    sql.SQL(
                        "CREATE CONSTRAINT TRIGGER {} AFTER INSERT OR UPDATE OR DELETE ON {} "
                        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                        "WHEN (current_user <> {}) "
                        "EXECUTE FUNCTION insjoriket_audit_history_bypass({})"
                    ).format(
                        sql.Identifier(name),
                        sql.Identifier(table),
                        sql.Literal(owner),
                        sql.SQL(", ").join(map(sql.Literal, args)),
                    )
                )
            count += 1
    return count


def after_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """post_migrate (once per ``migrate``, not after a flush): audit triggers on every registered
    table, the application's role and its grants on every table, new ones included."""
    from django.db import connections

    if plan is None:  # flush sends post_migrate too; the tables are unchanged
        return
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with as_owner(connection):
        install_audit(connection)
        role = app_role()
        if role:
            ensure_app_role(connection, role)
            grant_privileges(connection, role)
        else:
            logger.warning(
                "Databasens skydd är avstängda: DATABASE_APP_ROLE är inte satt, så "
                "applikationen kör som tabellernas ägare (README: Configuration)."
            )
