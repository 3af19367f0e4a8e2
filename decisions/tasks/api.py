"""Beslutsuppföljning in the JSON API under /api/v1/ (docs/api.md): the uppdrag a caller may
see, with their status on a day, and the yearly report per organ with its counts. The same
reads as the pages (``DecisionTaskQuerySet.visible_to``, ``decisions.tasks.report``), so a
caller sees, counts and infers no more than the list and the report show them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema

from decisions import rules as date_rules
from decisions.models import DecisionTask
from decisions.tasks import report as task_report
from decisions.tasks import rules
from decisions.tasks.forms import FIRST_YEAR
from insjoriket.api_errors import ApiError, ErrorOut, swedish_parameter

router = Router(tags=["Uppdrag"])

BAD_ORGAN = gettext_lazy("Ogiltigt organ i ?organ=: ange organets id (ett heltal).")
BAD_YEAR = gettext_lazy("Ogiltigt år i ?year=: ange ett år mellan {first} och {last}.")


def _organ_id(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 2**63:
        raise ValueError(text)
    return int(text)


OrganId = Annotated[
    int | None,
    Query(None, description="bara uppdrag från detta organs beslut (id)"),
    swedish_parameter(_organ_id, BAD_ORGAN),
]


class TaskDecisionOut(Schema):
    id: int
    label: str
    organ: str
    held_on: dt.date | None


class TaskOut(Schema):
    id: int
    decision: TaskDecisionOut
    what: str
    responsible: str
    due_on: dt.date | None
    report_required: bool
    status: str
    status_label: str
    overdue: bool


class TasksOut(Schema):
    on: dt.date
    count: int
    tasks: list[TaskOut]


class CountOut(Schema):
    key: str
    label: str
    count: int


class TaskReportOut(Schema):
    organ: int | None
    year: int
    on: dt.date
    total: int
    overdue: int
    by_status: list[CountOut]
    by_age: list[CountOut]
    tasks: list[TaskOut]


def _task_json(task: DecisionTask, *, status: str, status_label: str, on: dt.date) -> dict:
    decision = task.decision
    return {
        "id": task.pk,
        "decision": {
            "id": decision.pk,
            "label": decision.label,
            "organ": decision.organ.code,
            "held_on": decision.meeting.held_on,
        },
        "what": task.what,
        "responsible": task.responsible,
        "due_on": task.due_on,
        "report_required": task.report_required,
        "status": status,
        "status_label": status_label,
        "overdue": rules.is_overdue(status=status, due_on=task.due_on, on=on),
    }


def _visible_tasks(request: HttpRequest, organ: int | None) -> list[DecisionTask]:
    tasks = DecisionTask.objects.visible_to(request.user).for_list_page()
    if organ is not None:
        tasks = tasks.filter(decision__organ_id=organ)
    return list(tasks)


@router.get("/tasks/", response={200: TasksOut, 400: ErrorOut}, url_name="tasks")
def tasks(request: HttpRequest, organ: OrganId = None):
    """The uppdrag given by the §§ the caller may read, in ärenden whose content the caller may
    see, with their status today and whether they are overdue."""
    on = date_rules.today()
    rows = [
        _task_json(task, status=task.status(on), status_label=task.status_label(on), on=on)
        for task in _visible_tasks(request, organ)
    ]
    return {"on": on, "count": len(rows), "tasks": rows}


@router.get(
    "/tasks/report/",
    response={200: TaskReportOut, 400: ErrorOut},
    url_name="task-report",
)
def report(
    request: HttpRequest,
    organ: OrganId = None,
    year: str = Query("", description="beslutsåret, ÅÅÅÅ (utan: i år)"),
):
    """The yearly report on the uppdrag of one organ's decisions (all organs without
    ``organ``): status at the year's end, counts per status and age. An organ whose uppdrag the
    caller may not see answers as one with none."""
    today = date_rules.today()
    if not year.strip():
        year_number = today.year
    elif year.strip().isdigit() and FIRST_YEAR <= int(year) <= today.year:
        year_number = int(year)
    else:
        raise ApiError(400, str(BAD_YEAR).format(first=FIRST_YEAR, last=today.year))
    result = task_report.year_report(_visible_tasks(request, organ), year=year_number, today=today)
    return {
        "organ": organ,
        "year": result.year,
        "on": result.on,
        "total": result.total,
        "overdue": result.overdue,
        "by_status": [{"key": c.key, "label": c.label, "count": c.count} for c in result.by_status],
        "by_age": [{"key": c.key, "label": c.label, "count": c.count} for c in result.by_age],
        "tasks": [
            _task_json(row.task, status=row.status, status_label=row.status_label, on=result.on)
            for row in result.rows
        ],
    }
