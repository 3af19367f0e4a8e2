"""Uppdrag from a decision, as pure rules (RULES.md 44; KL 6 kap. 6 §: a nämnd sees to it
that decisions are carried out). No Django here.

An uppdrag is open until a recorded återrapport or a later decision closes it; when its
decision is revoked, an uppdrag not yet carried out ends as "upphört" from that date. Its
status on any day follows from what was recorded up to that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

OPEN = "open"  # öppet
IN_PROGRESS = "in_progress"  # pågår
REPORTED = "reported"  # återrapporterat
DONE = "done"  # genomfört
NOT_DONE = "not_done"  # inte genomfört
ENDED = "ended"  # upphört: its decision was revoked

FINAL = frozenset({DONE, NOT_DONE, ENDED})
STILL_TO_DO = frozenset({OPEN, IN_PROGRESS})


@dataclass(frozen=True)
class Report:
    """An återrapport or a status change recorded on ``on`` with the status it gives."""

    on: dt.date
    status: str


def status_on(reports: Iterable[Report], *, on: dt.date, revoked_on: dt.date | None = None) -> str:
    """The uppdrag's status on ``on``: the status of the latest report up to that day (open
    without one); "upphört" from the day its decision was revoked, unless it was carried out
    or closed as not carried out before that."""
    status = OPEN
    for report in sorted(reports, key=lambda r: r.on):
        if report.on > on:
            break
        if revoked_on is not None and revoked_on <= report.on and status not in FINAL:
            return ENDED
        status = report.status
    if revoked_on is not None and revoked_on <= on and status not in FINAL:
        return ENDED
    return status


def is_overdue(*, status: str, due_on: dt.date | None, on: dt.date) -> bool:
    """Past its due date and still to do; an uppdrag without a due date ("löpande") never is."""
    return due_on is not None and due_on < on and status in STILL_TO_DO


def is_due_within(*, status: str, due_on: dt.date | None, on: dt.date, days: int) -> bool:
    """Still to do and due within ``days`` days of ``on``, or already overdue: what a reminder
    lists. A "löpande" uppdrag (no due date) has nothing to be reminded of."""
    return due_on is not None and status in STILL_TO_DO and due_on <= on + dt.timedelta(days=days)


def check_task(
    *, due_on: dt.date | None, decided_on: dt.date | None, responsible: int
) -> list[str]:
    """What makes an uppdrag impossible to record, as message keys: it names who is responsible
    (exactly one of organ, förvaltning or person), and its due date is not before the
    decision."""
    problems = []
    if responsible != 1:
        problems.append("responsible")
    if due_on is not None and decided_on is not None and due_on < decided_on:
        problems.append("due_before_decision")
    return problems


def check_report(
    *, status: str, on: dt.date, current: str, decided_on: dt.date | None
) -> list[str]:
    """What makes a report impossible: a final uppdrag takes no more reports, a report can't
    predate the decision, and only a real status can be reported."""
    problems = []
    if status not in {IN_PROGRESS, REPORTED, DONE, NOT_DONE}:
        problems.append("status")
    if current in FINAL:
        problems.append("closed")
    if decided_on is not None and on < decided_on:
        problems.append("before_decision")
    return problems
