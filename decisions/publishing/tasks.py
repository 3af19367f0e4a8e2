"""Celery tasks: a whole year's justerade protocols of one organ as one ZIP of PDF/A files.

The request that orders the ZIP only creates a ``ProtocolBatch`` row and enqueues
``render_protocol_batch``; a worker renders. The task is idempotent: it is acknowledged late
(``CELERY_TASK_ACKS_LATE``), so a job whose worker died is delivered again, and a batch that is
already klar or misslyckad is left as it is.
"""

from __future__ import annotations

import io
import logging
import zipfile

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions.models import Meeting, ProtocolBatch, filename_part
from decisions.publishing import originals, pdf
from insjoriket.access import can_see_secret

logger = logging.getLogger(__name__)

FINISHED = (ProtocolBatch.Status.DONE, ProtocolBatch.Status.FAILED)


def batch_meetings(*, organ, year: int):
    """The justerade meetings of ``organ`` in ``year``, in date order (what the ZIP holds)."""
    return Meeting.objects.justerade().filter(organ=organ, year=year).order_by("held_on", "id")


def protocol_filename(meeting: Meeting, used: set[str]) -> str:
    """``KS-2024-03-12-protokoll.pdf``; a second meeting the same day gets ``-2``, a meeting
    without a known date ``KS-2024-datum-okant-protokoll.pdf``."""
    code = filename_part(meeting.organ.code)
    when = meeting.held_on.isoformat() if meeting.held_on else f"{meeting.year}-datum-okant"
    stem = f"{code}-{when}"
    name = f"{stem}-protokoll.pdf"
    n = 2
    while name in used:
        name = f"{stem}-{n}-protokoll.pdf"
        n += 1
    used.add(name)
    return name


def build_zip(batch: ProtocolBatch) -> tuple[bytes, int]:
    """Render every justerad protocol of the batch's organ and year; the ZIP and the count."""
    buffer = io.BytesIO()
    used: set[str] = set()
    count = 0
    meetings = batch_meetings(organ=batch.organ, year=batch.year).select_related("organ")
    # The frozen originals (rule 38): whole to a requester who may see secret ärenden, the
    # public versions to everyone else.
    may_see_secret = can_see_secret(batch.requested_by)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for meeting in meetings.iterator():
            content, _sha256 = originals.protocol_pdf(meeting, may_see_secret=may_see_secret)
            archive.writestr(protocol_filename(meeting, used), content)
            count += 1
    pdf.release_memory()  # many renders in a row: give the heap back (see decisions/pdf.py)
    return buffer.getvalue(), count


def _claim(batch_id: int) -> ProtocolBatch | None:
    """Mark the batch pågår, unless it is already finished (a second delivery) or gone."""
    with transaction.atomic():
        batch = (
            ProtocolBatch.objects.select_for_update()
            .select_related("organ")
            .defer("result_zip")
            .filter(pk=batch_id)
            .first()
        )
        if batch is None or batch.status in FINISHED:
            return None
        batch.status = ProtocolBatch.Status.RUNNING
        batch.started_at = timezone.now()
        batch.save(update_fields=["status", "started_at"])
        return batch


def _finish(batch_id: int, **fields) -> bool:
    """Store the outcome unless another delivery finished the batch first."""
    with transaction.atomic():
        batch = (
            ProtocolBatch.objects.select_for_update()
            .defer("result_zip")
            .filter(pk=batch_id)
            .first()
        )
        if batch is None or batch.status in FINISHED:
            return False
        for name, value in fields.items():
            setattr(batch, name, value)
        batch.finished_at = timezone.now()
        batch.save(update_fields=[*fields, "finished_at"])
        return True


@shared_task(name="decisions.render_protocol_batch")
def render_protocol_batch(batch_id: int) -> str:
    """Render the batch's protocols into a ZIP and store it; on error mark it misslyckad."""
    batch = _claim(batch_id)
    if batch is None:
        logger.info("Protocol batch %s is already finished or gone; nothing to do", batch_id)
        return "skipped"
    try:
        content, count = build_zip(batch)
    except SoftTimeLimitExceeded:
        _finish(
            batch_id,
            status=ProtocolBatch.Status.FAILED,
            error=_(
                "Utskriften tog för lång tid och avbröts. Försök igen eller kontakta "
                "systemförvaltningen."
            ),
        )
        return "failed"
    except Exception as error:
        logger.exception("Protocol batch %s failed", batch_id)
        _finish(
            batch_id,
            status=ProtocolBatch.Status.FAILED,
            error=_(
                "Protokollen kunde inte skrivas ut på grund av ett fel (%(kind)s). Försök igen; "
                "kvarstår felet, kontakta systemförvaltningen."
            )
            % {"kind": type(error).__name__},
        )
        return "failed"
    _finish(
        batch_id,
        status=ProtocolBatch.Status.DONE,
        result_zip=content,
        zip_size=len(content),
        protocol_count=count,
        error="",
    )
    return "done"


@shared_task(name="decisions.send_task_reminders")
def send_task_reminders() -> str:
    """The daily reminder of uppdrag due soon (CELERY_BEAT_SCHEDULE; decisions/tasks/reminders)."""
    from django.conf import settings

    from decisions import rules as date_rules
    from decisions.tasks import reminders

    run = reminders.send_reminders(on=date_rules.today(), days=settings.TASK_REMINDER_DAYS)
    return f"{len(run.sent)} påminnelser, {len(run.without_address)} uppdrag utan e-postadress"
