"""PDF views: the protokollsutdrag of a § and the whole protocol of a meeting."""

import base64

from django.contrib.auth.views import redirect_to_login
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from decisions.models import (
    Correction,
    Decision,
    DecisionLink,
    ExtractIssue,
    Meeting,
    StoredExtract,
    filename_part,
)
from decisions.publishing import originals, pdf
from insjoriket.access import can_see_secret


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _add_digest(response: HttpResponse, sha256: str) -> None:
    """The stored file's SHA-256 in the ``Digest`` header (RFC 3230), to check a copy by."""
    response["Digest"] = "sha-256=" + base64.b64encode(bytes.fromhex(sha256)).decode()


def _slug(text: str) -> str:
    return filename_part(text, default="okand").lower()


def _extract_filename(decision: Decision) -> str:
    meeting = decision.meeting
    when = meeting.held_on.isoformat() if meeting.held_on else "datum-okant"
    number = decision.number or "okand"
    return f"protokollsutdrag-{_slug(decision.organ.code)}-{when}-paragraf-{number}.pdf"


# Who certifies an extract fetched by an anonymous visitor: a justerad § of a public case is
# a public record, so the register itself issues the extract (no person's name on it).
REGISTER_CERTIFIER = _("Insjörikets ärende- och beslutsregister (utdrag ur registret)")


@require_GET
def extract_pdf(request: HttpRequest, decision_id: int) -> HttpResponse:
    """A protokollsutdrag certified by the logged-in user today (rule 30).

    The PDF is stored per §, certifier, day and content (rättelser, later revocations), so
    a second request is served from storage; every request by a logged-in user is recorded
    as an ExtractIssue. Anonymous visitors get the extract of a justerad § whose case is not
    secret, certified by the register (REGISTER_CERTIFIER); anything else is not found for
    them (like the § page), and the request is not recorded (an ExtractIssue names a user).
    """
    decision = get_object_or_404(
        Decision.objects.select_related("meeting__organ__organisation", "organ", "case").annotate(
            correction_ids=Subquery(
                Correction.objects.filter(decision=OuterRef("pk"))
                .order_by()
                .values("decision")
                .annotate(ids=ArrayAgg("id", order_by="id"))
                .values("ids")
            ),
            ending_link_ids=Subquery(
                DecisionLink.objects.filter(target=OuterRef("pk"), kind__in=pdf.ENDING_KINDS)
                .order_by()
                .values("target")
                .annotate(ids=ArrayAgg("id", order_by="id"))
                .values("ids")
            ),
        ),
        pk=decision_id,
    )
    anonymous = not request.user.is_authenticated
    if anonymous and not decision.is_public_record:
        raise Http404
    if not decision.is_justerad:
        message = pdf.EXTRACT_NOT_APPROVED.format(label=decision.label)
        return HttpResponse(message, status=409, content_type="text/plain; charset=utf-8")
    if anonymous:
        certified_by = str(REGISTER_CERTIFIER)
    else:
        certified_by = request.user.get_full_name() or request.user.get_username()
    issued_on = timezone.localdate()
    key = pdf.content_key(
        correction_ids=decision.correction_ids, ending_link_ids=decision.ending_link_ids
    )
    lookup = {
        "decision": decision,
        "certified_by": certified_by,
        "issued_on": issued_on,
        "content_key": key,
    }
    stored = StoredExtract.objects.filter(**lookup).only("id", "pdf").first()
    if stored is None:
        content = pdf.render_extract_pdf(
            decision=decision,
            certified_by=certified_by,
            issued_on=issued_on,
            frozen=originals.snapshot_for(decision.meeting),  # names as at justering
        )
        try:
            with transaction.atomic():
                stored = StoredExtract.objects.create(**lookup, pdf=content)
        except IntegrityError:  # a concurrent request stored the same extract first
            stored = StoredExtract.objects.get(**lookup)
    if not anonymous:
        ExtractIssue.objects.create(
            decision=decision, stored_extract=stored, issued_by=request.user
        )
    return _pdf_response(stored.pdf, _extract_filename(decision))


@require_GET
def protocol_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The whole protocol. Public once posted on the anslagstavla (so the anslagstavla can
    link to it); before that only for logged-in users, and marked "Ojusterat" until justerad.

    A justerat protocol is its frozen, sealed original (rule 38): the whole one to users who
    may see secret ärenden, the public version (secret §§ masked) to everyone else. Its
    SHA-256 is sent in the ``Digest`` header (RFC 3230) so that a copy can be checked."""
    meeting = get_object_or_404(Meeting.objects.select_related("organ"), pk=meeting_id)
    if not (meeting.posted_on and meeting.approved_on) and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    content, sha256 = originals.protocol_pdf(meeting, may_see_secret=can_see_secret(request.user))
    when = meeting.held_on.isoformat() if meeting.held_on else "datum-okant"
    prefix = "protokoll" if sha256 else "ojusterat-protokoll"
    response = _pdf_response(content, f"{prefix}-{_slug(meeting.organ.code)}-{when}.pdf")
    if sha256:
        _add_digest(response, sha256)
    return response


@require_GET
def correction_pdf(request: HttpRequest, correction_id: int) -> HttpResponse:
    """A rättelse's own sealed record (rule 38), sealed at its first request if the sealing
    after commit did not run. Seen by whoever may get the §'s extract: anonymous visitors
    only for a justerad § of a public ärende."""
    correction = get_object_or_404(
        Correction.objects.select_related("decision__meeting", "decision__case", "decision__organ"),
        pk=correction_id,
    )
    decision = correction.decision
    if not request.user.is_authenticated and not decision.is_public_record:
        raise Http404
    sealed = originals.seal_correction(correction)
    meeting = decision.meeting
    when = meeting.held_on.isoformat() if meeting.held_on else "datum-okant"
    name = f"rattelse-{_slug(decision.organ.code)}-{when}-paragraf-{decision.number or 'okand'}"
    response = _pdf_response(sealed.pdf, f"{name}-{correction.pk}.pdf")
    _add_digest(response, sealed.sha256)
    return response
