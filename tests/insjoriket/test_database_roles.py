"""The database's own guards (issue 17, insjoriket/db_roles.py): the tests run, as requests do,
as the application's role, which owns nothing. What it may not do is refused by PostgreSQL
itself, asserted by SQLSTATE; grants follow new tables after a migrate; a write that bypasses
simple-history leaves a row in the append-only audit table."""

import datetime as dt
import logging

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cases.models import Case
from insjoriket import db_roles
from tests.factories import make_case, make_decision, make_document

pytestmark = pytest.mark.django_db

INSUFFICIENT_PRIVILEGE = "42501"


def _refused(sql: str, params=None) -> str:
    """Run ``sql`` as the test's role in a savepoint; return the SQLSTATE it was refused with."""
    with pytest.raises(DatabaseError) as refused:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    return refused.value.__cause__.sqlstate


def _current_user() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]


def _audit_rows(table: str, pk: int) -> list[tuple[str, str]]:
    """The audit rows of one row, read as the owner (the app's role may not read them)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred audit triggers fire now
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    with db_roles.as_owner(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT operation, db_role FROM {db_roles.AUDIT_TABLE} "
            "WHERE table_name = %s AND row_id = %s ORDER BY id",
            [table, str(pk)],
        )
        return cursor.fetchall()


def test_the_tests_run_as_the_applications_role_which_the_guards_hold():
    assert _current_user() == settings.DATABASE_APP_ROLE
    status = db_roles.guard_status(connection)
    assert status == {"on": True, "role": settings.DATABASE_APP_ROLE, "how": "SET ROLE"}


def test_truncate_is_refused():
    make_case()
    assert _refused("TRUNCATE cases_case CASCADE") == INSUFFICIENT_PRIVILEGE
    assert Case.objects.count() == 1


def test_the_rule_9_triggers_cannot_be_switched_off():
    assert _refused("ALTER TABLE decisions_decision DISABLE TRIGGER ALL") == INSUFFICIENT_PRIVILEGE
    assert (
        _refused("ALTER TABLE decisions_meeting DISABLE TRIGGER insjoriket_guard_meeting")
        == INSUFFICIENT_PRIVILEGE
    )
    assert _refused("SET session_replication_role = replica") == INSUFFICIENT_PRIVILEGE
    assert _refused("SET LOCAL session_replication_role = replica") == INSUFFICIENT_PRIVILEGE


def test_ddl_on_the_projects_tables_is_refused():
    assert _refused("DROP TABLE cases_case CASCADE") == INSUFFICIENT_PRIVILEGE
    assert _refused("ALTER TABLE cases_case ADD COLUMN x int") == INSUFFICIENT_PRIVILEGE
    assert _refused("CREATE TABLE public.insj_probe (id int)") == INSUFFICIENT_PRIVILEGE
    assert (
        _refused(
            "CREATE TRIGGER t BEFORE UPDATE ON cases_case FOR EACH ROW "
            "EXECUTE FUNCTION suppress_redundant_updates_trigger()"
        )
        == INSUFFICIENT_PRIVILEGE
    )


def test_history_rows_cannot_be_deleted_or_changed_only_added_and_read():
    case = make_case()  # simple-history's INSERT of the '+' row works as the app's role
    history = case.history.get()
    table = Case.history.model._meta.db_table

    assert _refused(f"DELETE FROM {table}") == INSUFFICIENT_PRIVILEGE
    assert (
        _refused(f"UPDATE {table} SET title = 'förfalskad' WHERE history_id = %s", [history.pk])
        == INSUFFICIENT_PRIVILEGE
    )
    assert _refused(f"TRUNCATE {table}") == INSUFFICIENT_PRIVILEGE
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        history.delete()
    assert refused.value.__cause__.sqlstate == INSUFFICIENT_PRIVILEGE
    assert case.history.count() == 1


def test_the_audit_table_is_append_only_and_unreadable_for_the_app():
    table = db_roles.AUDIT_TABLE
    assert _refused(f"SELECT * FROM {table}") == INSUFFICIENT_PRIVILEGE
    assert _refused(f"DELETE FROM {table}") == INSUFFICIENT_PRIVILEGE
    assert _refused(f"UPDATE {table} SET operation = 'x'") == INSUFFICIENT_PRIVILEGE


def test_every_table_has_exactly_the_privileges_of_its_kind():
    role = settings.DATABASE_APP_ROLE
    privileges = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, array_remove(ARRAY["
            + ", ".join(
                f"CASE WHEN has_table_privilege(%s, c.oid, '{p}') THEN '{p}' END"
                for p in privileges
            )
            + "], NULL) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r'",
            [role] * len(privileges),
        )
        granted = dict(cursor.fetchall())
    history = db_roles.history_tables(list(granted))
    assert "cases_historicalcase" in history and "decisions_historicaldecision" in history
    assert db_roles.APPEND_ONLY_TABLES <= set(granted)
    for table, given in granted.items():
        if table in history or table in db_roles.APPEND_ONLY_TABLES:
            assert given == ["SELECT", "INSERT"], table
        elif table == db_roles.AUDIT_TABLE:
            assert given == ["INSERT"], table
        elif table == "django_migrations":
            assert given == ["SELECT"], table
        else:
            assert given == ["SELECT", "INSERT", "UPDATE", "DELETE"], table
    assert "cases_case" in granted


def test_grants_follow_a_new_table_after_migrate(as_owner):
    """A migration's new tables: the post_migrate handler grants on them as on the rest."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE insj_probe_thing (id int)")
        cursor.execute("CREATE TABLE insj_probe_historicalthing (id int)")
    db_roles.after_migrate(sender=None, using=connection.alias, plan=[])
    role = settings.DATABASE_APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'insj_probe_thing', 'UPDATE'), "
            "has_table_privilege(%s, 'insj_probe_historicalthing', 'INSERT'), "
            "has_table_privilege(%s, 'insj_probe_historicalthing', 'UPDATE'), "
            "has_table_privilege(%s, 'insj_probe_thing', 'TRUNCATE')",
            [role] * 4,
        )
        assert cursor.fetchone() == (True, True, False, False)


def test_a_write_that_bypasses_simple_history_leaves_an_audit_row():
    """QuerySet.update() and raw SQL change a registered row without a history row: the
    database records each in the audit table; a save through simple-history leaves none."""
    case = make_case()
    case.title = "Ny ärendemening"
    case.save()
    assert _audit_rows("cases_case", case.pk) == []

    Case.objects.filter(pk=case.pk).update(officer="Smygändrad")
    rows = _audit_rows("cases_case", case.pk)
    assert rows == [("UPDATE", settings.DATABASE_APP_ROLE)]

    other = make_case()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET title = 'rå SQL' WHERE id = %s", [other.pk])
    assert _audit_rows("cases_case", other.pk) == [("UPDATE", settings.DATABASE_APP_ROLE)]


def test_a_delete_without_a_history_row_is_audited_a_delete_through_it_is_not():
    kept = make_case()
    kept.delete()  # simple-history writes its '-' row
    assert _audit_rows("cases_case", kept.pk) == []

    bypassed = make_case()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_case WHERE id = %s", [bypassed.pk])
    assert _audit_rows("cases_case", bypassed.pk) == [("DELETE", settings.DATABASE_APP_ROLE)]


def test_ordinary_writes_of_every_registered_model_leave_no_audit_row():
    """The factories and services write through simple-history: nothing to audit, also where
    a trigger of the database fills in a column (number keys, the anslag dates)."""
    decision = make_decision()
    document = make_document()
    meeting = decision.meeting
    meeting.approved_on = dt.date(2024, 1, 30)
    meeting.save()
    rows = []
    for obj in (decision, meeting, document, document.case, document.case.register):
        rows += _audit_rows(obj._meta.db_table, obj.pk)
    assert rows == []


def test_registered_tables_of_every_app_carry_the_audit_trigger():
    decision = make_decision()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE %s AND tgrelid = "
            "'decisions_decision'::regclass",
            [db_roles.AUDIT_TRIGGER_PREFIX + "%"],
        )
        assert cursor.fetchone()[0] == 1
    from decisions.models import Decision

    Decision.objects.filter(pk=decision.pk).update(title="Utan historik")
    assert _audit_rows("decisions_decision", decision.pk) == [
        ("UPDATE", settings.DATABASE_APP_ROLE)
    ]


def test_the_health_page_says_the_guards_are_on(client):
    answer = client.get(reverse("health")).json()
    assert answer["databasskydd"] == "på"
    assert "varning" not in answer


def test_the_health_page_and_the_log_say_plainly_when_the_guards_are_off(client, caplog):
    with db_roles.as_owner():  # as the application would run without DATABASE_APP_ROLE
        answer = client.get(reverse("health")).json()
        db_roles._warned = False
        with caplog.at_level(logging.WARNING, logger="insjoriket.db_roles"):
            db_roles._warn_once(connection)
    assert answer["status"] == "ok"
    assert answer["databasskydd"] == "av"
    assert answer["varning"].startswith("Databasens skydd är avstängda")
    assert "Databasens skydd är avstängda" in caplog.text


def test_the_embedded_server_and_an_unset_url_name_their_role(monkeypatch):
    from insjoriket.database import EMBEDDED_APP_ROLE, app_role_setting

    monkeypatch.delenv("DATABASE_APP_ROLE", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert app_role_setting() == EMBEDDED_APP_ROLE
    monkeypatch.setenv("DATABASE_URL", "postgres://owner@db/insjoriket")
    assert app_role_setting() is None
    monkeypatch.setenv("DATABASE_APP_ROLE", "insjoriket_web")
    assert app_role_setting() == "insjoriket_web"


def test_every_migrate_ends_with_the_grants_and_a_flush_does_not_redo_them(monkeypatch):
    """The handler is connected to post_migrate (once per migrate: members' signal); a flush
    also sends post_migrate, without a plan, and changes no table."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    receivers = post_migrate._live_receivers(apps.get_app_config("members"))
    receivers = receivers[0] if isinstance(receivers, tuple) else receivers
    assert db_roles.after_migrate in receivers
    calls = []
    monkeypatch.setattr(db_roles, "grant_privileges", lambda *a: calls.append(a))
    db_roles.after_migrate(sender=None, using=connection.alias, plan=None)
    assert calls == []
