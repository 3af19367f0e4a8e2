"""Skriv ut ett års protokoll: the secretary orders a whole year's justerade protocols of an
organ as one ZIP, rendered by a Celery worker (``decisions.publishing.tasks``)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from decisions import rules as date_rules
from decisions.meetings import forms
from decisions.models import ProtocolBatch
from decisions.publishing import tasks
from insjoriket.access import requires_permission

logger = logging.getLogger(__name__)


BATCHES_SHOWN = 50
BROKER_DOWN = (
    "Utskriftskön går inte att nå just nu, så beställningen kunde inte läggas. Försök igen om en "
    "stund; kvarstår felet, kontakta systemförvaltningen."
)
BATCH_ALREADY_QUEUED = "Du har redan beställt protokollen för %(organ)s %(year)s; de skrivs ut nu."
BATCH_QUEUED = (
    "Protokollen för %(organ)s %(year)s skrivs ut. Ladda om sidan om en stund för att hämta "
    "ZIP-filen."
)
PENDING = (ProtocolBatch.Status.QUEUED, ProtocolBatch.Status.RUNNING)


def _enqueue(batch_id: int) -> None:
    tasks.render_protocol_batch.delay(batch_id)


def _batch_form_page(request, form, *, status: int = 200):
    return render(
        request, "decisions/secretary/protocol_batch_form.html", {"form": form}, status=status
    )


@requires_permission("decisions.change_meeting")
def protocol_batch_create(request):
    """Skriv ut ett års protokoll: the form, and on POST a ProtocolBatch and a Celery job.

    The job is sent when the row is committed (``on_commit``), so the worker finds it. When
    the broker cannot be reached the batch is marked misslyckad with the reason and the form
    answers 503 with what was typed.
    """
    today = date_rules.today()
    form = forms.ProtocolBatchForm(
        request.POST if request.method == "POST" else None,
        today=today,
        initial={"year": today.year},
    )
    if request.method != "POST":
        return _batch_form_page(request, form)
    if not form.is_valid():
        return _batch_form_page(request, form, status=400)
    organ, year = form.cleaned_data["organ"], form.cleaned_data["year"]
    names = {"organ": organ.name, "year": year}
    pending = ProtocolBatch.objects.filter(
        requested_by=request.user, organ=organ, year=year, status__in=PENDING
    )
    if pending.exists():
        messages.info(request, _(BATCH_ALREADY_QUEUED) % names)
        return redirect("secretary:protocol-batch-list")
    batch = None
    try:
        with transaction.atomic():
            batch = ProtocolBatch.objects.create(organ=organ, year=year, requested_by=request.user)
            transaction.on_commit(lambda: _enqueue(batch.pk))
    except (BrokerError, ConnectionError, OSError) as error:
        logger.error("Could not enqueue protocol batch %s: %s", batch and batch.pk, error)
        if batch is not None and batch.pk:
            ProtocolBatch.objects.filter(pk=batch.pk, status=ProtocolBatch.Status.QUEUED).update(
                status=ProtocolBatch.Status.FAILED,
                error=_(BROKER_DOWN),
                finished_at=timezone.now(),
            )
        form.add_error(None, _(BROKER_DOWN))
        return _batch_form_page(request, form, status=503)
    messages.success(request, _(BATCH_QUEUED) % names)
    return redirect("secretary:protocol-batch-list")


@requires_permission("decisions.change_meeting")
def protocol_batch_list(request):
    """The user's own orders of a year's protocols, newest first, with a link to each ZIP."""
    batches = list(
        ProtocolBatch.objects.filter(requested_by=request.user)
        .select_related("organ", "organ__organisation")
        .defer("result_zip")[:BATCHES_SHOWN]
    )
    return render(
        request,
        "decisions/secretary/protocol_batch_list.html",
        {"batches": batches, "pending": any(b.status in PENDING for b in batches)},
    )


@requires_permission("decisions.change_meeting")
def protocol_batch_download(request):
    """The ZIP of a finished batch (``?id=``), for the user who ordered it; anything else is
    not found."""
    raw = request.GET.get("id", "")
    if not raw.isdigit():
        raise Http404
    batch = get_object_or_404(
        ProtocolBatch.objects.select_related("organ"),
        pk=int(raw),
        requested_by=request.user,
        status=ProtocolBatch.Status.DONE,
    )
    response = HttpResponse(bytes(batch.result_zip), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{batch.zip_filename()}"'
    return response
