"""Indexes that keep the public pages fast as the register grows (docs/benchmarks.md)."""

import pytest
from django.db import connection

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
