"""What one member did on a §: a ballot in a votering, a reservation, jäv (rules 11, 13, 14).
Tables and app label are ``decisions``'s, as before they moved here from ``meetings``."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from decisions.models.meetings import Decision, Vote
from members.models import Person


class Ballot(models.Model):
    """One participant's vote in a votering (voteringslista)."""

    class Choice(models.TextChoices):
        YES = "yes", _("ja")
        NO = "no", _("nej")
        ABSTAIN = "abstain", _("avstår")

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("votering")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("person")
    )
    choice = models.CharField(_("röst"), max_length=10, choices=Choice.choices)
    role = models.CharField(_("roll"), max_length=40, blank=True)
    party = models.CharField(_("parti"), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("röst")
        verbose_name_plural = _("röster")
        ordering = ["vote", "order"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "person"], name="ballot_unique"),
            models.CheckConstraint(
                condition=Q(choice__in=["yes", "no", "abstain"]), name="ballot_choice_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_choice_display()}"


class Reservation(models.Model):
    """A recorded dissent by a participant (rules 11–13)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="reservations", verbose_name=_("§")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="reservations", verbose_name=_("person")
    )
    motivation = models.TextField(_("motivering"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservationer")
        ordering = ["decision", "order"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "person"], name="reservation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} reserverar sig"


class Recusal(models.Model):
    """Jäv: a member who did not take part in a § (rule 14)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="recusals", verbose_name=_("§")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="recusals", verbose_name=_("person")
    )
    ground = models.CharField(_("jävsgrund"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jäv")
        verbose_name_plural = _("jäv")
        constraints = [
            models.UniqueConstraint(fields=["decision", "person"], name="recusal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} (jäv)"
