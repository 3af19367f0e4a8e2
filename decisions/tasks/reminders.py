"""Reminders of uppdrag (issue 19, item 4; RULES.md 44): each day, the uppdrag of justerade §§
still to do and due within a set number of days (or already overdue) are mailed to those
responsible — a person at the e-mail on their Person, an organ at its funktionsbrevlåda.
Uppdrag whose responsible has no address (a förvaltning named in text, a person or organ
without e-mail) are listed for the secretary instead of being dropped.

One function for the daily Celery beat task in production (decisions.publishing.tasks) and the
management command the demo and the tests use (``manage.py send_task_reminders``).

An e-mail leaves the register's access control: an uppdrag of a secret ärende is named only
by its diarienummer and the OSL provision, with a link to read it after logging in (rule 21).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decisions.models import Decision, DecisionTask
from decisions.tasks import rules

DEFAULT_DAYS = 14


@dataclass
class Reminder:
    """One e-mail: an address and the uppdrag it reminds of, overdue first."""

    address: str
    name: str
    tasks: list[DecisionTask] = field(default_factory=list)


@dataclass
class ReminderRun:
    on: dt.date
    days: int
    sent: list[Reminder]
    without_address: list[DecisionTask]

    @property
    def task_count(self) -> int:
        return sum(len(r.tasks) for r in self.sent) + len(self.without_address)


def due_tasks(*, on: dt.date, days: int) -> list[DecisionTask]:
    """Uppdrag of justerade §§ still to do on ``on`` and due by ``on + days`` (overdue ones
    included), earliest due first."""
    candidates = (
        DecisionTask.objects.filter(
            decision__in=Decision.objects.justerade(),
            due_on__isnull=False,
            due_on__lte=on + dt.timedelta(days=days),
        )
        .for_list_page()
        .select_related("decision__case")
        .order_by("due_on", "pk")
    )
    return [
        task
        for task in candidates
        if rules.is_due_within(status=task.status(on), due_on=task.due_on, on=on, days=days)
    ]


def _recipient(task: DecisionTask) -> tuple[str, str]:
    if task.responsible_person_id:
        return task.responsible_person.email, task.responsible_person.name
    if task.responsible_organ_id:
        return task.responsible_organ.email, str(task.responsible_organ)
    return "", task.responsible_unit


def plan(*, on: dt.date, days: int) -> ReminderRun:
    by_address: dict[str, Reminder] = {}
    without = []
    for task in due_tasks(on=on, days=days):
        address, name = _recipient(task)
        if not address:
            without.append(task)
            continue
        by_address.setdefault(address.lower(), Reminder(address, name)).tasks.append(task)
    return ReminderRun(on=on, days=days, sent=list(by_address.values()), without_address=without)


def task_line(task: DecisionTask, *, on: dt.date) -> str:
    """The uppdrag as the e-mail names it; for a secret ärende no word of its content."""
    if task.decision.secret_under:
        what = _("Uppdrag i sekretessbelagt ärende %(number)s (%(ground)s); logga in för att läsa.")
        what %= {"number": task.decision.case.number, "ground": task.decision.case.secrecy_ground}
    else:
        what = " ".join(task.what.split())
        what = what if len(what) <= 300 else what[:299] + "…"
    organ = task.decision.organ
    when = (
        _("försenat, skulle vara klart %(due)s")
        if task.is_overdue(on)
        else _("ska vara klart %(due)s")
    ) % {"due": task.due_on.isoformat()}
    return f"– {organ.name} {task.decision.label}: {what} ({when})"


def message(reminder: Reminder, *, on: dt.date) -> tuple[str, str]:
    count = len(reminder.tasks)
    last = max(task.due_on for task in reminder.tasks)
    subject = ngettext(
        "Påminnelse: %(count)d uppdrag från beslut ska vara klart senast %(last)s",
        "Påminnelse: %(count)d uppdrag från beslut ska vara klara senast %(last)s",
        count,
    ) % {"count": count, "last": last.isoformat()}
    link = settings.INSJORIKET_BASE_URL.rstrip("/") + reverse("history:task-list")
    body = "\n".join(
        [
            _("Hej %(name)s,") % {"name": reminder.name},
            "",
            _("Följande uppdrag från beslut i Insjöriket är ännu inte återrapporterade:"),
            "",
            *(task_line(task, on=on) for task in reminder.tasks),
            "",
            _("Registrera återrapporten hos nämndsekreteraren eller läs uppdragen här: %(link)s")
            % {"link": link},
            "",
            _("Kommunallagen 6 kap. 6 §: nämnderna ska se till att beslut verkställs."),
            _("Det här är ett automatiskt meddelande från Insjöriket."),
        ]
    )
    return subject, body


def send_reminders(*, on: dt.date, days: int = DEFAULT_DAYS, dry_run: bool = False) -> ReminderRun:
    run = plan(on=on, days=days)
    if not dry_run:
        for reminder in run.sent:
            subject, body = message(reminder, on=on)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.address])
    return run
