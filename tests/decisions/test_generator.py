"""The synthetic register (decisions.generator): the same seed gives the same register, and
what it writes keeps the database's rules — unique diarienummer with consistent counters
(rule 24), § numbers per organ and year, justerade protocols locked (rule 9), links that run
the right way in time."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from cases.models import Case, Register
from cases.services import register_case
from decisions.generator import HISTORY_COLUMNS, generate, register_digest, tables
from decisions.generator.copy import Table
from decisions.models import Decision, DecisionLink, Meeting
from insjoriket.db_roles import as_owner

SIZE = {"decisions": 600, "cases": 300, "organisations": 8}


class _Undo(Exception):
    pass


def _generate_and_digest(seed: int) -> tuple[str, int, int]:
    try:
        with transaction.atomic(), as_owner():
            stats = generate(seed=seed, **SIZE)
            with connection.cursor() as cursor:
                digest = register_digest(cursor)
            raise _Undo((digest, stats.rows["cases_case"], stats.rows["decisions_decision"]))
    except _Undo as undo:
        return undo.args[0]


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_register_and_another_seed_another():
    first = _generate_and_digest(7)
    again = _generate_and_digest(7)
    other = _generate_and_digest(8)

    assert first == again
    assert first[1:] == (300, 600)
    assert other[0] != first[0]


def test_the_generator_copies_every_column_the_models_let_it_write():
    """COPY names its columns, read from the models' _meta: every concrete field but the id,
    and never a generated one (the search vectors, which PostgreSQL computes); the history
    table gets the same columns and simple-history's own."""
    models = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    for table in tables().values():
        fields = models[table.name]._meta.concrete_fields
        writable = {field.column for field in fields if not field.generated} - {"id"}
        assert set(table.columns) == writable, (table.name, writable ^ set(table.columns))
        if table.history:
            history_fields = models[table.history]._meta.concrete_fields
            history_columns = {field.column for field in history_fields}
            assert {"id", *table.columns, *HISTORY_COLUMNS} <= history_columns, table.history
    assert "search_vector" not in tables()["decision"].columns


def test_a_row_without_every_column_or_with_an_unknown_one_is_refused():
    """A column the generator forgot would otherwise be written as NULL without a word."""
    table = Table(apps.get_model("cases", "CaseLink"))
    line = table.line(7, {"note": "n", "from_case_id": 1, "to_case_id": 2})
    assert line.split("\t") == ["7", "1", "2", "n"]
    with pytest.raises(ValueError, match="saknas \\['to_case_id'\\]"):
        table.line(8, {"note": "n", "from_case_id": 1})
    with pytest.raises(ValueError, match="okända \\['typo'\\]"):
        table.line(9, {"note": "n", "from_case_id": 1, "to_case_id": 2, "typo": 3})


@pytest.fixture
def generated(db):
    """Written as the database's owner, as the command runs; the tests then read (and are
    refused) as the application's role."""
    with as_owner():
        return generate(seed=3, **SIZE)


def test_counts_match_the_request_and_history_is_written_with_the_rows(generated):
    assert Case.objects.count() == 300
    assert Decision.objects.count() == 600
    assert Case.history.count() == 300
    assert Decision.history.count() == 600
    assert generated.history_rows["decisions_historicaldecision"] == 600
    assert DecisionLink.objects.filter(kind="proposes").exists()
    assert DecisionLink.objects.filter(kind__in=["revokes", "amends"]).exists()


def test_diarienummer_are_unique_and_counters_equal_the_highest_serial(generated):
    """Rule 24: (register, year, serial) unique, numbers 1..n per register and year, and the
    counter at n so the next registration gets n + 1."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.register_id, c.year, COUNT(*), MAX(c.serial), COUNT(DISTINCT c.number), "
            "r.last_serial FROM cases_case c LEFT JOIN cases_registercounter r "
            "ON r.register_id = c.register_id AND r.year = c.year GROUP BY 1, 2, r.last_serial"
        )
        rows = cursor.fetchall()
    assert rows
    for _register, _year, count, highest, distinct, counter in rows:
        assert count == highest == distinct == counter

    register_id, year = rows[0][0], rows[0][1]
    case = register_case(register=Register.objects.get(pk=register_id), title="Nytt", year=year)
    assert case.serial == rows[0][3] + 1


def test_paragraph_numbers_run_from_one_per_organ_and_year(generated):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT organ_id, year, COUNT(*), MIN(number), MAX(number) "
            "FROM decisions_decision GROUP BY 1, 2"
        )
        for _organ, _year, count, lowest, highest in cursor.fetchall():
            assert (lowest, highest) == (1, count)


def test_generated_protocols_are_justerade_and_locked_by_the_database(generated):
    """Rule 9: the generator wrote the §§ before the justering, so the trigger now refuses
    any change to them."""
    meeting = Meeting.objects.filter(approved_on__isnull=False).first()
    assert meeting is not None
    assert Meeting.objects.filter(approved_on__isnull=False).count() > 0.9 * Meeting.objects.count()
    decision = meeting.decisions.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(title="Ändrad i efterhand")


def test_links_run_the_right_way_in_time(generated):
    links = DecisionLink.objects.select_related("source__meeting", "target__meeting")
    for link in links:
        source, target = link.source.meeting.held_on, link.target.meeting.held_on
        if link.kind == "proposes":
            assert source < target
        else:
            assert source > target
            assert link.source.organ_id == link.target.organ_id


def test_every_case_with_a_paragraph_has_it_after_it_was_opened(generated):
    late = Decision.objects.filter(case__isnull=False).select_related("case", "meeting")
    assert all(d.meeting.held_on >= d.case.opened_on for d in late)


@pytest.mark.django_db
def test_the_command_writes_the_small_register_and_refuses_a_second_identical_run(capsys):
    with as_owner():
        call_command("generate_register", "--small", "--seed", "5")
        out = capsys.readouterr().out
        assert "Klart" in out
        assert Decision.objects.count() == 2000
        with pytest.raises(Exception, match="finns redan"):
            call_command("generate_register", "--small", "--seed", "5", verbosity=0)
