"""Indexes that keep the public pages fast as the register grows (docs/benchmarks.md)."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from cases.models import Case, Document
from decisions.models import Decision

pytestmark = pytest.mark.django_db


def _indexdef(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        row = cursor.fetchone()
    assert row, f"index {name} is missing"
    return row[0]


def test_anslagstavla_has_a_partial_index_on_removed_on():
    definition = _indexdef("meeting_on_board")
    assert "(removed_on)" in definition
    assert "WHERE (posted_on IS NOT NULL)" in definition


@pytest.mark.parametrize(
    ("table", "index"),
    [
        ("cases_case", "case_search_vector"),
        ("cases_document", "document_search_vector"),
        ("decisions_decision", "decision_search_vector"),
    ],
)
def test_search_reads_stored_vectors_with_gin_indexes(table, index):
    assert f"ON public.{table} USING gin (search_vector)" in _indexdef(index)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname IN "
            "('case_title_fts', 'document_description_fts', 'decision_text_fts')"
        )
        assert cursor.fetchall() == []  # the expression indexes are gone


def test_the_stored_vector_of_a_paragraph_follows_its_text():
    from tests.factories import make_decision, make_meeting

    decision = make_decision(meeting=make_meeting(), title="Bygglov", decision_text="Skolan.")
    decision.decision_text = "Detaljplanen antas."
    decision.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM decisions_decision WHERE id = %s", [decision.pk]
        )
        vector = cursor.fetchone()[0]
    assert "'bygglov'" in vector and "'detaljplan'" in vector
    assert "skol" not in vector


# --- the models' search vectors are the database's -------------------------------------------

SEARCH_VECTORS = [Case, Document, Decision]


def _generated_expressions(table: str) -> dict[str, str]:
    """The stored generated columns of ``table`` and their expressions, as PostgreSQL keeps
    them (normalised: casts and quoting its own)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
            "JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = %s::regclass AND a.attgenerated = 's'",
            [table],
        )
        return dict(cursor.fetchall())


def _index_definitions(table: str) -> dict[str, str]:
    """``table``'s indexes by name, each as its definition after ``USING`` (method, columns)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass",
            [table],
        )
        return {name: definition.split(" USING ", 1)[1] for name, definition in cursor}


@pytest.mark.parametrize("model", SEARCH_VECTORS, ids=lambda model: model._meta.label)
def test_the_search_vector_column_and_index_are_what_the_model_declares(model):
    """The columns were made by raw SQL (cases 0006, decisions 0006) and adopted by the models
    (cases 0008, decisions 0011) without touching the database. So that the two cannot drift,
    what Django compiles for the field and its ``GinIndex`` is added to an empty copy of the
    table and PostgreSQL's own reading of both is compared with the real column and index."""
    field = model._meta.get_field("search_vector")
    (index,) = [i for i in model._meta.indexes if i.fields == ["search_vector"]]
    table, probe = model._meta.db_table, f"probe_{model._meta.db_table}"
    with transaction.atomic(), connection.schema_editor(atomic=False) as editor:
        column_sql, params = editor.column_sql(model, field)
        editor.execute(f"CREATE TEMPORARY TABLE {probe} (LIKE {table})")
        editor.execute(f"ALTER TABLE {probe} DROP COLUMN {field.column}")
        editor.execute(f"ALTER TABLE {probe} ADD COLUMN {field.column} {column_sql}", params)
        statement = index.create_sql(model, editor)
        statement.rename_table_references(table, probe)
        editor.execute(str(statement).replace(f'"{index.name}"', f'"probe_{index.name}"'))
        declared_columns, declared_indexes = (
            _generated_expressions(probe),
            _index_definitions(probe),
        )
        editor.execute(f"DROP TABLE {probe}")

    assert _generated_expressions(table) == declared_columns
    assert set(declared_columns) == {field.column}
    assert _index_definitions(table)[index.name] == declared_indexes[f"probe_{index.name}"]


def test_the_models_and_the_migrations_agree():
    """``makemigrations --check``: the adopted fields and indexes are in the migration state."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
