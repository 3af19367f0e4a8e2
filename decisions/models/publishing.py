"""What is published from a protocol and kept: stored protokollsutdrag, who issued them, and
orders of a whole year's protocols."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from decisions.models.meetings import Decision
from members.models import Organ


def filename_part(text: str, default: str = "organ") -> str:
    """``text`` (an organ's code) as part of a file name: letters and digits kept, anything
    else a hyphen (``KS/AU`` → ``KS-AU``)."""
    return "".join(c if c.isalnum() else "-" for c in text).strip("-") or default


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


class JusteringSnapshot(models.Model):
    """What a justerat protocol prints that lives in other rows — names, parties, organ and
    organisation names, the approvals and what was known of the anslag — as it stood at
    justering (rule 38). Every rendering of the protocol, its extracts and its §§ reads names
    from here, so a later rename changes none of them. Append-only: the database refuses to
    change or delete a row (migration 0015)."""

    meeting = models.OneToOneField(
        "decisions.Meeting",
        # The database refuses the deletion of a justerat meeting itself (rule 9).
        on_delete=models.DO_NOTHING,
        related_name="snapshot",
        verbose_name=_("sammanträde"),
    )
    data = models.JSONField(_("uppgifter vid justeringen"))
    taken_at = models.DateTimeField(_("tagen"), default=timezone.now)

    class Meta:
        verbose_name = _("ögonblicksbild vid justering")
        verbose_name_plural = _("ögonblicksbilder vid justering")

    def __str__(self) -> str:
        return f"Ögonblicksbild {self.meeting_id} {self.taken_at:%Y-%m-%d}"


class ProtocolOriginal(models.Model):
    """The frozen original of a justerat protocol (rule 38): rendered once as PDF/A-2b from the
    §§ and the ``JusteringSnapshot``, sealed with the organisation's PAdES seal, its SHA-256
    kept beside it. Two versions are rendered together: the whole protocol, served to those
    who may see every §, and the public one with the §§ of secret ärenden masked (OSL ground
    shown), served to everyone else. Append-only (migration 0015)."""

    class Version(models.TextChoices):
        FULL = "full", _("fullständigt")
        PUBLIC = "public", _("offentligt (sekretess maskerad)")

    meeting = models.ForeignKey(
        "decisions.Meeting",
        # The database refuses the deletion of a justerat meeting itself (rule 9).
        on_delete=models.DO_NOTHING,
        related_name="originals",
        verbose_name=_("sammanträde"),
    )
    version = models.CharField(_("version"), max_length=10, choices=Version.choices)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sealed_by = models.CharField(_("förseglat med"), max_length=500)
    created_at = models.DateTimeField(_("skapat"), default=timezone.now)

    class Meta:
        verbose_name = _("protokollets original")
        verbose_name_plural = _("protokollens original")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="protocol_original_unique"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="protocol_original_sha256"
            ),
        ]

    def __str__(self) -> str:
        return f"Original {self.meeting_id} ({self.get_version_display()})"


class SealedCorrection(models.Model):
    """A rättelse of a justerad § as its own sealed record beside the frozen original (rule
    38): rendered once as PDF/A naming the original's SHA-256, sealed like it, stored with its
    own SHA-256. The original is not touched. Append-only (migration 0017)."""

    correction = models.OneToOneField(
        "decisions.Correction",
        on_delete=models.DO_NOTHING,
        related_name="sealed",
        verbose_name=_("rättelse"),
    )
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    sealed_by = models.CharField(_("förseglat med"), max_length=500)
    created_at = models.DateTimeField(_("skapat"), default=timezone.now)

    class Meta:
        verbose_name = _("förseglad rättelse")
        verbose_name_plural = _("förseglade rättelser")
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="sealed_correction_sha256"
            ),
        ]

    def __str__(self) -> str:
        return f"Förseglad rättelse {self.correction_id}"
