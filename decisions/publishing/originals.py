"""The frozen original of a justerat protocol (rule 38).

At justering the register takes a ``JusteringSnapshot`` of what the protocol prints from other
rows (names, parties, organ and organisation, the approvals, what is known of the anslag). The
protocol is then rendered once from the §§ — which rule 9 already keeps as they were — and the
snapshot: as the whole protocol and as the public version with the §§ of secret ärenden
masked, each sealed (``seal.seal_pdf``) and stored with its SHA-256 as a ``ProtocolOriginal``.
From then on the protocol is served only from storage. Extracts and pages of a justerat §
read names through :func:`apply_snapshot` too, so a rename in the admin changes none of them.

Protocols justerade before the register (imported) get their snapshot at import; one
justerat in some other way before this existed gets it the first time it is printed. The
originals are rendered right after the justering commits, or on first request.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from decisions.models import (
    Approval,
    Correction,
    Decision,
    JusteringRound,
    JusteringSnapshot,
    Meeting,
    ProtocolOriginal,
    SealedCorrection,
)
from decisions.publishing import pdf, seal, snapshot
from decisions.publishing.snapshot import apply_snapshot, apply_snapshot_to_decision, snapshot_data
from members.models import Person

logger = logging.getLogger(__name__)

SEAL_REASON = "Justerat protokoll, förseglat original (KL 5 kap. 69 §)"


def take_snapshot(meeting: Meeting, *, how: str = snapshot.RECORDED) -> JusteringSnapshot:
    """The meeting's snapshot, taken now if it has none (call it in the justering's
    transaction, after the justering is written)."""
    existing = JusteringSnapshot.objects.filter(meeting_id=meeting.pk).first()
    if existing is not None:
        return existing
    participants = Person.objects.filter(decisions_taken_part_in__meeting_id=meeting.pk).distinct()
    signed = Approval.objects.filter(
        round__meeting_id=meeting.pk, round__status=JusteringRound.Status.COMPLETED
    ).select_related("person")
    data = snapshot_data(
        pdf.load_meeting(meeting.pk), participants=participants, signed=list(signed), how=how
    )
    try:
        with transaction.atomic():
            return JusteringSnapshot.objects.create(meeting_id=meeting.pk, data=data)
    except IntegrityError:  # taken meanwhile by a concurrent first print
        return JusteringSnapshot.objects.get(meeting_id=meeting.pk)


def take_missing_snapshots() -> int:
    """Snapshots of every justerat meeting that has none (after an import: justerade before
    the register, as the sources tell)."""
    count = 0
    for meeting in Meeting.objects.justerade().filter(snapshot__isnull=True).only("id"):
        take_snapshot(meeting, how=snapshot.FROM_SOURCES)
        count += 1
    return count


def snapshot_for(meeting: Meeting) -> dict | None:
    """The snapshot data of a justerat meeting (taken now for one justerat before snapshots
    existed), ``None`` before justering."""
    if not meeting.is_approved:
        return None
    return take_snapshot(meeting).data


# --- the frozen original ----------------------------------------------------------------------


def render_version(meeting_id: int, *, masked: bool, data: dict, loaded=None) -> bytes:
    """One version of the original, rendered from the §§ and the snapshot ``data``;
    ``loaded``: the meeting already loaded with the snapshot applied (both versions share it)."""
    loaded = loaded or apply_snapshot(pdf.load_meeting(meeting_id), data)
    return pdf.html_to_pdf(pdf.render_protocol_html(meeting=loaded, masked=masked))


def freeze(meeting: Meeting) -> dict[str, ProtocolOriginal]:
    """Render, seal and store both versions of a justerat protocol, once; returns them by
    version. A second call (or a concurrent one) returns what is stored."""
    stored = {o.version: o for o in ProtocolOriginal.objects.filter(meeting_id=meeting.pk)}
    if len(stored) == len(ProtocolOriginal.Version.values):
        return stored
    data = snapshot_for(meeting)
    if data is None:
        raise ValueError("Ett ojusterat protokoll har inget original.")
    label = f"{data['organ']['name']}, {data['organisation']['name']}"
    loaded = apply_snapshot(pdf.load_meeting(meeting.pk), data)  # once, for both versions
    for version in ProtocolOriginal.Version.values:
        if version in stored:
            continue
        rendered = render_version(
            meeting.pk, masked=version == ProtocolOriginal.Version.PUBLIC, data=data, loaded=loaded
        )
        content = seal.seal_pdf(rendered, reason=SEAL_REASON, location=label)
        try:
            with transaction.atomic():
                stored[version] = ProtocolOriginal.objects.create(
                    meeting_id=meeting.pk,
                    version=version,
                    pdf=content,
                    sha256=hashlib.sha256(content).hexdigest(),
                    sealed_by=seal.seal_subject(),
                    created_at=timezone.now(),
                )
        except IntegrityError:  # a concurrent request stored it first
            stored[version] = ProtocolOriginal.objects.get(meeting_id=meeting.pk, version=version)
    pdf.release_memory()
    return stored


def original_for(meeting: Meeting, *, may_see_secret: bool) -> ProtocolOriginal:
    """The stored original a viewer gets: the whole protocol to those who may see every §,
    the public version to everyone else."""
    version = ProtocolOriginal.Version.FULL if may_see_secret else ProtocolOriginal.Version.PUBLIC
    found = ProtocolOriginal.objects.filter(meeting_id=meeting.pk, version=version).first()
    return found or freeze(meeting)[version]


def protocol_pdf(meeting: Meeting, *, may_see_secret: bool) -> tuple[bytes, str]:
    """What the protocol of ``meeting`` is to a viewer, and its stored SHA-256: the frozen
    original once justerat; before, the draft from the live rows and "" (the §§ of secret
    ärenden masked for those who may not see them, in both)."""
    if meeting.is_approved:
        original = original_for(meeting, may_see_secret=may_see_secret)
        return bytes(original.pdf), original.sha256
    return pdf.render_protocol_pdf(meeting=meeting, masked=not may_see_secret), ""


def freeze_after_commit(meeting_id: int) -> None:
    """Render the originals once the justering has committed (the justering never waits for
    or fails on the rendering; a failure leaves the first request to render them)."""

    def run():
        try:
            freeze(Meeting.objects.get(pk=meeting_id))
        except Exception:  # noqa: BLE001 — logged; the first request renders instead
            logger.exception("Protokollets original kunde inte skapas (sammanträde %s)", meeting_id)

    transaction.on_commit(run)


# --- a rättelse as its own sealed record -----------------------------------------------------


def seal_correction(correction: Correction) -> SealedCorrection:
    """The sealed record of a rättelse of a justerad § (rule 38), made once: the § named as its
    frozen original names it, what and why, who and when, and the SHA-256 of the original it
    corrects. The original itself is not touched."""
    found = SealedCorrection.objects.filter(correction_id=correction.pk).first()
    if found is not None:
        return found
    decision = pdf.load_decision(
        Decision.objects.select_related("meeting__organ__organisation", "case").get(
            pk=correction.decision_id
        )
    )
    meeting = decision.meeting
    data = snapshot_for(meeting)
    if data is not None:
        apply_snapshot_to_decision(decision, data)
    original = freeze(meeting)[ProtocolOriginal.Version.FULL] if meeting.is_approved else None
    organ = meeting.organ
    held_on = meeting.held_on.isoformat() if meeting.held_on else "datum okänt"
    context = {
        "organisation": organ.organisation.name,
        "organ": organ.name,
        "held_on": held_on,
        "d": decision,
        "dnr": decision.case.number if decision.case else "",
        "c": correction,
        "original_sha256": original.sha256 if original else "",
        "title": f"Rättelse {organ.name} {held_on} {decision.label}",
    }
    rendered = pdf.html_to_pdf(render_to_string("decisions/pdf/correction.html", context))
    content = seal.seal_pdf(rendered, reason="Rättelse av justerat protokoll (KL 5 kap. 69 §)")
    try:
        with transaction.atomic():
            return SealedCorrection.objects.create(
                correction_id=correction.pk,
                pdf=content,
                sha256=hashlib.sha256(content).hexdigest(),
                sealed_by=seal.seal_subject(),
            )
    except IntegrityError:  # sealed meanwhile by a concurrent request
        return SealedCorrection.objects.get(correction_id=correction.pk)


def seal_correction_after_commit(correction_id: int) -> None:
    """Seal a new rättelse once it has committed (its first request seals it otherwise)."""

    def run():
        try:
            seal_correction(Correction.objects.get(pk=correction_id))
        except Exception:  # noqa: BLE001 — logged; the first request seals it instead
            logger.exception("Rättelsen kunde inte förseglas (rättelse %s)", correction_id)

    transaction.on_commit(run)
