"""What was decided: sammanträden, their §§, yrkanden, voteringar, reservationer, jäv and the
links between decisions (proposes, revokes, withdraws, amends, refers back).

Three time axes are kept apart: the audit trail (``history``, who changed a record), the
procedural dates (meeting, justering, anslag) and legal validity, which is derived from the
links and appeals by ``decisions.rules`` and never stored as a flag.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import SEARCH_CONFIG, Case
from members.models import Organ, Person


def filename_part(text: str, default: str = "organ") -> str:
    """``text`` (an organ's code) as part of a file name: letters and digits kept, anything
    else a hyphen (``KS/AU`` → ``KS-AU``)."""
    return "".join(c if c.isalnum() else "-" for c in text).strip("-") or default


def justerad_q(path: str = "") -> Q:
    """The condition "the protocol is justerat" (``Meeting.is_approved``) for a query:
    justerat with a known date or with the date unknown. ``path`` leads from the queried model
    to the meeting: ``""`` for meetings, ``"meeting__"`` for §§, ``"meetings__"`` for organs.
    Its negation, ``~justerad_q()``, is "not yet justerat"."""
    return Q(**{f"{path}approved_on__isnull": False}) | Q(**{f"{path}approved_date_unknown": True})


# Rule 9 in the database: the triggers (migrations 0004, 0006, 0008; the refusal as 0010 states
# it) refuse any change to a justerat protocol or a justerad § with this SQLSTATE and message.
# The code is in class 23 (integrity constraint violation), so psycopg and Django still raise
# ``IntegrityError``; the subclass ``J09`` is implementation-defined (the SQL standard leaves
# subclasses beginning with I-Z to implementations, PostgreSQL's own use P) and used by nothing
# else, so a caller can tell this refusal from any other by its code, not by its words.
# Migration 0010 reads both constants: changing one needs a new migration that runs its SQL again.
JUSTERAT_SQLSTATE = "23J09"
JUSTERAT_MESSAGE = (
    "Uppgiften hör till ett justerat protokoll eller en justerad paragraf och kan inte "
    "ändras; en ändring görs som rättelse (KL 5 kap. 69 §)."
)


def is_justerat_refusal(error: BaseException | None) -> bool:
    """Whether ``error`` is the database's rule-9 refusal: a Django ``DatabaseError`` whose
    ``__cause__`` (psycopg's error) carries ``JUSTERAT_SQLSTATE``, or anything raised from one
    (the importer's ``ImportFailed``)."""
    while error is not None:
        if getattr(error, "sqlstate", None) == JUSTERAT_SQLSTATE:
            return True
        error = error.__cause__
    return False


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
    posted_on = models.DateField(_("anslaget uppsatt"), null=True, blank=True)
    removed_on = models.DateField(_("anslaget nedtaget"), null=True, blank=True)
    minutes_kept_at = models.CharField(
        _("förvaringsplats för protokollet"), max_length=300, blank=True
    )

    history = HistoricalRecords(m2m_fields=[approvers])

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
        (``justerad_q`` is the same condition in a query)."""
        return self.approved_on is not None or self.approved_date_unknown


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


class StoredExtract(models.Model):
    """A rendered protokollsutdrag (rule 30), kept so that the same extract is served again
    without rendering.

    A justerad § never changes, but what is printed with it can grow: rättelser (rule 9) and
    later decisions that revoke or amend it. ``content_key`` fingerprints those, so a new
    rättelse or revocation gives a new stored extract while the old one stays as issued. The
    utdragsbestyrkande (certifier and date) is part of the rendered page, so one extract is
    stored per §, certifier, day and content.
    """

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="stored_extracts", verbose_name=_("§")
    )
    certified_by = models.CharField(_("bestyrkt av"), max_length=200)
    issued_on = models.DateField(_("utfärdat"))
    content_key = models.CharField(_("innehållsnyckel"), max_length=64)
    pdf = models.BinaryField(_("PDF"))
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)

    class Meta:
        verbose_name = _("lagrat protokollsutdrag")
        verbose_name_plural = _("lagrade protokollsutdrag")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "certified_by", "issued_on", "content_key"],
                name="stored_extract_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Utdrag {self.decision_id} {self.issued_on} {self.certified_by}"


class ExtractIssue(models.Model):
    """That a protokollsutdrag was issued: which §, by whom, when (rule 30)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="extract_issues", verbose_name=_("§")
    )
    stored_extract = models.ForeignKey(
        StoredExtract,
        on_delete=models.PROTECT,
        related_name="issues",
        verbose_name=_("lagrat utdrag"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="extract_issues",
        verbose_name=_("utfärdat av"),
    )
    issued_at = models.DateTimeField(_("utfärdat"), default=timezone.now)

    class Meta:
        verbose_name = _("utfärdat protokollsutdrag")
        verbose_name_plural = _("utfärdade protokollsutdrag")
        ordering = ["-issued_at"]
        indexes = [
            models.Index(fields=["decision", "issued_at"], name="extract_issue_decision_idx")
        ]

    def __str__(self) -> str:
        return f"Utdrag {self.decision_id} {self.issued_at:%Y-%m-%d %H:%M}"


class ProtocolBatch(models.Model):
    """A request for a whole year's justerade protocols of one organ as one ZIP of PDFs,
    rendered by a Celery worker (``decisions.tasks.render_protocol_batch``).

    The job's state is this row, and the ZIP is stored in it (not a local file), so that every
    app server and worker sees the same job. History is kept without the ZIP itself.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("köad")
        RUNNING = "running", _("pågår")
        DONE = "done", _("klar")
        FAILED = "failed", _("misslyckad")

    organ = models.ForeignKey(
        Organ, on_delete=models.PROTECT, related_name="protocol_batches", verbose_name=_("organ")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="protocol_batches",
        verbose_name=_("beställd av"),
    )
    requested_at = models.DateTimeField(_("beställd"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    protocol_count = models.PositiveIntegerField(_("antal protokoll"), null=True, blank=True)
    error = models.TextField(_("fel"), blank=True)
    result_zip = models.BinaryField(_("ZIP-fil"), null=True, blank=True)
    zip_size = models.PositiveIntegerField(_("ZIP-filens storlek (byte)"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["result_zip"])

    class Meta:
        verbose_name = _("utskrift av årets protokoll")
        verbose_name_plural = _("utskrifter av årets protokoll")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-requested_at"], name="protocol_batch_user_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(result_zip__isnull=False),
                name="protocol_batch_done_has_zip",
            ),
        ]

    def __str__(self) -> str:
        return f"Protokoll {self.organ_id} {self.year} ({self.get_status_display()})"

    def zip_filename(self) -> str:
        return f"protokoll-{filename_part(self.organ.code)}-{self.year}.zip"
