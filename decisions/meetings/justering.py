"""Digital justering (issue 13; rule 37): the secretary sends the protocol to justering, the
ordförande and each chosen justerare approve it — digitally with a second factor, or on paper
as the secretary records — or comment on it, and the secretary may withdraw it until the last
approval, which voids every approval of the round.

The protocol becomes justerat in one place only, ``services.approve_minutes``: the last
approval calls it in the same transaction, so a refusal there (a § without text, a justerare
who no longer serves) undoes the approval too. Every write locks the meeting row first, as the
services of ``decisions.meetings.services`` do, so a round and the §§ cannot change under each
other. While a round is open those services refuse to change the §§ (``PROTOCOL_ON_JUSTERING``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from decisions import rules as date_rules
from decisions.meetings import services
from decisions.models import Approval, JusteringRound, Meeting
from insjoriket.history import history_user, save_recorded
from members.models import Person

ALREADY_SENT = "Protokollet är redan skickat på justering."
NO_CHAIR = (
    "Sammanträdet saknar ordförande. Ordföranden justerar protokollet tillsammans med "
    "justerarna (KL 5 kap. 69 §); ange ordförande först."
)
CHAIR_AS_APPROVER = "{person} justerar redan som ordförande; välj andra justerare."
NO_APPROVERS = "Välj minst en justerare."
ROUND_NOT_OPEN = "Protokollet är inte (längre) skickat på justering."
NOT_A_SIGNER = "{person} ska inte justera det här protokollet."
NOT_YOUR_PERSON = "Du kan bara justera i ditt eget namn."
ALREADY_APPROVED = "{person} har redan godkänt protokollet."
SECOND_FACTOR_REQUIRED = (
    "Godkännandet kräver en verifierad engångskod. Ange koden från din autentiseringsapp."
)
COMMENT_REQUIRED = "Skriv en kommentar."
WITHDRAWAL_REASON_REQUIRED = "Ange skälet till att protokollet dras tillbaka från justering."
PAPER_DATE_BEFORE_MEETING = "Justeringsdatumet kan inte ligga före sammanträdesdatumet."
PAPER_DATE_IN_FUTURE = "Justeringsdatumet kan inte ligga efter i dag ({today})."


@dataclass(frozen=True)
class Signed:
    """What an approval did: the approval, whether it was the last one (the protocol is then
    justerat), and ``approve_minutes``'s warnings (a late justering, rule 1)."""

    approval: Approval
    completed: bool = False
    warnings: list[str] = field(default_factory=list)


def _lock_round(justering_round: JusteringRound) -> tuple[Meeting, JusteringRound]:
    """The meeting row locked first (as every service of the meeting does), then the round."""
    meeting = Meeting.objects.select_for_update().get(pk=justering_round.meeting_id)
    locked = JusteringRound.objects.select_for_update().get(pk=justering_round.pk)
    if not locked.is_open:
        raise ValidationError(ROUND_NOT_OPEN)
    return meeting, locked


def _approval_of(justering_round: JusteringRound, person: Person) -> Approval:
    approval = (
        Approval.objects.select_for_update()
        .filter(round=justering_round, person=person)
        .select_related("person")
        .first()
    )
    if approval is None:
        raise ValidationError(NOT_A_SIGNER.format(person=person))
    return approval


@transaction.atomic
def send_to_justering(
    *, meeting: Meeting, approvers: Sequence[Person], place: str = "", user=None
) -> JusteringRound:
    """Send the protocol to the ordförande (``Meeting.chair``) and ``approvers`` for justering
    (rule 37). Refused when it is justerat, already on justering, incomplete (rule 11), without
    an ordförande or when a justerare does not serve at the meeting — the same checks, with the
    same messages, as ``approve_minutes`` makes when the last one approves."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_approved:
        raise ValidationError(services.PROTOCOL_IS_APPROVED)
    if JusteringRound.objects.open().filter(meeting=meeting).exists():
        raise ValidationError(ALREADY_SENT)
    approvers = list(dict.fromkeys(approvers))
    if not approvers:
        raise ValidationError({"approvers": NO_APPROVERS})
    if meeting.chair_id is None:
        raise ValidationError(NO_CHAIR)
    if any(p.pk == meeting.chair_id for p in approvers):
        raise ValidationError({"approvers": CHAIR_AS_APPROVER.format(person=meeting.chair)})
    not_serving = services.approvers_not_serving(meeting, approvers)
    if not_serving:
        raise ValidationError({"approvers": not_serving})
    problems = services.approval_problems(meeting)
    if problems:
        raise ValidationError(services.APPROVAL_INCOMPLETE.format(problems="; ".join(problems)))
    justering_round = JusteringRound(
        meeting=meeting,
        sent_at=timezone.now(),
        sent_by=history_user(user),
        place=place.strip() or meeting.approval_place,
    )
    save_recorded(justering_round, user=user, reason=_("Protokollet skickat på justering"))
    signers = [(meeting.chair, Approval.Role.CHAIR)]
    signers += [(p, Approval.Role.APPROVER) for p in approvers]
    for person, role in signers:
        save_recorded(
            Approval(round=justering_round, person=person, role=role),
            user=user,
            reason=_("Skickat på justering"),
        )
    return justering_round


def _complete_if_all_approved(
    meeting: Meeting, justering_round: JusteringRound, *, user
) -> list[str] | None:
    """Rule 37: when the ordförande and every justerare of the round have approved, the round
    is completed and the protocol justerat by ``approve_minutes``, dated the last approval's
    day. Returns its warnings, or None while someone is still to approve."""
    approvals = list(justering_round.approvals.select_related("person"))
    if not all(a.is_approved for a in approvals):
        return None
    justering_round.status = JusteringRound.Status.COMPLETED
    save_recorded(justering_round, user=user, reason=_("Justeringen är klar"))
    # The round is completed first: approve_minutes refuses a protocol on open justering.
    return services.approve_minutes(
        meeting=meeting,
        approved_on=max(a.signed_on for a in approvals),
        approvers=[a.person for a in approvals if a.role == Approval.Role.APPROVER],
        place=justering_round.place,
        user=user,
    )


@transaction.atomic
def approve(*, round: JusteringRound, person: Person, user, otp_verified: bool) -> Signed:
    """``person`` approves the protocol of ``round`` digitally: only a signer of the round,
    only while it is open, only in one's own name (``person.user`` is ``user``) and only with
    a verified second factor (``otp_verified``, see ``decisions.meetings.signing``). The last
    approval makes the protocol justerat today (rule 37)."""
    meeting, justering_round = _lock_round(round)
    approval = _approval_of(justering_round, person)
    if user is None or not user.is_authenticated or approval.person.user_id != user.pk:
        raise ValidationError(NOT_YOUR_PERSON)
    if approval.is_approved:
        raise ValidationError(ALREADY_APPROVED.format(person=approval.person))
    if not otp_verified:
        raise ValidationError({"code": SECOND_FACTOR_REQUIRED})
    approval.method = Approval.Method.DIGITAL
    approval.approved_at = timezone.now()
    approval.signed_on = date_rules.today()
    approval.recorded_by = user
    save_recorded(approval, user=user, reason=_("Protokollet godkänt (digitalt)"))
    warnings = _complete_if_all_approved(meeting, justering_round, user=user)
    return Signed(approval=approval, completed=warnings is not None, warnings=warnings or [])


@transaction.atomic
def comment(*, round: JusteringRound, person: Person, text: str, user) -> Approval:
    """``person`` comments on the protocol instead of approving it (a wish for a change, a
    question to the secretary). A comment is not an approval (rule 37); only the signer in
    their own name, while the round is open."""
    meeting, justering_round = _lock_round(round)
    approval = _approval_of(justering_round, person)
    if user is None or not user.is_authenticated or approval.person.user_id != user.pk:
        raise ValidationError(NOT_YOUR_PERSON)
    text = text.strip()
    if not text:
        raise ValidationError({"comment": COMMENT_REQUIRED})
    approval.comment = text
    approval.commented_at = timezone.now()
    save_recorded(approval, user=user, reason=_("Kommentar till protokollet"))
    return approval


@transaction.atomic
def withdraw(*, round: JusteringRound, user, reason: str) -> JusteringRound:
    """The secretary withdraws the protocol from justering, with a reason: every approval of
    the round is void (rule 37) and the protocol can be changed again; it is sent anew in a new
    round."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": WITHDRAWAL_REASON_REQUIRED})
    _meeting, justering_round = _lock_round(round)
    justering_round.status = JusteringRound.Status.WITHDRAWN
    justering_round.withdrawn_at = timezone.now()
    justering_round.withdrawn_by = history_user(user)
    justering_round.withdrawal_reason = reason
    save_recorded(
        justering_round,
        user=user,
        reason=_("Tillbakadraget från justering: %(reason)s") % {"reason": reason},
    )
    return justering_round


@transaction.atomic
def record_paper_signature(
    *, round: JusteringRound, person: Person, signed_on: dt.date, user
) -> Signed:
    """The secretary records that ``person`` signed the printed protocol on ``signed_on``.
    When it is the last approval, the protocol is justerat on the latest day anyone signed
    (rule 37)."""
    meeting, justering_round = _lock_round(round)
    approval = _approval_of(justering_round, person)
    if approval.is_approved:
        raise ValidationError(ALREADY_APPROVED.format(person=approval.person))
    if meeting.held_on and signed_on < meeting.held_on:
        raise ValidationError({"signed_on": PAPER_DATE_BEFORE_MEETING})
    today = date_rules.today()
    if signed_on > today:
        raise ValidationError({"signed_on": PAPER_DATE_IN_FUTURE.format(today=today.isoformat())})
    approval.method = Approval.Method.PAPER
    approval.approved_at = timezone.now()
    approval.signed_on = signed_on
    approval.recorded_by = history_user(user)
    save_recorded(
        approval,
        user=user,
        reason=_("Pappersjustering registrerad: %(person)s %(day)s")
        % {"person": approval.person.name, "day": signed_on.isoformat()},
    )
    warnings = _complete_if_all_approved(meeting, justering_round, user=user)
    return Signed(approval=approval, completed=warnings is not None, warnings=warnings or [])


# --- what the pages read of a round ----------------------------------------------------------

NOT_ON_JUSTERING = "Protokollet är inte (längre) skickat på justering."


def open_round_of(meeting_id: int) -> JusteringRound | None:
    """The meeting's open justering round, with what the pages show (``with_approvals``)."""
    return JusteringRound.objects.open().with_approvals().filter(meeting_id=meeting_id).first()


def deadline_facts(meeting: Meeting) -> dict:
    """Rule 1 and 37: the last day of justering (14 days after the meeting) and whether it
    has passed."""
    if not meeting.held_on:
        return {}
    deadline = date_rules.justering_deadline(held_on=meeting.held_on)
    return {"justering_deadline": deadline, "justering_late": date_rules.today() > deadline}
