"""Rättelse of an anslag date (rule 39, KL 8 kap. 12 §, 13 kap. 5 §).

Once a protocol is posted its ``posted_on`` is fixed; a wrong date is mended only by a
``PostingCorrection``: from which date to which, why, who and when. The correction is written
first and the meeting's date moved in the same transaction
(``decisions.meetings.services.correct_posting``); the database (migration 0012) lets the
date move only to what the meeting's latest correction says, from what it says, so that each
move needs its own recorded correction and none can be used twice. Corrections are
append-only: the database refuses to change or delete them.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from decisions import rules as date_rules
from decisions.models.meetings import Meeting


class PostingCorrection(models.Model):
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="posting_corrections",
        verbose_name=_("sammanträde"),
    )
    old_posted_on = models.DateField(_("anslaget uppsatt enligt tidigare uppgift"))
    new_posted_on = models.DateField(_("anslaget uppsatt, rättat datum"))
    reason = models.TextField(
        _("skäl"), help_text=_("Varför datumet rättas (KL 8 kap. 12 §, 13 kap. 5 §).")
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gjord av"),
    )
    made_at = models.DateTimeField(_("gjord"), auto_now_add=True)

    class Meta:
        verbose_name = _("rättelse av anslagsdatum")
        verbose_name_plural = _("rättelser av anslagsdatum")
        ordering = ["meeting", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(new_posted_on=F("old_posted_on")),
                name="posting_correction_changes_date",
                violation_error_message=_("Det rättade datumet är detsamma som det tidigare."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="posting_correction_has_reason",
                violation_error_message=_("Ange skälet till rättelsen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_posted_on} → {self.new_posted_on}"

    @property
    def old_last_appeal_day(self):
        return date_rules.last_appeal_day(posted_on=self.old_posted_on)

    @property
    def new_last_appeal_day(self):
        return date_rules.last_appeal_day(posted_on=self.new_posted_on)
