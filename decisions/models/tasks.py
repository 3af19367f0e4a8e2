"""Uppdrag from a decision and their återrapporter (beslutsuppföljning, RULES.md 44): what a §
tasks someone with, by when, and what was reported back. The rules are in
``decisions.tasks.rules``; the writes in ``decisions.tasks.services``."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, Document
from decisions.models.links import DecisionLink
from decisions.models.meetings import Decision
from decisions.tasks import rules
from members.models import Organ, Person

STATUS_CHOICES = [
    (rules.OPEN, _("öppet")),
    (rules.IN_PROGRESS, _("pågår")),
    (rules.REPORTED, _("återrapporterat")),
    (rules.DONE, _("genomfört")),
    (rules.NOT_DONE, _("inte genomfört")),
    (rules.ENDED, _("upphört")),
]
STATUS_LABELS = dict(STATUS_CHOICES)


class DecisionTaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DecisionTaskQuerySet":
        """Uppdrag whose § ``user`` may read, and of an ärende whose content they may see: an
        uppdrag's text can tell what a secret ärende is about (rule 21)."""
        return self.filter(decision__in=Decision.objects.visible_to(user)).filter(
            Q(decision__case__isnull=True) | Q(decision__case__in=Case.objects.visible_to(user))
        )

    def for_list_page(self) -> "DecisionTaskQuerySet":
        return self.select_related(
            "decision", "decision__organ__organisation", "decision__meeting",
            "responsible_organ__organisation",
            "responsible_person",
        ).prefetch_related("reports", "decision__links_in__source__meeting")  # fmt: skip


class DecisionTask(models.Model):
    """An uppdrag given by a § (GLOSSARY: not ``Assignment``, which is a seat in an organ).
    Exactly one of organ, förvaltning or person is responsible; no due date is "löpande"."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("beslut")
    )
    what = models.TextField(_("uppdrag"))
    responsible_organ = models.ForeignKey(
        Organ,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarigt organ"),
    )
    responsible_unit = models.CharField(_("ansvarig förvaltning"), max_length=200, blank=True)
    responsible_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig person"),
    )
    due_on = models.DateField(
        _("ska vara klart"), null=True, blank=True, help_text=_("Tomt: löpande uppdrag.")
    )
    report_required = models.BooleanField(_("återrapportering till beslutande organ"), default=True)

    history = HistoricalRecords()
    objects = DecisionTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("uppdrag från beslut")
        verbose_name_plural = _("uppdrag från beslut")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                name="task_one_responsible",
                condition=(
                    Q(
                        responsible_organ__isnull=False,
                        responsible_unit="",
                        responsible_person__isnull=True,
                    )
                    | Q(responsible_organ__isnull=True, responsible_person__isnull=True)
                    & ~Q(responsible_unit="")
                    | Q(
                        responsible_organ__isnull=True,
                        responsible_unit="",
                        responsible_person__isnull=False,
                    )
                ),  # fmt: skip
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision.label}: {self.what[:80]}"

    @property
    def responsible(self) -> str:
        return str(self.responsible_organ or self.responsible_person or self.responsible_unit)

    def revoked_on(self) -> dt.date | None:
        """The day a later decision revoked the § that gave the uppdrag (its meeting day)."""
        days = [
            link.source.meeting.held_on
            for link in self.decision.links_in.all()
            if link.kind == DecisionLink.Kind.REVOKES and link.source.meeting.held_on
        ]
        return min(days, default=None)

    def status(self, on: dt.date) -> str:
        reports = [rules.Report(r.reported_on, r.status) for r in self.reports.all()]
        return rules.status_on(reports, on=on, revoked_on=self.revoked_on())

    def status_label(self, on: dt.date) -> str:
        return str(STATUS_LABELS[self.status(on)])

    def is_overdue(self, on: dt.date) -> bool:
        return rules.is_overdue(status=self.status(on), due_on=self.due_on, on=on)


class TaskReport(models.Model):
    """An återrapport or status change of an uppdrag, with the handling that holds it."""

    task = models.ForeignKey(
        DecisionTask, on_delete=models.PROTECT, related_name="reports", verbose_name=_("uppdrag")
    )
    reported_on = models.DateField(_("datum"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=[c for c in STATUS_CHOICES if c[0] not in (rules.OPEN, rules.ENDED)],
    )
    note = models.TextField(_("anteckning"), blank=True)
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handling (återrapport)"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("återrapport")
        verbose_name_plural = _("återrapporter")
        ordering = ["reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.reported_on.isoformat()}: {self.get_status_display()}"
