"""Writes of uppdrag and återrapporter (RULES.md 44), each in one transaction with history."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from decisions.models import JUSTERAT_MESSAGE, Decision, DecisionTask, TaskReport
from decisions.tasks import rules
from insjoriket.history import save_recorded

TASK_MESSAGES = {
    "responsible": _(
        "Ange vem som är ansvarig för uppdraget: ett organ, en förvaltning eller en person."
    ),
    "due_before_decision": _(
        "Datumet då uppdraget ska vara klart kan inte ligga före beslutsdagen."
    ),
}
REPORT_MESSAGES = {
    "status": _(
        "Välj vad återrapporten säger: pågår, återrapporterat, genomfört eller inte genomfört."
    ),  # fmt: skip
    "closed": _("Uppdraget är redan avslutat och tar inte emot fler återrapporter."),
    "before_decision": _("En återrapport kan inte vara daterad före beslutet."),
}


@transaction.atomic
def add_task(
    *,
    decision: Decision,
    what: str,
    responsible_organ=None,
    responsible_unit: str = "",
    responsible_person=None,
    due_on: dt.date | None = None,
    report_required: bool = True,
    user=None,
) -> DecisionTask:
    """An uppdrag given by ``decision``, written before justering: the § as justerad, its
    uppdrag included, never changes (KL 5 kap. 69 §)."""
    decision = Decision.objects.select_related("meeting").get(pk=decision.pk)
    if decision.is_justerad:
        raise ValidationError(JUSTERAT_MESSAGE)
    unit = responsible_unit.strip()
    given = sum(x is not None and x != "" for x in (responsible_organ, unit, responsible_person))
    problems = rules.check_task(
        due_on=due_on, decided_on=decision.meeting.held_on, responsible=given
    )
    if problems:
        raise ValidationError([TASK_MESSAGES[p] for p in problems])
    task = DecisionTask(
        decision=decision,
        what=what.strip(),
        responsible_organ=responsible_organ,
        responsible_unit=unit,
        responsible_person=responsible_person,
        due_on=due_on,
        report_required=report_required,
    )
    save_recorded(task, user=user, reason="Uppdrag ur beslut")
    return task


@transaction.atomic
def report_task(
    *,
    task: DecisionTask,
    reported_on: dt.date,
    status: str,
    note: str = "",
    document=None,
    user=None,
) -> TaskReport:
    """Record an återrapport (or that the uppdrag is under way); the handling that holds it is
    a registered handling of the ärende."""
    task = (
        DecisionTask.objects.select_for_update().select_related("decision__meeting").get(pk=task.pk)
    )
    problems = rules.check_report(
        status=status,
        on=reported_on,
        current=task.status(reported_on),
        decided_on=task.decision.meeting.held_on,
    )
    if problems:
        raise ValidationError([REPORT_MESSAGES[p] for p in problems])
    report = TaskReport(
        task=task, reported_on=reported_on, status=status, note=note.strip(), document=document
    )
    save_recorded(report, user=user, reason="Återrapport")
    return report
