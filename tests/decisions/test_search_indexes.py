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
