"""Who is who: organisations, their beslutande organ, förtroendevalda and the membership of
organisations in a samordningsförbund (lag 2003:1210) over time."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    """A legal body: förbund, kommun, region or statlig myndighet."""

    class Kind(models.TextChoices):
        FEDERATION = "federation", _("Samordningsförbund")
        MUNICIPALITY = "municipality", _("Kommun")
        REGION = "region", _("Region")
        AGENCY = "agency", _("Statlig myndighet")

    name = models.CharField(_("namn"), max_length=200, unique=True)
    short_name = models.CharField(_("kortnamn"), max_length=60, blank=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    org_number = models.CharField(_("organisationsnummer"), max_length=20, blank=True)
    formed_on = models.DateField(_("bildad"), null=True, blank=True)
    seat = models.CharField(_("säte"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["federation", "municipality", "region", "agency"]),
                name="organisation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organ(models.Model):
    """A beslutande organ (KF, KS, KSAU, a nämnd, a förbundsstyrelse) of an organisation.

    ``parent`` is the organ above it in competence: KF over KS over KSAU; a nämnd's parent is KF.
    """

    class Kind(models.TextChoices):
        ASSEMBLY = "assembly", _("Fullmäktige")
        EXECUTIVE = "executive", _("Kommunstyrelse")
        WORKING_COMMITTEE = "working_committee", _("Utskott")
        COMMITTEE = "committee", _("Nämnd")
        BOARD = "board", _("Förbundsstyrelse")
        AUDIT = "audit", _("Revision")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="organs",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("namn"), max_length=200)
    code = models.CharField(_("förkortning"), max_length=20)
    email = models.EmailField(
        _("e-post"),
        blank=True,
        help_text=_("Organets funktionsbrevlåda (sekreteraren): dit påminnelser om uppdrag går."),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("överordnat organ"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organ")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="organ_code_unique"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "assembly",
                        "executive",
                        "working_committee",
                        "committee",
                        "board",
                        "audit",
                    ]
                ),
                name="organ_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="organ_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation.short_name or self.organisation.name}"


class Person(models.Model):
    """A förtroendevald or official named in the register.

    ``key`` is the natural key used by the data file; two people with the same name get
    different keys.
    """

    key = models.SlugField(_("nyckel"), max_length=120, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    party = models.CharField(
        _("parti"), max_length=20, blank=True, help_text=_("Partibeteckning, t.ex. S, M, C.")
    )
    email = models.EmailField(
        _("e-post"),
        blank=True,
        help_text=_("Dit kallelser och påminnelser om uppdrag skickas."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("användarkonto"),
        help_text=_("Personens inloggning i registret, om hon eller han har en."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="person_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.party})" if self.party else self.name


class Assignment(models.Model):
    """An uppdrag: a person's role in an organ for a period, with the party they sat for."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("ordförande")
        VICE_CHAIR = "vice_chair", _("vice ordförande")
        SECOND_VICE_CHAIR = "second_vice_chair", _("2:e vice ordförande")
        MEMBER = "member", _("ledamot")
        SUBSTITUTE = "substitute", _("ersättare")
        AUDITOR = "auditor", _("revisor")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("person")
    )
    organ = models.ForeignKey(
        Organ, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("organ")
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    party = models.CharField(_("parti"), max_length=20, blank=True)
    represents = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="representatives",
        verbose_name=_("företräder"),
        help_text=_("Den medlem personen företräder, t.ex. i en förbundsstyrelse."),
    )
    start_on = models.DateField(_("från"), null=True, blank=True)
    end_on = models.DateField(_("till"), null=True, blank=True)
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("uppdrag")
        verbose_name_plural = _("uppdrag")
        ordering = ["organ", "role", "person__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "chair",
                        "vice_chair",
                        "second_vice_chair",
                        "member",
                        "substitute",
                        "auditor",
                    ]
                ),
                name="assignment_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(start_on__isnull=True)
                | Q(end_on__isnull=True)
                | Q(end_on__gte=models.F("start_on")),
                name="assignment_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["person", "organ", "role", "start_on"],
                name="assignment_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}, {self.get_role_display()} i {self.organ.name}"


class Membership(models.Model):
    """An organisation's membership of a förbund.

    ``notice_years`` is the förbundsordning's uppsägningstid: notice given in year Y takes
    effect at the end of year Y + notice_years (Insjöriket's förbundsordning § 15: three
    calendar years). ``may_leave`` is false for Försäkringskassan and Arbetsförmedlingen,
    which cannot leave a förbund (rule 34).
    """

    federation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="federation_memberships",
        verbose_name=_("förbund"),
    )
    member = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("medlem"),
    )
    joined_on = models.DateField(_("medlem sedan"), null=True, blank=True)
    notice_years = models.PositiveSmallIntegerField(_("uppsägningstid (år)"), default=3)
    may_leave = models.BooleanField(_("kan utträda"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")
        ordering = ["federation__name", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "member"], name="membership_unique"),
            models.CheckConstraint(
                condition=~Q(federation=models.F("member")), name="membership_not_self"
            ),
            models.CheckConstraint(
                condition=Q(notice_years__lte=3), name="membership_notice_at_most_three_years"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} i {self.federation}"


class MembershipEvent(models.Model):
    """Something that happened to a membership, citing the decision behind it.

    The status on a date is derived from these events and the decisions behind them
    (members.rules), never stored. ``occurred_on`` may be unknown when the source documents
    do not give the date; ``occurred_not_after`` then records the latest date the documents
    allow, and ``note`` says where that comes from.
    """

    class Kind(models.TextChoices):
        JOINED = "joined", _("inträde")
        NOTICE = "notice", _("uppsägning (utträde)")
        NOTICE_WITHDRAWN = "notice_withdrawn", _("uppsägning återkallad")
        LEFT = "left", _("utträtt")

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="events", verbose_name=_("medlemskap")
    )
    kind = models.CharField(_("händelse"), max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(_("datum"), null=True, blank=True)
    occurred_not_after = models.DateField(_("senast"), null=True, blank=True)
    decision = models.ForeignKey(
        "decisions.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="membership_events",
        verbose_name=_("beslut"),
    )
    note = models.TextField(_("anteckning"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("medlemskapshändelse")
        verbose_name_plural = _("medlemskapshändelser")
        ordering = ["membership", "occurred_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["joined", "notice", "notice_withdrawn", "left"]),
                name="membership_event_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(occurred_on__isnull=True)
                | Q(occurred_not_after__isnull=True)
                | Q(occurred_not_after__gte=models.F("occurred_on")),
                name="membership_event_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        when = self.occurred_on.isoformat() if self.occurred_on else _("okänt datum")
        return f"{self.get_kind_display()} {when}"


class Contribution(models.Model):
    """A payer's yearly driftbidrag/medlemsavgift to a förbund (rule 33).

    The state's share is paid by Försäkringskassan on behalf of both state agencies and is
    reported as one line ("Driftbidrag från staten"), so ``payer`` may be empty with
    ``payer_label`` naming it.
    """

    federation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contributions_received",
        verbose_name=_("förbund"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    payer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("betalare"),
    )
    payer_label = models.CharField(_("betalare (text)"), max_length=200)
    amount = models.DecimalField(_("belopp (kr)"), max_digits=14, decimal_places=2)
    population = models.PositiveIntegerField(_("invånarantal"), null=True, blank=True)
    source = models.CharField(_("källa"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("driftbidrag")
        verbose_name_plural = _("driftbidrag")
        ordering = ["federation", "year", "payer_label"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "year", "payer_label"], name="contribution_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contribution_not_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=1900) & Q(year__lte=2200), name="contribution_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer_label} {self.year}: {self.amount} kr"
