"""What was decided: sammanträden and their protocols, §§, närvaro and deltagare, yrkanden,
voteringar, reservationer and jäv.

Each concept a page asks about is defined once here, the row form beside the queryset form
(STYLE.md): "the protocol is justerat" (``Meeting.is_approved`` / ``MeetingQuerySet.justerade``),
"the protocol is on the anslagstavla on a date" (``Meeting.status`` /
``MeetingQuerySet.on_board``), "the § is justerad" (``Decision.is_justerad`` /
``DecisionQuerySet.justerade``), "the § was taken" — justerad or known from other documents,
RULES.md 45 (``Decision.is_taken`` / ``DecisionQuerySet.taken``), "this user may see this §"
(``DecisionQuerySet.visible_to``) and "this person serves at the meeting"
(``Attendance.is_serving`` / ``AttendanceQuerySet.serving``). What one member did on a § (a
ballot, a reservation, jäv) is in ``decisions.models.standpoints``.

Three time axes are kept apart: the audit trail (``history``, who changed a record), the
procedural dates (meeting, justering, anslag) and legal validity, which is derived from the
links and appeals by ``decisions.chains.rules`` and never stored as a flag.
"""

import datetime as dt

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import SEARCH_CONFIG, Case
from decisions import rules as date_rules
from insjoriket.access import can_see_unapproved_decisions
from members.models import Organ, Person


def justerad_q(path: str = "") -> Q:
    """The condition "the protocol is justerat" (``Meeting.is_approved``) for a query:
    justerat with a known date or with the date unknown. ``path`` leads from the queried model
    to the meeting: ``""`` for meetings, ``"meeting__"`` for §§, ``"meetings__"`` for organs.
    Its negation, ``~justerad_q()``, is "not yet justerat"."""
    return Q(**{f"{path}approved_on__isnull": False}) | Q(**{f"{path}approved_date_unknown": True})


def known_from_sources_q(path: str = "") -> Q:
    """The condition "the protocol is not in the register, but other documents tell that its
    decisions were taken" (``Meeting.is_known_from_sources``, RULES.md 45)."""
    return ~Q(**{f"{path}known_from_sources": ""})


def taken_q(path: str = "") -> Q:
    """The condition "its decisions were taken and are allmänna": the protocol is justerat, or
    it is known from other documents (``Meeting.is_taken``). ``path`` as for ``justerad_q``."""
    return justerad_q(path) | known_from_sources_q(path)


def on_board_q(on: dt.date, path: str = "") -> Q:
    """The condition "the protocol is on the anslagstavla on ``on``" (``Meeting.status(on) ==
    ON_BOARD``): posted with a justering date, on or before ``on``, and not taken down by then
    (KL 8 kap. 12 §). ``path`` as for ``justerad_q``."""
    return Q(**{f"{path}approved_on__isnull": False, f"{path}posted_on__lte": on}) & (
        Q(**{f"{path}removed_on__isnull": True}) | Q(**{f"{path}removed_on__gt": on})
    )


class MeetingQuerySet(models.QuerySet):
    def justerade(self) -> "MeetingQuerySet":
        """Meetings whose protocol is justerat (``Meeting.is_approved``)."""
        return self.filter(justerad_q())

    def not_justerade(self) -> "MeetingQuerySet":
        return self.exclude(justerad_q())

    def not_taken(self) -> "MeetingQuerySet":
        """Meetings whose decisions are neither justerade nor known from other documents:
        drafts, which visitors do not see (``Meeting.is_taken``)."""
        return self.exclude(taken_q())

    def on_board(self, on: dt.date) -> "MeetingQuerySet":
        """Protocols on the anslagstavla on ``on`` (``Meeting.status(on) == ON_BOARD``)."""
        return self.filter(on_board_q(on))

    def scheduled(self, on: dt.date) -> "MeetingQuerySet":
        """Protocols posted with a date after ``on``: "anslås <datum>" (``SCHEDULED``)."""
        return self.filter(approved_on__isnull=False, posted_on__gt=on)

    def taken_down(self, on: dt.date) -> "MeetingQuerySet":
        """Protocols whose anslag was taken down on or before ``on`` (``TAKEN_DOWN``)."""
        return self.filter(approved_on__isnull=False, removed_on__lte=on)

    def with_status(self, status: str, on: dt.date) -> "MeetingQuerySet":
        """Meetings whose ``status(on)`` is ``status`` (one of ``Meeting.Status``)."""
        S = Meeting.Status
        if status == S.TAKEN_DOWN:
            return self.taken_down(on)
        if status == S.ON_BOARD:
            return self.on_board(on)
        if status == S.SCHEDULED:
            return self.scheduled(on)
        if status == S.APPROVED:
            return (
                self.justerade()
                .exclude(on_board_q(on))
                .exclude(removed_on__lte=on)
                .exclude(posted_on__gt=on)
            )
        if status == S.UNAPPROVED:
            return self.not_justerade().filter(held_on__lte=on)
        if status == S.PLANNED:
            return self.not_justerade().filter(Q(held_on__gt=on) | Q(held_on__isnull=True))
        return self.none()

    def for_list_page(self) -> "MeetingQuerySet":
        """The secretary's meeting list: organ and organisation per row, the number of §§ as
        an annotation."""
        return self.select_related("organ", "organ__organisation").annotate(
            decision_count=models.Count("decisions")
        )

    def for_meeting_page(self) -> "MeetingQuerySet":
        """The meeting page: organ, ordförande, närvaro with persons, justerare, and the §§
        with their ärende, counts of yrkanden and reservationer and what the justering check reads
        (``DecisionQuerySet.with_approval_checks``); constant queries."""
        decisions = (
            Decision.objects.with_approval_checks()
            .select_related("case")
            .annotate(
                motion_count=models.Count("motions", distinct=True),
                reservation_count=models.Count("reservations", distinct=True),
            )
            .order_by("number", "id")
        )
        return self.select_related("organ", "organ__organisation", "chair").prefetch_related(
            models.Prefetch("attendances", queryset=Attendance.objects.select_related("person")),
            "approvers",
            models.Prefetch("decisions", queryset=decisions),
        )


class Meeting(models.Model):
    """A sammanträde of an organ, and its protocol.

    ``held_on`` may be unknown when the sources do not give it (then ``year`` still places the
    §§ in the organ's yearly series, if known, and ``date_note`` says what is known).
    ``approved_on`` is the justering date, ``posted_on``/``removed_on`` the anslag on the
    digital anslagstavla. ``approved_date_unknown`` marks a protocol that was justerat although
    the sources do not give the date (a published protocol from the seeds): it is justerat for
    every rule (rule 9, 10, 30), and every date that depends on the justering is unknown.
    ``is_approved`` is the one question "is this protocol justerat?".
    """

    organ = models.ForeignKey(
        Organ, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("organ")
    )
    held_on = models.DateField(_("sammanträdesdatum"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True)
    date_note = models.CharField(_("anteckning om datum"), max_length=300, blank=True)
    place = models.CharField(_("plats"), max_length=200, blank=True)
    chair = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings_chaired",
        verbose_name=_("ordförande"),
    )
    secretary = models.CharField(_("sekreterare"), max_length=200, blank=True)
    approvers = models.ManyToManyField(
        Person, blank=True, related_name="meetings_approved", verbose_name=_("justerare")
    )
    approval_place = models.CharField(_("justeringens plats"), max_length=200, blank=True)
    approved_on = models.DateField(_("justerat"), null=True, blank=True)
    approved_date_unknown = models.BooleanField(
        _("justerat, datum okänt"),
        default=False,
        # Also a database default: rows written by COPY or raw SQL (decisions.generator)
        # without the column are not justerade.
        db_default=False,
        help_text=_(
            "Protokollet är justerat men källorna anger inte justeringsdatum. "
            "Kan inte tas bort när det väl är satt."
        ),
    )
    known_from_sources = models.CharField(
        _("känt ur andra handlingar"),
        max_length=500,
        blank=True,
        db_default="",
        help_text=_(
            "Protokollet finns inte i registret, men en annan handling visar att besluten "
            "fattades: ange handlingen, t.ex. ”Alingsås KSAU 2024-01-24 § 9”. Besluten räknas "
            "då som fattade och visas för alla."
        ),
    )
    posted_on = models.DateField(_("anslaget uppsatt"), null=True, blank=True)
    removed_on = models.DateField(_("anslaget nedtaget"), null=True, blank=True)
    minutes_kept_at = models.CharField(
        _("förvaringsplats för protokollet"), max_length=300, blank=True
    )

    history = HistoricalRecords(m2m_fields=[approvers])

    objects = MeetingQuerySet.as_manager()

    class Status(models.TextChoices):
        """Where a meeting's protocol stands on a date (``status(on)``)."""

        PLANNED = "planerat", _("Planerat")
        UNAPPROVED = "ojusterat", _("Ojusterat")
        APPROVED = "justerat", _("Justerat")
        SCHEDULED = "anslas", _("Anslås")  # posted with a later date (rule 39)
        ON_BOARD = "anslaget", _("Anslaget")
        TAKEN_DOWN = "nedtaget", _("Nedtaget")

    class Meta:
        verbose_name = _("sammanträde")
        verbose_name_plural = _("sammanträden")
        ordering = ["-held_on"]
        indexes = [models.Index(fields=["organ", "held_on"], name="meeting_organ_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_on__isnull=True) | Q(year__isnull=False),
                name="meeting_year_known_when_date_known",
            ),
            models.CheckConstraint(
                condition=Q(held_on__isnull=True)
                | Q(approved_on__isnull=True)
                | Q(approved_on__gte=F("held_on")),
                name="meeting_approved_after_held",
            ),
            models.CheckConstraint(
                condition=Q(posted_on__isnull=True)
                | (Q(approved_on__isnull=False) & Q(posted_on__gte=F("approved_on"))),
                name="meeting_posted_after_approved",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True)
                | (Q(posted_on__isnull=False) & Q(removed_on__gte=F("posted_on"))),
                name="meeting_removed_after_posted",
            ),
            models.CheckConstraint(
                condition=Q(approved_date_unknown=False) | Q(approved_on__isnull=True),
                name="meeting_date_unknown_only_without_date",
                violation_error_message=_(
                    "”Justerat, datum okänt” kan bara anges när justeringsdatum saknas."
                ),
            ),
            models.CheckConstraint(
                condition=Q(known_from_sources="")
                | Q(approved_on__isnull=True, approved_date_unknown=False, posted_on__isnull=True),
                name="meeting_known_from_sources_not_justerat",
                violation_error_message=_(
                    "”Känt ur andra handlingar” gäller ett protokoll som inte finns i registret; "
                    "ett justerat eller anslaget protokoll finns där."
                ),
            ),
        ]

    def __str__(self) -> str:
        when = self.held_on.isoformat() if self.held_on else _("datum okänt")
        return f"{self.organ.name} {when}"

    def save(self, *args, **kwargs):
        if self.held_on and not self.year:
            self.year = self.held_on.year
        super().save(*args, **kwargs)

    @property
    def is_approved(self) -> bool:
        """Whether the protocol is justerat: with a known date or with the date unknown
        (``MeetingQuerySet.justerade`` is the same condition in a query)."""
        return self.approved_on is not None or self.approved_date_unknown

    @property
    def is_known_from_sources(self) -> bool:
        """The protocol is not in the register, but another document tells that its decisions
        were taken (RULES.md 45): they count as taken, never as an unjusterat draft."""
        return bool(self.known_from_sources)

    @property
    def is_taken(self) -> bool:
        """Its decisions were taken and are allmänna: justerat, or known from other documents
        (``taken_q``)."""
        return self.is_approved or self.is_known_from_sources

    def is_on_board(self, on: dt.date) -> bool:
        """Whether the protocol is on the anslagstavla on ``on`` (``on_board_q``)."""
        return (
            self.approved_on is not None
            and self.posted_on is not None
            and self.posted_on <= on
            and (self.removed_on is None or self.removed_on > on)
        )

    def status_text(self, on: dt.date) -> str:
        """``status(on)`` as the pages show it: "Anslås 2026-12-07" for a posting dated
        after ``on`` (rule 39), else the status's label."""
        status = self.status(on)
        if status == self.Status.SCHEDULED:
            return f"{status.label} {self.posted_on.isoformat()}"
        return str(status.label)

    def status(self, on: dt.date) -> str:
        """planerat / ojusterat / justerat / anslås (a later posting date) / anslaget /
        nedtaget on ``on``
        (``MeetingQuerySet.with_status`` is the same in a query)."""
        if self.approved_on is not None and self.removed_on is not None and self.removed_on <= on:
            return self.Status.TAKEN_DOWN
        if self.is_on_board(on):
            return self.Status.ON_BOARD
        if self.approved_on is not None and self.posted_on is not None and self.posted_on > on:
            return self.Status.SCHEDULED
        if self.is_approved:
            return self.Status.APPROVED
        if self.held_on is None or self.held_on > on:
            return self.Status.PLANNED
        return self.Status.UNAPPROVED


class AttendanceQuerySet(models.QuerySet):
    def serving(self) -> "AttendanceQuerySet":
        """Those who serve (tjänstgör) at the meeting: ledamöter and tjänstgörande ersättare
        (``Attendance.is_serving``)."""
        return self.filter(role__in=Attendance.SERVING_ROLES)


class Attendance(models.Model):
    """Who was present at a meeting, and in what capacity."""

    class Role(models.TextChoices):
        MEMBER = "member", _("ledamot")
        SERVING_SUBSTITUTE = "serving_substitute", _("tjänstgörande ersättare")
        SUBSTITUTE = "substitute", _("ej tjänstgörande ersättare")
        OTHER = "other", _("övriga närvarande")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("sammanträde")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("person")
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    function = models.CharField(
        _("funktion"), max_length=100, blank=True, help_text=_("T.ex. ordförande, sekreterare.")
    )
    party = models.CharField(_("parti"), max_length=20, blank=True)

    history = HistoricalRecords()

    objects = AttendanceQuerySet.as_manager()

    # Who serves (tjänstgör): takes part in the §§, votes and may reserve (rules 11, 13, 15).
    SERVING_ROLES = (Role.MEMBER, Role.SERVING_SUBSTITUTE)

    class Meta:
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        ordering = ["meeting", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["member", "serving_substitute", "substitute", "other"]),
                name="attendance_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    @property
    def is_serving(self) -> bool:
        """Whether the person serves at the meeting (``AttendanceQuerySet.serving``)."""
        return self.role in self.SERVING_ROLES


def justerad_decision_q() -> Q:
    """The condition "the § is justerad" (``Decision.is_justerad``) for a query of §§."""
    return justerad_q("meeting__") | Q(approved_immediately=True)


def taken_decision_q() -> Q:
    """The condition "the § was taken and is allmän" (``Decision.is_taken``): justerad, or
    known from other documents (RULES.md 45)."""
    return justerad_decision_q() | known_from_sources_q("meeting__")


class DecisionQuerySet(models.QuerySet):
    def justerade(self) -> "DecisionQuerySet":
        """§§ that are justerade (``Decision.is_justerad``): their protocol is, or they were
        justerade omedelbart (rule 7)."""
        return self.filter(justerad_decision_q())

    def taken(self) -> "DecisionQuerySet":
        """§§ that were taken (``Decision.is_taken``): justerade, or known from other
        documents."""
        return self.filter(taken_decision_q())

    def with_taken(self) -> "DecisionQuerySet":
        """Each § annotated ``taken`` (``Decision.is_taken``), for reads of ``values()``."""
        return self.annotate(
            taken=models.ExpressionWrapper(taken_decision_q(), output_field=models.BooleanField())
        )

    def with_justerad(self) -> "DecisionQuerySet":
        """Each § annotated ``justerad`` (``Decision.is_justerad``), for reads of ``values()``."""
        return self.annotate(
            justerad=models.ExpressionWrapper(
                justerad_decision_q(), output_field=models.BooleanField()
            )
        )

    def visible_to(self, user) -> "DecisionQuerySet":
        """§§ ``user`` may read: every § for members and staff, for visitors the §§ that were
        taken — justerade (TF 2 kap. 10 §: a protocol is allmän handling once justerat) or
        known from other documents (RULES.md 45)."""
        if can_see_unapproved_decisions(user):
            return self
        return self.taken()

    def with_approval_checks(self) -> "DecisionQuerySet":
        """What the justering check (``approval_problems``, rule 11) reads of each §, as
        annotations: whether it has participants, and how many voteringar."""
        return self.annotate(
            has_participants=models.Exists(
                Participation.objects.filter(decision=models.OuterRef("pk"))
            ),
            vote_count=models.Count("votes", distinct=True),
        )

    def for_secretary_page(self) -> "DecisionQuerySet":
        """The secretary's § page: meeting, organ, ärende, deltagare, yrkanden with
        instämmande, voteringar with their voteringslista, reservationer, jäv and rättelser."""
        return self.select_related(
            "meeting", "meeting__organ", "meeting__organ__organisation", "case"
        ).prefetch_related(
            models.Prefetch(
                "participations",
                queryset=Participation.objects.select_related("person").order_by("person__name"),
            ),
            models.Prefetch(
                "motions",
                queryset=Motion.objects.select_related("mover").prefetch_related("supporters"),
            ),
            models.Prefetch("votes", queryset=Vote.objects.prefetch_related("ballots__person")),
            "reservations__person",
            "recusals__person",
            "corrections",
        )

    def for_case_page(self, user) -> "DecisionQuerySet":
        """The §§ of a case as its page lists them: those ``user`` may see, with organ and
        meeting, in date order."""
        return (
            self.visible_to(user)
            .select_related("organ", "meeting")
            .order_by("meeting__held_on", "number")
        )


class Decision(models.Model):
    """A paragraf (§) of a meeting's protocol.

    ``organ`` and ``year`` repeat the meeting's so that the database can hold the § series
    unique per organ and year. ``number`` may be unknown (a decision cited or implied by the
    sources whose § is not given).
    """

    class Kind(models.TextChoices):
        DECISION = "decision", _("beslut")
        PROPOSAL = "proposal", _("förslag till beslut")
        NOTIFICATION = "notification", _("anmälan")
        DELEGATION = "delegation", _("delegationsbeslut")
        TABLED = "tabled", _("bordläggning")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("sammanträde")
    )
    organ = models.ForeignKey(
        Organ, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("organ")
    )
    year = models.PositiveSmallIntegerField(_("år"), null=True, blank=True)
    number = models.PositiveIntegerField(_("§"), null=True, blank=True)
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("ärende"),
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.DECISION)
    title = models.CharField(_("rubrik"), max_length=500)
    description = models.TextField(_("ärendebeskrivning"), blank=True)
    preparation = models.TextField(_("beredning"), blank=True)
    procedure = models.TextField(_("propositionsordning"), blank=True)
    decision_text = models.TextField(_("beslut"), blank=True)
    basis = models.TextField(_("beslutsunderlag"), blank=True)
    sent_to = models.TextField(_("skickas till"), blank=True)
    approved_immediately = models.BooleanField(_("omedelbart justerad"), default=False)
    enforcement_stayed = models.BooleanField(_("särskilda skäl mot verkställighet"), default=False)
    participants = models.ManyToManyField(
        Person,
        through="Participation",
        related_name="decisions_taken_part_in",
        verbose_name=_("deltagande"),
    )
    # Written by PostgreSQL, never by Django; the rule-9 guard of migration 0006 compares rows
    # without it (in a BEFORE trigger a stored generated column of NEW is not yet computed).
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "decision_text", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("sökvektor"),
    )

    history = HistoricalRecords(excluded_fields=["search_vector"])

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("paragraf")
        verbose_name_plural = _("paragrafer")
        ordering = ["organ", "year", "number"]
        indexes = [
            models.Index(fields=["case"], name="decision_case_idx"),
            GinIndex(fields=["search_vector"], name="decision_search_vector"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organ", "year", "number"], name="decision_number_unique_per_organ_year"
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(year__isnull=False),
                name="decision_year_known_when_number_known",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1),
                name="decision_number_positive",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["decision", "proposal", "notification", "delegation", "tabled"]
                ),
                name="decision_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organ.code} {self.label} {self.title}"

    def save(self, *args, **kwargs):
        self.organ_id = self.meeting.organ_id
        self.year = self.meeting.year
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """``§ 128``, or ``§ ?`` when the number is not known."""
        return f"§ {self.number}" if self.number else "§ ?"

    @property
    def is_justerad(self) -> bool:
        """Justerad: the protocol is (also "justerat, datum okänt"), or the § was justerad
        omedelbart (rule 7). ``DecisionQuerySet.justerade`` is the same in a query."""
        return bool(self.approved_immediately or self.meeting.is_approved)

    @property
    def secret_under(self) -> str:
        """The OSL provision a § of a secret ärende is secret under (its case's marking), ""
        for a § of a public ärende or of none. Needs ``case`` loaded."""
        if self.case_id is None or not self.case.is_secret:
            return ""
        return self.case.secrecy_ground or "OSL"

    @property
    def is_public_record(self) -> bool:
        """Printable for anyone, without login (extract, rättelse): justerad (TF 2 kap. 10 §)
        and not of a secret ärende (rule 21)."""
        return self.is_justerad and not self.secret_under

    @property
    def is_taken(self) -> bool:
        """Taken and allmän: justerad, or known from other documents although its protocol is
        not in the register (RULES.md 45). ``DecisionQuerySet.taken`` is the same in a query."""
        return self.is_justerad or self.meeting.is_known_from_sources

    @property
    def approval_date(self) -> dt.date | None:
        """The day the § was justerad (``date_rules.effective_approval_date``): the meeting day
        for an omedelbart justerad § (rule 7), else the protocol's justering date; None while
        not justerad or when the date is unknown."""
        if self.approved_immediately and self.meeting.held_on:
            return date_rules.effective_approval_date(
                held_on=self.meeting.held_on,
                approved_on=self.meeting.approved_on,
                approved_immediately=True,
            )
        return self.meeting.approved_on


class Participation(models.Model):
    """A member who took part in a § (rule 15: participants are stored per §)."""

    class Role(models.TextChoices):
        MEMBER = "member", _("ledamot")
        SERVING_SUBSTITUTE = "serving_substitute", _("tjänstgörande ersättare")

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="participations", verbose_name=_("§")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="participations", verbose_name=_("person")
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    function = models.CharField(_("funktion"), max_length=100, blank=True)
    party = models.CharField(_("parti"), max_length=20, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")
        ordering = ["decision", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "person"], name="participation_unique"),
            models.CheckConstraint(
                condition=Q(role__in=["member", "serving_substitute"]),
                name="participation_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class Motion(models.Model):
    """A yrkande made at the meeting."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="motions", verbose_name=_("§")
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=1)
    mover = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="motions",
        verbose_name=_("yrkande av"),
    )
    supporters = models.ManyToManyField(
        Person, blank=True, related_name="motions_supported", verbose_name=_("instämmande")
    )
    text = models.TextField(_("yrkande"))

    history = HistoricalRecords(m2m_fields=[supporters])

    class Meta:
        verbose_name = _("yrkande")
        verbose_name_plural = _("yrkanden")
        ordering = ["decision", "order"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "order"], name="motion_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.mover}: {self.text[:60]}"


class Vote(models.Model):
    """A votering in a §. The counts are those the protocol records; the ballots must add up
    to them (rule 11)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="votes", verbose_name=_("§")
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=1)
    question = models.TextField(_("voteringsproposition"))
    yes_means = models.CharField(_("ja innebär"), max_length=500, blank=True)
    no_means = models.CharField(_("nej innebär"), max_length=500, blank=True)
    yes_count = models.PositiveSmallIntegerField(_("ja"))
    no_count = models.PositiveSmallIntegerField(_("nej"))
    abstain_count = models.PositiveSmallIntegerField(_("avstår"))
    appendix = models.CharField(_("bilaga"), max_length=100, blank=True)
    result = models.TextField(_("utfall"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("votering")
        verbose_name_plural = _("voteringar")
        ordering = ["decision", "order"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "order"], name="vote_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.yes_count} ja, {self.no_count} nej, {self.abstain_count} avstår"
