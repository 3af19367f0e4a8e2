"""The yearly report on beslutsuppföljning for an organ (for the revisorer): the uppdrag its
decisions of a year gave, their status at the year's end (or today, for the current year),
counts per status and how long the unfinished ones have waited (RULES.md 44; KL 6 kap. 6 §).

Pure arithmetic over tasks already read with ``DecisionTaskQuerySet.for_list_page``; the
status of each comes from ``DecisionTask.status``, the one definition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from decisions.models.tasks import STATUS_CHOICES
from decisions.tasks import rules

# Age of an uppdrag still to do at the report's day, from its decision's meeting day.
AGE_BUCKETS = (
    (0, 90, _("högst 3 månader")),
    (91, 365, _("3–12 månader")),
    (366, None, _("mer än ett år")),
)
CHART_WIDTH = 180  # px of the longest bar in the SVG
CHART_LINE = 22  # px per line of the chart


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int
    width: int  # the bar's length in the chart


@dataclass(frozen=True)
class Row:
    task: object
    status: str
    status_label: str
    overdue: bool
    age_days: int | None


@dataclass(frozen=True)
class YearReport:
    year: int
    on: dt.date
    rows: list[Row]
    by_status: list[Count]
    by_age: list[Count]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.rows)

    def chart_lines(self) -> list[dict]:
        """The chart's lines top to bottom, each with its y: a heading, then a bar a count."""
        lines = []
        parts = ((_("Status"), self.by_status), (_("Ej slutförda, ålder"), self.by_age))
        for heading, counts in parts:
            lines.append({"heading": heading})
            lines.extend({"count": count} for count in counts)
        for n, line in enumerate(lines):
            line["y"] = n * CHART_LINE
        return lines

    @property
    def chart_height(self) -> int:
        return (len(self.by_status) + len(self.by_age) + 2) * CHART_LINE


def report_day(year: int, today: dt.date) -> dt.date:
    """The day the report reads the status on: 31 December, or today in the current year."""
    return min(dt.date(year, 12, 31), today)


def _counts(pairs: list[tuple[str, str, int]]) -> list[Count]:
    longest = max((n for _key, _label, n in pairs), default=0)
    return [
        Count(key, str(label), n, round(CHART_WIDTH * n / longest) if longest else 0)
        for key, label, n in pairs
    ]


def year_report(tasks: Iterable, *, year: int, today: dt.date) -> YearReport:
    """``tasks``: the uppdrag given by one organ's decisions (any year; those of ``year`` are
    kept), as read for the list page."""
    on = report_day(year, today)
    rows = []
    for task in tasks:
        held_on = task.decision.meeting.held_on
        if held_on is None or held_on.year != year:
            continue
        status = task.status(on)
        to_do = status in rules.STILL_TO_DO
        rows.append(
            Row(
                task=task,
                status=status,
                status_label=task.status_label(on),
                overdue=rules.is_overdue(status=status, due_on=task.due_on, on=on),
                age_days=(on - held_on).days if to_do else None,
            )
        )
    rows.sort(key=lambda r: (r.task.decision.meeting.held_on, r.task.decision.number, r.task.pk))
    by_status = _counts(
        [(key, label, sum(r.status == key for r in rows)) for key, label in STATUS_CHOICES]
    )
    ages = [r.age_days for r in rows if r.age_days is not None]
    by_age = _counts(
        [
            (str(low), label, sum(low <= age and (high is None or age <= high) for age in ages))
            for low, high, label in AGE_BUCKETS
        ]
    )
    return YearReport(year=year, on=on, rows=rows, by_status=by_status, by_age=by_age)
