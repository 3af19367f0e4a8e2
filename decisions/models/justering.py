"""Digital justering (issue 13): the secretary sends a protocol to justering (a
``JusteringRound``) and the ordförande and each chosen justerare approve it, each with an
``Approval`` (GLOSSARY: "justering (digital)"), digitally with a second factor or recorded from
paper by the secretary.

Rule 37: the protocol is justerat when the ordförande and every chosen justerare have approved
it; a comment instead of an approval does not count. A round can be withdrawn until then,
which voids every approval of it: the approvals of a withdrawn round never count again, a new
round starts with none. The writes are in ``decisions.meetings.justering``; the protocol
becomes justerat only through ``approve_minutes``, called when the last one approves.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from decisions.models.meetings import Meeting
from members.models import Person


class JusteringRoundQuerySet(models.QuerySet):
    def open(self) -> "JusteringRoundQuerySet":
        """Rounds still waiting for approvals (``JusteringRound.is_open``)."""
        return self.filter(status=JusteringRound.Status.OPEN)

    def signed_by_user(self, user) -> "JusteringRoundQuerySet":
        """Rounds in which the Person whose login is ``user`` is to approve."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(approvals__person__user=user).distinct()

    def with_approvals(self) -> "JusteringRoundQuerySet":
        """What the justering pages show of a round ("Mina protokoll att justera", the round
        page, the status on the meeting page): the meeting, its organ and ordförande, who sent
        it, and the approvals with their persons; constant queries."""
        return self.select_related(
            "meeting", "meeting__organ", "meeting__chair", "sent_by"
        ).prefetch_related(
            models.Prefetch("approvals", queryset=Approval.objects.select_related("person"))
        )


class JusteringRound(models.Model):
    """One sending of a protocol to justering: who sent it, when, the justering's place, and
    whether it is open, withdrawn (with who, when and why) or completed."""

    class Status(models.TextChoices):
        OPEN = "open", _("skickat på justering")
        WITHDRAWN = "withdrawn", _("tillbakadraget")
        COMPLETED = "completed", _("justerat")

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="justering_rounds",
        verbose_name=_("sammanträde"),
    )
    sent_at = models.DateTimeField(_("skickat på justering"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skickat av"),
    )
    place = models.CharField(_("justeringens plats"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    withdrawn_at = models.DateTimeField(_("tillbakadraget"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tillbakadraget av"),
    )
    withdrawal_reason = models.TextField(_("skäl till tillbakadragandet"), blank=True)

    history = HistoricalRecords()
    objects = JusteringRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("justeringsomgång")
        verbose_name_plural = _("justeringsomgångar")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(status="open"),
                name="justering_one_open_round",
                violation_error_message=_("Protokollet är redan skickat på justering."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "withdrawn", "completed"]),
                name="justering_round_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="withdrawn", withdrawn_at__isnull=False)
                & ~Q(withdrawal_reason="")
                | ~Q(status="withdrawn") & Q(withdrawn_at__isnull=True),
                name="justering_round_withdrawn_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        """Waiting for approvals (``JusteringRoundQuerySet.open``)."""
        return self.status == self.Status.OPEN

    def approval_of(self, user) -> "Approval | None":
        """The approval of the signer whose login is ``user``, from the loaded approvals."""
        if not (user and user.is_authenticated):
            return None
        return next((a for a in self.approvals.all() if a.person.user_id == user.pk), None)


class Approval(models.Model):
    """The ordförande's or one justerare's part of a justering round (GLOSSARY ``Approval``):
    waiting, commented, or approved — digitally (``approved_at`` by the signer, with a second
    factor) or on paper (``signed_on`` recorded by the secretary). ``is_approved`` is the one
    question "has this signer approved?"; a comment is not an approval (rule 37)."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("ordförande")
        APPROVER = "approver", _("justerare")

    class Method(models.TextChoices):
        DIGITAL = "digital", _("digitalt")
        PAPER = "paper", _("på papper")

    round = models.ForeignKey(
        JusteringRound,
        on_delete=models.PROTECT,
        related_name="approvals",
        verbose_name=_("justeringsomgång"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("person")
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    method = models.CharField(_("sätt"), max_length=20, choices=Method.choices, blank=True)
    approved_at = models.DateTimeField(_("godkänt"), null=True, blank=True)
    signed_on = models.DateField(_("justerat den"), null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)
    commented_at = models.DateTimeField(_("kommenterat"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerat av"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("godkännande vid justering")
        verbose_name_plural = _("godkännanden vid justering")
        ordering = ["round", "-role", "pk"]  # "chair" > "approver": the ordförande first
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="approval_one_per_person"),
            models.CheckConstraint(
                condition=Q(role__in=["chair", "approver"]), name="approval_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(method="", approved_at__isnull=True, signed_on__isnull=True)
                | Q(method__in=["digital", "paper"], approved_at__isnull=False)
                & Q(signed_on__isnull=False),
                name="approval_signed_with_method_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    @property
    def is_approved(self) -> bool:
        """Whether this signer has approved the protocol (digitally or on paper)."""
        return self.signed_on is not None

    @property
    def state(self) -> str:
        """ "signed", "commented" or "waiting", for the status column of the pages."""
        if self.is_approved:
            return "signed"
        return "commented" if self.comment else "waiting"
