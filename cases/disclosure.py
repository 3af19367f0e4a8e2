"""Begäran om allmän handling (rule 42): the register of requests and the menprövning of each
handling — lämnas ut, lämnas ut med maskning or avslag with the OSL provision — and the
besvärshänvisning an avslag carries. The masked copy itself is rendered by
``decisions.publishing.masked_copy`` (the PDF machinery lives there)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, DisclosureDecision, Document, DocumentRequest
from insjoriket.history import save_recorded

GROUND_REQUIRED = _(
    "Ange lagrummet i offentlighets- och sekretesslagen som maskningen eller avslaget grundas "
    "på, t.ex. ”OSL 26 kap. 1 §” (OSL 6 kap. 3 §)."
)
MASK_REQUIRED = _("Ange vad som ska maskeras: ett ord eller en fras per rad.")
DOCUMENT_OF_ANOTHER_CASE = _("Handlingen hör inte till ärendet som begäran gäller.")
ALREADY_DECIDED = _("Handlingen {number} är redan prövad i den här begäran.")
DECIDED_BEFORE_REQUEST = _("Beslutet kan inte vara fattat före den dag begäran kom in.")
RECEIVED_IN_FUTURE = _("Dagen begäran kom in kan inte ligga i framtiden.")
DESCRIPTION_REQUIRED = _("Beskriv vad som begärs.")

# An avslag is a decision that can be appealed (TF 2 kap. 19 §, OSL 6 kap. 7 §); the applicant
# is told how (förvaltningslagen 33 §).
APPEAL_INSTRUCTION = _(
    "Hur man överklagar: beslutet att inte lämna ut handlingen kan överklagas hos kammarrätten "
    "(TF 2 kap. 19 §, OSL 6 kap. 7 §). Överklagandet ska vara skriftligt och ha kommit in till "
    "myndigheten inom tre veckor från den dag du fick del av beslutet. Skriv vilket beslut du "
    "överklagar och hur du vill att det ska ändras."
)


@transaction.atomic
def register_request(
    *, case: Case, received_on: dt.date, description: str, requester: str = "",
    reply_to: str = "", user=None, today: dt.date | None = None,
) -> DocumentRequest:  # fmt: skip
    """Log a request. The applicant may stay anonymous (TF 2 kap. 18 §)."""
    today = today or dt.date.today()
    if received_on > today:
        raise ValidationError({"received_on": RECEIVED_IN_FUTURE})
    if not description.strip():
        raise ValidationError({"description": DESCRIPTION_REQUIRED})
    request = DocumentRequest(
        case=case, received_on=received_on, description=description.strip(),
        requester=requester.strip(), reply_to=reply_to.strip(),
    )  # fmt: skip
    save_recorded(request, user=user, reason=_("Begäran om allmän handling registrerad"))
    return request


@transaction.atomic
def decide(
    *, request: DocumentRequest, document: Document, outcome: str, decided_on: dt.date,
    decided_by: str, ground: str = "", masked_words: str = "", user=None,
) -> DisclosureDecision:  # fmt: skip
    """The menprövning of ``document`` (rule 42): a masking or an avslag names its OSL ground;
    a masking says what is masked. Once per handling and request."""
    request = DocumentRequest.objects.select_for_update().get(pk=request.pk)
    errors = {}
    if document.case_id != request.case_id:
        errors["document"] = DOCUMENT_OF_ANOTHER_CASE
    elif request.decisions.filter(document=document).exists():
        errors["document"] = ALREADY_DECIDED.format(number=document.number)
    if outcome != DisclosureDecision.Outcome.RELEASED and not ground.strip():
        errors["ground"] = GROUND_REQUIRED
    if outcome == DisclosureDecision.Outcome.MASKED and not masked_words.strip():
        errors["masked_words"] = MASK_REQUIRED
    if decided_on < request.received_on:
        errors["decided_on"] = DECIDED_BEFORE_REQUEST
    if errors:
        raise ValidationError(errors)
    decision = DisclosureDecision(
        request=request, document=document, outcome=outcome, decided_on=decided_on,
        decided_by=decided_by, ground=ground.strip(),
        masked_words=masked_words.strip() if outcome == DisclosureDecision.Outcome.MASKED else "",
    )  # fmt: skip
    save_recorded(decision, user=user, reason=_("Menprövning"))
    return decision


def days_to_answer(request: DocumentRequest, decisions) -> int | None:
    """Days from the request to its last decision ("skyndsamt", TF 2 kap. 15 §), or None while
    a handling is still to be tried."""
    days = [d.decided_on for d in decisions]
    return (max(days) - request.received_on).days if days else None
