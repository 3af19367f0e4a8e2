"""Links between decisions, laglighetsprövningar and rättelser: what later happened to a §."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from decisions.models.meetings import Decision


class DecisionLink(models.Model):
    """``source`` <kind> ``target``, read as a sentence: "VFN § 222 proposes KS § 440",
    "KF § 12 revokes KF § 94".

    Time runs with the link for ``proposes`` (a proposal precedes the decision it proposes)
    and against it for every other kind (a decision can only revoke, withdraw, amend or refer
    back an earlier one); ``decisions.rules`` refuses links that break this, form a cycle, or
    revoke/amend across organs without competence.

    ``target`` may be empty while the decision it names is not yet in the register:
    ``target_reference`` then holds the citation as the source gives it (organ, date, §) and
    the link is resolved when that decision is registered.
    """

    class Kind(models.TextChoices):
        PROPOSES = "proposes", _("föreslår")
        REVOKES = "revokes", _("upphäver")
        WITHDRAWS = "withdraws", _("återkallar")
        AMENDS = "amends", _("ändrar")
        REFERS_BACK = "refers_back", _("återremitterar")

    source = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="links_out", verbose_name=_("från §")
    )
    target = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="links_in",
        verbose_name=_("till §"),
    )
    target_reference = models.CharField(
        _("hänvisning"),
        max_length=300,
        blank=True,
        help_text=_("Beslutet som källan anger det, om det ännu inte finns i registret."),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beslutskoppling")
        verbose_name_plural = _("beslutskopplingar")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "kind"], name="decision_link_unique"
            ),
            models.CheckConstraint(condition=~Q(source=F("target")), name="decision_link_not_self"),
            models.CheckConstraint(
                condition=Q(target__isnull=False) | ~Q(target_reference=""),
                name="decision_link_has_target",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["proposes", "revokes", "withdraws", "amends", "refers_back"]),
                name="decision_link_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        target = self.target or self.target_reference
        return f"{self.source} {self.get_kind_display()} {target}"


class Appeal(models.Model):
    """A laglighetsprövning (KL 13 kap.) of a decision and the court's ruling.

    An annulment (``outcome=annulled``) ends the decision's force from ``decided_on`` like a
    revocation does.
    """

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pågår")
        REJECTED = "rejected", _("avslaget")
        ANNULLED = "annulled", _("upphävt")
        WITHDRAWN = "withdrawn", _("återkallat")

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("§")
    )
    court = models.CharField(_("domstol"), max_length=200)
    court_case_number = models.CharField(_("målnummer"), max_length=60)
    lodged_on = models.DateField(_("inkommet"))
    decided_on = models.DateField(_("avgjort"), null=True, blank=True)
    outcome = models.CharField(
        _("utgång"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    final = models.BooleanField(_("lagakraftvunnen dom"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("laglighetsprövning")
        verbose_name_plural = _("laglighetsprövningar")
        constraints = [
            models.UniqueConstraint(
                fields=["court", "court_case_number"], name="appeal_case_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["pending", "rejected", "annulled", "withdrawn"]),
                name="appeal_outcome_valid",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("lodged_on")),
                name="appeal_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(decided_on__isnull=False),
                name="appeal_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.court} mål {self.court_case_number}"


class Correction(models.Model):
    """A rättelse of a justerad protocol (rule 9): who, when, what and why. The justerad text
    itself never changes; every later print shows its corrections."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("§")
    )
    made_by = models.CharField(_("gjord av"), max_length=200)
    made_on = models.DateField(_("datum"))
    what = models.TextField(_("vad som rättas"))
    why = models.TextField(_("skäl"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rättelse")
        verbose_name_plural = _("rättelser")
        ordering = ["decision", "made_on"]

    def __str__(self) -> str:
        return f"Rättelse {self.made_on} av {self.made_by}"
