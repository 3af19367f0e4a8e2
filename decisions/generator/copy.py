"""COPY buffers of the synthetic register: one ``Table`` per model, its table, columns and
history table read from the model's ``_meta`` (generated columns left out: PostgreSQL computes
them), rows given by column name and written with PostgreSQL ``COPY``."""

from __future__ import annotations

import datetime as dt
import time

from django.db import models

from cases.models import (
    Case,
    CaseLink,
    Classification,
    ClassificationScheme,
    Document,
    Register,
)
from decisions.models import (
    Attendance,
    Ballot,
    Decision,
    DecisionLink,
    Meeting,
    Motion,
    Participation,
    Recusal,
    Reservation,
    Vote,
)
from members.models import Assignment, Membership, MembershipEvent, Organ, Organisation, Person

from .words import DEFAULT_UNTIL, HISTORY_REASON

HISTORY_COLUMNS = ("history_id", "history_date", "history_change_reason", "history_type")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def fmt(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_ESCAPES)
        return value
    return str(value)  # int, date (isoformat)


def stored_columns(model: type[models.Model]) -> tuple[str, ...]:
    """The columns a row of ``model`` is written with: every concrete field but the id and the
    generated ones, in the model's order."""
    return tuple(
        f.column
        for f in model._meta.concrete_fields
        if not f.primary_key and not isinstance(f, models.GeneratedField)
    )


class Table:
    """Rows of one model's table in COPY text format, written when the buffer is flushed. With
    ``history`` the historical model's table gets a ``+`` row for each row. ``defaults`` are
    the values of columns the generator never varies."""

    def __init__(self, model: type[models.Model], *, history: bool = True, defaults=None):
        self.name = model._meta.db_table
        self.columns = stored_columns(model)
        self.history = model.history.model._meta.db_table if history else None
        self.defaults = defaults or {}
        unknown = set(self.defaults) - set(self.columns)
        if unknown:
            raise ValueError(f"{self.name} har inga kolumner {sorted(unknown)}")
        self.lines: list[str] = []
        self.history_lines: list[str] = []
        self.next_id = 0
        self.next_history_id = 0
        self.count = 0
        self.history_count = 0

    def start_ids(self, cursor) -> None:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.name}")
        self.next_id = cursor.fetchone()[0] + 1
        if self.history:
            cursor.execute(f"SELECT COALESCE(MAX(history_id), 0) FROM {self.history}")
            self.next_history_id = cursor.fetchone()[0] + 1

    def line(self, row_id: int, values: dict) -> str:
        """The COPY line of a row: every column of the model, named in ``values`` or in the
        table's defaults; a missing or unknown column is an error, not a silent NULL."""
        if self.defaults:
            values = {**self.defaults, **values}
        if len(values) != len(self.columns) or not values.keys() >= set(self.columns):
            missing = sorted(set(self.columns) - values.keys())
            unknown = sorted(values.keys() - set(self.columns))
            raise ValueError(f"{self.name}: saknas {missing}, okända {unknown}")
        return "\t".join([str(row_id), *[fmt(values[c]) for c in self.columns]])

    def add(self, *, when: dt.date | None = None, reason: str = HISTORY_REASON, **values) -> int:
        """Add a row (without its id), its values by column name, and return the id it gets."""
        row_id = self.next_id
        self.next_id += 1
        line = self.line(row_id, values)
        self.lines.append(line)
        if self.history:
            self.add_history(line, when=when, reason=reason)
        return row_id

    def add_history(
        self, line: str, *, when: dt.date | None, reason: str = HISTORY_REASON, kind: str = "+"
    ) -> None:
        stamp = f"{(when or DEFAULT_UNTIL).isoformat()} 12:00:00+01"
        self.history_lines.append(f"{line}\t{self.next_history_id}\t{stamp}\t{reason}\t{kind}")
        self.next_history_id += 1

    def take(self) -> list[tuple[str, list[str]]]:
        """The COPY statements for the rows added since the last call, and an empty buffer."""
        cols = ", ".join(f'"{c}"' for c in ("id", *self.columns))
        batch = [(f"COPY {self.name} ({cols}) FROM STDIN", self.lines)]
        self.count += len(self.lines)
        self.lines = []
        if self.history:
            hcols = ", ".join(f'"{c}"' for c in ("id", *self.columns, *HISTORY_COLUMNS))
            batch.append((f"COPY {self.history} ({hcols}) FROM STDIN", self.history_lines))
            self.history_count += len(self.history_lines)
            self.history_lines = []
        return batch

    def flush(self, cursor) -> None:
        for sql, lines in self.take():
            copy(cursor, sql, lines)

    def finish(self, cursor) -> None:
        """Move the sequences past the ids given out here."""
        for table, column in ((self.name, "id"), (self.history, "history_id")):
            if table:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                    f"GREATEST((SELECT COALESCE(MAX({column}), 0) FROM {table}), 1))"
                )


COPY_SECONDS: dict[str, float] = {}


def copy(cursor, sql: str, lines: list[str]) -> None:
    if not lines:
        return
    started = time.monotonic()
    with cursor.copy(sql) as copy_:
        for start in range(0, len(lines), 20000):
            copy_.write("\n".join(lines[start : start + 20000]) + "\n")
    table = sql.split()[1]
    COPY_SECONDS[table] = COPY_SECONDS.get(table, 0.0) + time.monotonic() - started


# Parents before children (foreign keys), §§ and their parts before the justering.
WRITE_ORDER = (
    "case",
    "document",
    "caselink",
    "meeting",
    "approver",
    "attendance",
    "decision",
    "participation",
    "motion",
    "vote",
    "ballot",
    "reservation",
    "recusal",
    "link",
)


def tables() -> dict[str, Table]:
    """The tables the generator writes, by the short key it uses for each. Attendance,
    participation, ballots and the justerare get no history rows (for size)."""
    return {
        "organisation": Table(Organisation),
        "organ": Table(Organ, defaults={"email": ""}),
        "person": Table(Person, defaults={"email": "", "user_id": None}),
        "assignment": Table(Assignment),
        "membership": Table(Membership),
        "event": Table(MembershipEvent),
        "scheme": Table(ClassificationScheme),
        "classification": Table(Classification),
        "register": Table(Register),
        "case": Table(Case),
        "document": Table(Document),
        "caselink": Table(CaseLink),
        # Justering is written after the §§ (rule 9), in one UPDATE per organisation.
        "meeting": Table(
            Meeting, defaults={"approved_date_unknown": False, "known_from_sources": ""}
        ),
        "approver": Table(Meeting.approvers.through, history=False),
        "attendance": Table(Attendance, history=False),
        "decision": Table(Decision),
        "participation": Table(Participation, history=False),
        "motion": Table(Motion),
        "vote": Table(Vote),
        "ballot": Table(Ballot, history=False),
        "reservation": Table(Reservation),
        "recusal": Table(Recusal),
        "link": Table(DecisionLink),
    }
