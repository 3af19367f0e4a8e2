"""The diarium: registers (number series), ärenden and their handlingar."""

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from insjoriket.access import can_see_secret
from members.models import Organ, Organisation

MASKED_CASE_TITLE = _("Sekretessbelagt ärende")
MASKED_DOCUMENT_TITLE = _("Sekretessbelagd handling")
# The postlista's motpart who is not an organisation of the register (GDPR: a private
# person's name is not published in a list; the register has no other notion of private).
PRIVATE_PERSON = _("Privatperson")

# The text search configuration of the stored search vectors (Case, Document and
# decisions.Decision): PostgreSQL's built-in snowball stemmer, no extension. cases.search parses
# its queries in the same configuration.
SEARCH_CONFIG = "swedish"

SECRECY_INCOMPLETE = _(
    "En sekretessmarkering måste ange lagrum, datum och vem som beslutat om den (OSL 5 kap. 5 §)."
)


class SecrecyFields(models.Model):
    """Sekretessmarkering (OSL 5 kap. 5 §, rule 22): the legal ground, the date and the marking
    authority, all three or none. ``public_title`` replaces what would reveal the secret in
    every view for users without access (rule 21)."""

    is_secret = models.BooleanField(_("sekretess"), default=False)
    secrecy_ground = models.CharField(
        _("sekretessgrund (lagrum)"), max_length=100, blank=True, help_text=_("T.ex. OSL 26:1")
    )
    secrecy_marked_on = models.DateField(_("sekretessmarkerad datum"), null=True, blank=True)
    secrecy_marked_by = models.CharField(_("markerad av"), max_length=200, blank=True)
    public_title = models.CharField(_("offentlig titel"), max_length=500, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def secrecy_constraint(cls, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=Q(is_secret=False)
            | (
                ~Q(secrecy_ground="")
                & Q(secrecy_marked_on__isnull=False)
                & ~Q(secrecy_marked_by="")
            ),
            name=name,
        )

    def clean_secrecy(self) -> None:
        if self.is_secret and not (
            self.secrecy_ground and self.secrecy_marked_on and self.secrecy_marked_by
        ):
            raise ValidationError(SECRECY_INCOMPLETE)


class ClassificationScheme(models.Model):
    """A versioned classification plan, e.g. "Klassa 2.1" or "Kommunförbundets diarieplan"."""

    name = models.CharField(_("namn"), max_length=200)
    version = models.CharField(_("version"), max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("klassificeringsstruktur")
        verbose_name_plural = _("klassificeringsstrukturer")
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="scheme_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


NO_CLASSIFICATION_TITLE = _("(benämning saknas)")


class Classification(models.Model):
    """One code of a classification scheme (rule 27)."""

    scheme = models.ForeignKey(
        ClassificationScheme,
        on_delete=models.PROTECT,
        related_name="classes",
        verbose_name=_("klassificeringsstruktur"),
    )
    code = models.CharField(_("kod"), max_length=40)
    title = models.CharField(_("benämning"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("klass")
        verbose_name_plural = _("klasser")
        ordering = ["scheme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="classification_unique"),
        ]

    def __str__(self) -> str:
        """The code and its benämning; a code whose benämning neither the data file nor the
        admin gave says so (none is invented)."""
        return f"{self.code} {self.title or NO_CLASSIFICATION_TITLE}"


class Register(models.Model):
    """A diarium: the number series of an organisation or one of its organs.

    ``number_format`` is a Python format string over ``year``, ``seq`` and ``code``:
    ``{year}.{seq:03d} {code}`` → ``2023.509 KS``; ``{year}{code}{seq}`` → ``2022KS554``;
    ``{code} {year}/{seq}`` → ``KS 2023/123``. The serial restarts at 1 each year (rule 24).
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="registers",
        verbose_name=_("organisation"),
    )
    organ = models.ForeignKey(
        Organ,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registers",
        verbose_name=_("organ"),
    )
    code = models.CharField(_("kod"), max_length=20)
    name = models.CharField(_("namn"), max_length=200)
    number_format = models.CharField(_("nummerformat"), max_length=60)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("diarium")
        verbose_name_plural = _("diarier")
        ordering = ["organisation__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="register_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def format_number(self, *, year: int, serial: int) -> str:
        return self.number_format.format(year=year, seq=serial, code=self.code)


class RegisterCounter(models.Model):
    """The last serial handed out in a register's year. Locked in the transaction that
    registers a case, so numbers are allocated in order, without gaps or duplicates."""

    register = models.ForeignKey(
        Register, on_delete=models.PROTECT, related_name="counters", verbose_name=_("diarium")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    last_serial = models.PositiveIntegerField(_("senaste löpnummer"), default=0)

    class Meta:
        verbose_name = _("nummerräknare")
        verbose_name_plural = _("nummerräknare")
        constraints = [
            models.UniqueConstraint(fields=["register", "year"], name="register_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.register.code} {self.year}: {self.last_serial}"


class CaseQuerySet(models.QuerySet):
    """Reads of the diarium: who may see which cases, and what each list page loads."""

    def visible_to(self, user) -> "CaseQuerySet":
        """Cases whose content ``user`` may read: secret ones only with access (rule 21)."""
        if can_see_secret(user):
            return self
        return self.filter(is_secret=False)

    def filter_content(self, user, **lookups) -> "CaseQuerySet":
        """Filter on fields shown only with a case's content (``Case.CONTENT_FIELDS``). For a
        user without access to secrets only cases whose content they may see can match, so a
        filter can't tell a hidden value: the count for a secret case's handläggare is the
        count for a name nobody has (rule 21)."""
        for lookup in lookups:
            if lookup.split("__")[0] not in Case.CONTENT_FIELDS:
                raise ValueError(f"{lookup} is not a content field of Case")
        return self.visible_to(user).filter(**lookups)

    def for_list_page(self) -> "CaseQuerySet":
        """The case list: register and classification for each row, nothing per row."""
        return self.select_related("register", "classification", "classification__scheme")

    def for_public_register(self) -> "CaseQuerySet":
        """The public diarium (e-diarium): the register with its organ and organisation for
        each row, nothing per row; newest registration first."""
        return self.select_related(
            "register", "register__organ", "register__organisation"
        ).order_by(models.F("opened_on").desc(nulls_last=True), "-year", "-serial", "-id")

    def matching_number(self, text: str) -> "CaseQuerySet":
        """Cases whose diarienummer matches ``text`` loosely (``number_lookup``). The dnr is
        public, so secret cases match too and are shown masked (rule 21)."""
        condition = number_lookup(text)
        return self.filter(condition) if condition is not None else self.none()

    def for_case_page(self) -> "CaseQuerySet":
        """The case page: register, classification, handlingar and the linked cases both ways
        (the §§ of the case are the decisions app's: ``DecisionQuerySet.for_case_page``)."""
        return self.for_list_page().prefetch_related(
            models.Prefetch("documents", queryset=Document.objects.order_by("serial")),
            models.Prefetch(
                "links_out",
                queryset=CaseLink.objects.select_related("to_case", "to_case__register"),
            ),
            models.Prefetch(
                "links_in",
                queryset=CaseLink.objects.select_related("from_case", "from_case__register"),
            ),
        )


class Case(SecrecyFields):
    """An ärende in a register, identified by its diarienummer (``number``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("pågående")
        CLOSED = "closed", _("avslutat")

    register = models.ForeignKey(
        Register, on_delete=models.PROTECT, related_name="cases", verbose_name=_("diarium")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    serial = models.PositiveIntegerField(_("löpnummer"))
    number = models.CharField(_("diarienummer"), max_length=60)
    number_key = models.CharField(
        _("normaliserat diarienummer"),
        max_length=60,
        editable=False,
        db_index=True,
        help_text=_("Diarienumret utan skiljetecken och i gemener, för sökning."),
    )
    title = models.CharField(_("ärendemening"), max_length=500)
    classification = models.ForeignKey(
        Classification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("klassificering"),
    )
    officer = models.CharField(_("handläggare"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_on = models.DateField(_("registrerat"), null=True, blank=True)
    closed_on = models.DateField(_("avslutat"), null=True, blank=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("title", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("sökvektor"),
    )

    objects = CaseQuerySet.as_manager()
    # The vectors follow the texts, which the history keeps; a historical copy of the field
    # would be a second generated column per history table.
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        ordering = ["-year", "-serial"]
        indexes = [GinIndex(fields=["search_vector"], name="case_search_vector")]
        constraints = [
            models.UniqueConstraint(
                fields=["register", "year", "serial"], name="case_serial_unique"
            ),
            models.UniqueConstraint(fields=["register", "number"], name="case_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed"]), name="case_status_valid"
            ),
            models.CheckConstraint(condition=Q(serial__gte=1), name="case_serial_positive"),
            models.CheckConstraint(
                condition=Q(year__gte=1900) & Q(year__lte=2200), name="case_year_sane"
            ),
            models.CheckConstraint(
                condition=Q(opened_on__isnull=True)
                | Q(closed_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="case_dates_in_order",
            ),
            SecrecyFields.secrecy_constraint("case_secrecy_complete"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        self.number_key = normalise_number(self.number)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.clean_secrecy()

    # Fields shown only with the content of a case: for a secret case and a user without
    # access they are hidden on every page, and no filter matches on them (rule 21).
    CONTENT_FIELDS = ("officer", "classification")

    def is_content_hidden_for(self, *, may_see_secret: bool) -> bool:
        """Whether the case's content (title, CONTENT_FIELDS, handlingar) is hidden from a user
        (rule 21): it is secret and the user has no access."""
        return self.is_secret and not may_see_secret

    def title_for(self, *, may_see_secret: bool) -> str:
        """The ärendemening, or for a secret case and a user without access its public title
        (rule 21)."""
        if self.is_content_hidden_for(may_see_secret=may_see_secret):
            return self.public_title or str(MASKED_CASE_TITLE)
        return self.title

    # Fields the change log never shows (derived from another field).
    CHANGE_LOG_HIDDEN_FIELDS = frozenset({"number_key"})

    def change_log(self, *, may_see_secret: bool) -> list[dict]:
        """Who changed what and when (rule 23), newest first, from the history. Users without
        access to secrets see who and when but no values of a case that has ever been
        secret."""
        records = list(self.history.select_related("history_user").order_by("history_date"))
        hide_values = any(record.is_secret for record in records) and not may_see_secret
        fields = self._meta.concrete_fields
        labels = {f.attname: f.verbose_name for f in fields} | {
            f.name: f.verbose_name for f in fields
        }
        choices = {f.name: dict(f.flatchoices) for f in fields}

        def shown(field: str, value):
            return "" if hide_values else choices.get(field, {}).get(value, value)

        entries, previous = [], None
        for record in records:
            changes = []
            if previous is not None:
                delta = record.diff_against(previous, foreign_keys_are_objs=False)
                changes = [
                    {
                        "field": labels.get(change.field, change.field),
                        "old": shown(change.field, change.old),
                        "new": shown(change.field, change.new),
                    }
                    for change in delta.changes
                    if change.field not in self.CHANGE_LOG_HIDDEN_FIELDS
                ]
            entries.append(
                {
                    "when": record.history_date,
                    "who": record.history_user,
                    "kind": record.get_history_type_display(),
                    "reason": record.history_change_reason or "",
                    "changes": changes,
                    "hide_values": hide_values,
                }
            )
            previous = record
        entries.reverse()
        return entries


_RUN = re.compile(r"\d+|[^\W\d_]+")


def parse_number(text: str) -> Q | None:
    """A loose diarienummer as (year, serial, register code): ``509 KS``, ``KS 2022/554``,
    ``2023.509``, ``2022ks554``."""
    runs = _RUN.findall(text.lower())
    digits = [r for r in runs if r.isdigit()]
    letters = [r for r in runs if not r.isdigit()]
    if not digits or len(runs) > 3 or len(digits) > 2 or len(letters) > 1:
        return None
    if letters and len(letters[0]) > 8:
        return None
    year = None
    if len(digits) == 2:
        years = [d for d in digits if len(d) == 4 and 1900 <= int(d) <= 2200]
        if not years:
            return None
        year = years[0]
        digits.remove(year)
    condition = Q(serial=int(digits[0]))
    if year:
        condition &= Q(year=int(year))
    if letters:
        condition &= Q(register__code__iexact=letters[0])
    return condition


def number_lookup(text: str) -> Q | None:
    """The condition a loose diarienummer ``text`` finds cases by, case- and spacing-blind
    (``sf 2020/12``, ``2023.509``, ``509 KS``, ``2022ks554``): its normalised form exactly or
    (from three characters) as a part, or as (year, serial, register code). None when the text
    has no digit: then it is no diarienummer. The search page and the diarium both use it."""
    key = normalise_number(text)
    if not key or not any(ch.isdigit() for ch in key):
        return None
    condition = Q(number_key=key)
    if len(key) >= 3:
        condition |= Q(number_key__contains=key)
    structured = parse_number(text)
    if structured is not None:
        condition |= structured
    return condition


def normalise_number(number: str) -> str:
    """``2023.509 KS`` → ``2023509ks``: what loose diarienummer lookups compare."""
    return "".join(ch for ch in number.lower() if ch.isalnum())


class CaseLink(models.Model):
    """Two cases that are the same matter in different registers (e.g. 2022VFN360 and
    2022KS554)."""

    from_case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("från ärende")
    )
    to_case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="links_in", verbose_name=_("till ärende")
    )
    note = models.CharField(_("anteckning"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ärendekoppling")
        verbose_name_plural = _("ärendekopplingar")
        constraints = [
            models.UniqueConstraint(fields=["from_case", "to_case"], name="case_link_unique"),
            models.CheckConstraint(
                condition=~Q(from_case=models.F("to_case")), name="case_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_case.number} ↔ {self.to_case.number}"


def document_upload_path(instance: "Document", filename: str) -> str:
    return f"documents/{instance.case_id}/{filename}"


class DocumentQuerySet(models.QuerySet):
    def with_counterpart_is_organisation(self) -> "DocumentQuerySet":
        """Annotates ``counterpart_is_organisation``: the motpart is, by name, an organisation
        (name or short name) or an organ of the register (``Document.public_counterpart``)."""
        counterpart = models.OuterRef("counterpart")
        return self.annotate(
            counterpart_is_organisation=models.Exists(
                Organisation.objects.filter(Q(name__iexact=counterpart))
            )
            | models.Exists(Organisation.objects.filter(short_name__iexact=counterpart))
            | models.Exists(Organ.objects.filter(name__iexact=counterpart))
        )

    def for_post_list(self) -> "DocumentQuerySet":
        """The postlista: the case and its register for each row and whether the motpart is an
        organisation, nothing per row; in order of dnr and löpnummer."""
        return (
            self.select_related("case", "case__register", "case__register__organisation")
            .with_counterpart_is_organisation()
            .order_by("case__register__code", "case__year", "case__serial", "serial")
        )


class Document(SecrecyFields):
    """A handling in a case, numbered ``<dnr>:<löpnummer>`` (rule 25)."""

    class Direction(models.TextChoices):
        INCOMING = "incoming", _("inkommande")
        DRAWN_UP = "drawn_up", _("upprättad")
        OUTGOING = "outgoing", _("utgående")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="documents", verbose_name=_("ärende")
    )
    serial = models.PositiveIntegerField(_("löpnummer"))
    date = models.DateField(_("datum"))
    direction = models.CharField(_("riktning"), max_length=10, choices=Direction.choices)
    counterpart = models.CharField(_("avsändare/mottagare"), max_length=300, blank=True)
    description = models.CharField(_("beskrivning"), max_length=500)
    author = models.CharField(_("upprättad av"), max_length=200, blank=True)
    text = models.TextField(_("innehåll"), blank=True)
    file = models.FileField(_("fil"), upload_to=document_upload_path, blank=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("description", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("sökvektor"),
    )

    objects = DocumentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        verbose_name = _("handling")
        verbose_name_plural = _("handlingar")
        ordering = ["case", "serial"]
        indexes = [GinIndex(fields=["search_vector"], name="document_search_vector")]
        constraints = [
            models.UniqueConstraint(fields=["case", "serial"], name="document_serial_unique"),
            models.CheckConstraint(condition=Q(serial__gte=1), name="document_serial_positive"),
            models.CheckConstraint(
                condition=Q(direction__in=["incoming", "drawn_up", "outgoing"]),
                name="document_direction_valid",
            ),
            SecrecyFields.secrecy_constraint("document_secrecy_complete"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description}"

    @property
    def number(self) -> str:
        return f"{self.case.number}:{self.serial}"

    def clean(self) -> None:
        self.clean_secrecy()

    @property
    def secret_under(self) -> str:
        """The OSL provision the handling is secret under: its own marking, else its case's
        (rule 22); empty when neither is secret."""
        if self.is_secret:
            return self.secrecy_ground
        return self.case.secrecy_ground if self.case.is_secret else ""

    def is_hidden_for(self, *, may_see_secret: bool) -> bool:
        """Whether the handling's content is hidden: it or its case is secret and the user
        has no access (rule 21)."""
        return (self.is_secret or self.case.is_secret) and not may_see_secret

    def title_for(self, *, may_see_secret: bool) -> str:
        """The description, or for a hidden handling its public title (rule 21)."""
        if self.is_hidden_for(may_see_secret=may_see_secret):
            return self.public_title or str(MASKED_DOCUMENT_TITLE)
        return self.description

    def author_for(self, *, may_see_secret: bool) -> str:
        """Who drew the handling up (the signatories of a tjänsteskrivelse), unless its content
        is hidden (rule 21)."""
        return "" if self.is_hidden_for(may_see_secret=may_see_secret) else self.author

    def text_for(self, *, may_see_secret: bool, may_read: bool) -> str | None:
        """The handling's text to a reader who may read handlingar (as its file:
        ``insjoriket.access.can_read_documents``) and see it (rule 21); ``None`` otherwise,
        so that "no text recorded" (``""``) and "not yours to read" stay apart."""
        if not may_read or self.is_hidden_for(may_see_secret=may_see_secret):
            return None
        return self.text

    def public_counterpart(self, *, may_see_secret: bool) -> str:
        """The motpart as a public list (the postlista) shows it: nothing for a hidden
        handling (the sender can reveal the secret, rule 21), the name of an organisation or
        organ of the register, and "Privatperson" for anyone else — the register keeps no
        other mark of a private person, so a name it does not know as an organisation is not
        published. Needs ``DocumentQuerySet.with_counterpart_is_organisation``."""
        if not self.counterpart or self.is_hidden_for(may_see_secret=may_see_secret):
            return ""
        if self.counterpart_is_organisation:
            return self.counterpart
        return str(PRIVATE_PERSON)


class ApiToken(models.Model):
    """A bearer token for another system (an e-service, the e-mail intake) that registers
    cases through the API. Only the SHA-256 hash of the token is stored; the token itself is
    shown once, when it is created (``manage.py create_api_token NAME``)."""

    name = models.CharField(_("namn"), max_length=100, unique=True)
    token_hash = models.CharField(_("hash av nyckeln"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    revoked = models.BooleanField(_("återkallad"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DocumentRequest(models.Model):
    """A begäran om allmän handling (TF 2 kap.; rule 42): who asked (they may stay anonymous),
    when, for what, and when it was answered; the menprövning per handling is a
    ``DisclosureDecision``."""

    received_on = models.DateField(_("inkom"))
    requester = models.CharField(_("sökande"), max_length=200, blank=True)
    reply_to = models.CharField(_("svar till"), max_length=300, blank=True)
    description = models.TextField(_("vad som begärs"))
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="requests", verbose_name=_("ärende")
    )
    registered_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("begäran om allmän handling")
        verbose_name_plural = _("begäranden om allmän handling")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Begäran {self.received_on} ({self.case.number})"


class DisclosureDecision(models.Model):
    """The menprövning of one handling of a request (rule 42): lämnas ut, lämnas ut med
    maskning (the masked words never reach the copy, rule 43) or avslag — the last two with
    the OSL provision as ground."""

    class Outcome(models.TextChoices):
        RELEASED = "released", _("lämnas ut")
        MASKED = "masked", _("lämnas ut med maskning")
        REFUSED = "refused", _("avslag")

    request = models.ForeignKey(
        DocumentRequest, on_delete=models.PROTECT, related_name="decisions",
        verbose_name=_("begäran"),
    )  # fmt: skip
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("handling")
    )
    outcome = models.CharField(_("beslut"), max_length=10, choices=Outcome.choices)
    ground = models.CharField(_("sekretessgrund (lagrum)"), max_length=100, blank=True)
    masked_words = models.TextField(_("maskeras"), blank=True)
    decided_on = models.DateField(_("beslutsdatum"))
    decided_by = models.CharField(_("beslutat av"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("menprövning")
        verbose_name_plural = _("menprövningar")
        constraints = [
            models.UniqueConstraint(fields=["request", "document"], name="disclosure_once"),
            models.CheckConstraint(
                condition=Q(outcome="released") | ~Q(ground=""), name="disclosure_ground_given"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="masked") | ~Q(masked_words=""), name="disclosure_mask_given"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.number}: {self.get_outcome_display()}"

    @property
    def words_to_mask(self) -> list[str]:
        return [w.strip() for w in self.masked_words.splitlines() if w.strip()]
