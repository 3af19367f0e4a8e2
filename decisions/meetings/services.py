"""Writes with rules for the nämndsekreterare's work: plan a sammanträde, write its §§, record
voteringar, reservationer and jäv, justera, anslå, correct.

Every function is keyword-only, runs in one transaction, validates with ``full_clean()`` and
records who did it in the history. Once a protocol (or an omedelbart justerad §) is justerad,
its §§, participants and votes are immutable (rule 9): these services refuse, and so does the
database (a trigger), so no other path can change them either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cases.models import Case
from decisions import rules as date_rules
from decisions.chains import graph as chain_graph
from decisions.meetings.rules import check_ballots
from decisions.models import (
    Attendance,
    Ballot,
    Correction,
    Decision,
    JusteringRound,
    Meeting,
    Motion,
    Participation,
    PostingCorrection,
    Recusal,
    Reservation,
    Vote,
)
from decisions.publishing import originals
from insjoriket.history import history_user, record_change, save_recorded
from members.models import Organ, Person

PROTOCOL_IS_APPROVED = "Protokollet är justerat och kan inte ändras. Gör en rättelse i stället."
DECISION_IS_APPROVED = "Paragrafen är justerad och kan inte ändras. Gör en rättelse i stället."
NUMBER_OUT_OF_SERIES = (
    "§ {number} följer inte på föregående paragraf; nästa nummer är § {expected}."
)
NUMBER_TAKEN = "§ {number} finns redan för {organ} {year}."
MEETING_DATE_UNKNOWN = "Sammanträdet saknar datum; ange datum innan paragrafer läggs till."
BALLOT_NOT_PARTICIPANT = "{person} deltar inte i paragrafen och kan inte rösta (KL 5 kap. 67 §)."
BALLOT_RECUSED = "{person} är jävig i paragrafen och kan inte rösta (KL 6 kap. 28 §)."
BALLOT_DUPLICATE = "{person} har redan röstat i voteringen."
VOTE_COUNTS_DO_NOT_MATCH = (
    "Rösterna stämmer inte med resultatet: voteringslistan ger {yes} ja, {no} nej, {abstain} "
    "avstår men resultatet anger {yes_count} ja, {no_count} nej, {abstain_count} avstår."
)
_BALLOT_MESSAGES = {
    "duplicate": BALLOT_DUPLICATE,
    "recused": BALLOT_RECUSED,
    "not_participant": BALLOT_NOT_PARTICIPANT,
}
VOTE_WITHOUT_PROCEDURE = (
    "En votering kräver att propositionsordningen är antecknad (KL 5 kap. 67 §)."
)
RESERVATION_NOT_PARTICIPANT = (
    "{person} deltog inte i beslutet och kan inte reservera sig (KL 4 kap. 27 §)."
)
RECUSED_PERSON_VOTED = "{person} har röstat i paragrafen och kan inte samtidigt vara jävig."
NOT_ATTENDING = "{person} är inte antecknad som tjänstgörande på sammanträdet."
APPROVAL_BEFORE_MEETING = "Justeringsdatumet kan inte ligga före sammanträdesdatumet."
APPROVAL_INCOMPLETE = "Protokollet kan inte justeras: {problems}"
DECISION_WITHOUT_TEXT = "{label} saknar beslutstext"
DECISION_WITHOUT_PARTICIPANTS = "{label} saknar deltagare"
POSTING_BEFORE_APPROVAL = "Protokollet kan inte anslås innan det är justerat."
POSTING_APPROVAL_DATE_UNKNOWN = (
    "Protokollet är justerat men justeringsdatumet är okänt; ett anslag kan inte registreras "
    "utan justeringsdatum (anslagets och överklagandets frister räknas från det, KL 8 kap. "
    "12 §, 13 kap. 5 §)."
)
POSTING_BEFORE_JUSTERING_DATE = "Anslaget kan inte sättas upp före justeringsdatumet."
REMOVAL_TOO_EARLY = (
    "Anslaget får inte tas ned före den {day}: överklagandetiden löper till och med "
    "den dagen (KL 8 kap. 12 §)."
)
REMOVAL_NOT_POSTED = "Protokollet är inte anslaget."
REMOVAL_IN_FUTURE = (
    "Anslaget kan inte tas ned i förväg: ange dagen det togs ned, senast i dag ({today})."
)
POSTING_FIXED = (
    "Protokollet anslogs {posted}; anslagsdatumet kan inte ändras genom att anslå igen. Ett "
    "felaktigt datum rättas med en rättelse av anslaget (KL 8 kap. 12 §, 13 kap. 5 §)."
)
REMOVAL_FIXED = "Anslaget togs ned {removed}; det datumet kan inte ändras."
CORRECTION_NOT_POSTED = "Protokollet är inte anslaget; det finns inget anslagsdatum att rätta."
CORRECTION_SAME_DATE = "Det rättade datumet är detsamma som det nuvarande ({posted})."
CORRECTION_WITHOUT_REASON = "Ange skälet till rättelsen."
CORRECTION_AFTER_REMOVAL = (
    "Anslaget togs ned {removed}. Med uppsättningsdagen {posted} löper överklagandetiden till "
    "och med {last_day}, så anslaget skulle ha tagits ned för tidigt; rättelsen kan inte göras."
)
APPROVER_NOT_SERVING = (
    "{person} är inte (längre) antecknad som tjänstgörande på sammanträdet och kan inte "
    "justera protokollet."
)
MINORITY_REFERRAL_ONLY_ASSEMBLY = (
    "Minoritetsåterremiss är bara möjlig i fullmäktige (KL 5 kap. 51 §)."
)
MINORITY_REFERRAL_TOO_FEW = (
    "En minoritetsåterremiss kräver minst en tredjedel av de närvarande ledamöterna "
    "({required} av {present})."
)
MINORITY_REFERRAL_ONCE = "Ärendet har redan återremitterats en gång på minoritetens begäran."
POSTING_LATE_WARNING = (
    "Anslaget sätts upp {posted} men skulle ha satts upp senast {deadline} (två dagar efter "
    "justeringen, KL 8 kap. 12 §)."
)
MINORITY_REFERRAL_NOTE = "minoritetsåterremiss"
PROTOCOL_ON_JUSTERING = (
    "Protokollet är skickat på justering. Dra tillbaka det från justering för att ändra."
)
JUSTERING_LATE_WARNING = (
    "Protokollet justeras {approved} men skulle ha justerats senast {deadline} (KL 5 kap. 69 §)."
)


def _refuse_if_approved(decision: Decision) -> None:
    if decision.is_justerad:
        raise ValidationError(DECISION_IS_APPROVED)
    _refuse_if_on_justering(decision.meeting_id)


def _refuse_if_meeting_approved(meeting: Meeting) -> None:
    if meeting.is_approved:
        raise ValidationError(PROTOCOL_IS_APPROVED)
    _refuse_if_on_justering(meeting.pk)


def _refuse_if_on_justering(meeting_id: int) -> None:
    """While the protocol is on justering (an open ``JusteringRound``, rule 37) the signers
    approve what they read: its §§, närvaro and votes stay as they are until it is withdrawn.
    The last approval completes the round before ``approve_minutes`` runs."""
    if JusteringRound.objects.open().filter(meeting_id=meeting_id).exists():
        raise ValidationError(PROTOCOL_ON_JUSTERING)


def approvers_not_serving(meeting: Meeting, approvers: Iterable[Person]) -> list[str]:
    """Why each of ``approvers`` who does not serve at the meeting cannot justera it (rule
    37), as ``approve_minutes`` checks it under its lock."""
    serving = set(meeting.attendances.serving().values_list("person_id", flat=True))
    return [APPROVER_NOT_SERVING.format(person=p) for p in approvers if p.pk not in serving]


# --- planning -------------------------------------------------------------------------------


@transaction.atomic
def plan_meeting(
    *, organ: Organ, held_on: dt.date, place: str = "", secretary: str = "", user=None
) -> Meeting:
    meeting = Meeting(
        organ=organ, held_on=held_on, year=held_on.year, place=place, secretary=secretary
    )
    save_recorded(meeting, user=user, reason=_("Sammanträde planerat"))
    return meeting


@dataclass(frozen=True)
class Attendee:
    person: Person
    role: str = Attendance.Role.MEMBER
    function: str = ""
    party: str = ""


@transaction.atomic
def set_attendance(*, meeting: Meeting, attendees: Sequence[Attendee], user=None) -> None:
    """Replace who attended the meeting (närvarolista)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_meeting_approved(meeting)
    keep = {a.person.pk for a in attendees}
    for old in meeting.attendances.exclude(person__in=keep):
        record_change(old, user=user, reason=_("Närvaro ändrad"))
        old.delete()
    existing = {a.person_id: a for a in meeting.attendances.all()}
    for a in attendees:
        row = existing.get(a.person.pk) or Attendance(meeting=meeting, person=a.person)
        fields = {"role": a.role, "function": a.function, "party": a.party or a.person.party}
        if row.pk and all(getattr(row, k) == v for k, v in fields.items()):
            continue
        for k, v in fields.items():
            setattr(row, k, v)
        save_recorded(row, user=user, reason=_("Närvaro antecknad"))


def next_decision_number(*, organ: Organ, year: int) -> int:
    """The next § in the organ's yearly series."""
    last = Decision.objects.filter(organ=organ, year=year).aggregate(m=Max("number"))["m"]
    return (last or 0) + 1


@transaction.atomic
def add_decision(
    *,
    meeting: Meeting,
    title: str,
    number: int | None = None,
    case: Case | None = None,
    kind: str = Decision.Kind.DECISION,
    user=None,
    **texts: str,
) -> Decision:
    """Add a § to a meeting, numbered in the organ's yearly series: the proposed number is the
    next one; a gap or a duplicate is refused. The § starts with every serving member of the
    meeting as participant (rule 15)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_meeting_approved(meeting)
    if not meeting.year:
        raise ValidationError(MEETING_DATE_UNKNOWN)
    # Serialise numbering within the organ: lock the organ row for the rest of the transaction.
    Organ.objects.select_for_update().get(pk=meeting.organ_id)
    expected = next_decision_number(organ=meeting.organ, year=meeting.year)
    if number is None:
        number = expected
    if Decision.objects.filter(organ=meeting.organ, year=meeting.year, number=number).exists():
        raise ValidationError(
            {
                "number": NUMBER_TAKEN.format(
                    number=number, organ=meeting.organ.name, year=meeting.year
                )
            }
        )
    if number != expected:
        raise ValidationError(
            {"number": NUMBER_OUT_OF_SERIES.format(number=number, expected=expected)}
        )
    decision = Decision(
        meeting=meeting,
        organ=meeting.organ,
        year=meeting.year,
        number=number,
        case=case,
        kind=kind,
        title=title,
        **texts,
    )
    save_recorded(decision, user=user, reason=_("Paragraf tillagd"))
    serving = meeting.attendances.serving().select_related("person")
    for a in serving:
        p = Participation(
            decision=decision, person=a.person, role=a.role, function=a.function, party=a.party
        )
        record_change(p, user=user, reason=_("Deltagare antecknad"))
        p.save()
    chain_graph.resolve_references(decision)  # links that cited it by reference text only
    return decision


@transaction.atomic
def update_decision_texts(*, decision: Decision, user=None, **texts: str) -> Decision:
    decision = Decision.objects.select_for_update().select_related("meeting").get(pk=decision.pk)
    _refuse_if_approved(decision)
    for k, v in texts.items():
        setattr(decision, k, v)
    save_recorded(decision, user=user, reason=_("Paragraf ändrad"))
    return decision


@transaction.atomic
def add_motion(
    *,
    decision: Decision,
    text: str,
    mover: Person | None,
    supporters: Iterable[Person] = (),
    user=None,
) -> Motion:
    decision = Decision.objects.select_for_update().select_related("meeting").get(pk=decision.pk)
    _refuse_if_approved(decision)
    order = (decision.motions.aggregate(m=Max("order"))["m"] or 0) + 1
    motion = Motion(decision=decision, order=order, mover=mover, text=text)
    save_recorded(motion, user=user, reason=_("Yrkande antecknat"))
    motion.supporters.set(list(supporters))
    return motion


# --- votering, reservation, jäv ---------------------------------------------------------------


@transaction.atomic
def record_recusal(*, decision: Decision, person: Person, ground: str = "", user=None) -> Recusal:
    """Jäv (rule 14): the person leaves the §'s participants and may not vote or reserve."""
    decision = Decision.objects.select_for_update().select_related("meeting").get(pk=decision.pk)
    _refuse_if_approved(decision)
    if Ballot.objects.filter(vote__decision=decision, person=person).exists():
        raise ValidationError(RECUSED_PERSON_VOTED.format(person=person))
    for p in decision.participations.filter(person=person):
        record_change(p, user=user, reason=_("Jäv"))
        p.delete()
    for r in decision.reservations.filter(person=person):
        record_change(r, user=user, reason=_("Jäv"))
        r.delete()
    recusal, _created = Recusal.objects.get_or_create(
        decision=decision, person=person, defaults={"ground": ground}
    )
    return recusal


@transaction.atomic
def record_vote(
    *,
    decision: Decision,
    question: str,
    ballots: Sequence[tuple[Person, str]],
    yes_means: str = "",
    no_means: str = "",
    counts: tuple[int, int, int] | None = None,
    appendix: str = "",
    user=None,
) -> Vote:
    """A votering with one ballot per participant (rule 11). If the protocol states the result
    (``counts`` = ja, nej, avstår), the ballots must add up to it."""
    decision = Decision.objects.select_for_update().select_related("meeting").get(pk=decision.pk)
    _refuse_if_approved(decision)
    if not decision.procedure.strip():
        raise ValidationError({"procedure": VOTE_WITHOUT_PROCEDURE})
    check = check_ballots(
        ballots=[(person.pk, choice) for person, choice in ballots],
        participants=set(decision.participations.values_list("person_id", flat=True)),
        recused=set(decision.recusals.values_list("person_id", flat=True)),
        counts=counts,
    )
    errors = [
        _("Ogiltig röst: %(choice)s") % {"choice": ballots[p.index][1]}
        if p.kind == "bad_choice"
        else _BALLOT_MESSAGES[p.kind].format(person=ballots[p.index][0])
        for p in check.problems
    ]
    yes, no, abstain = check.tally
    if not check.counts_match:
        errors.append(
            VOTE_COUNTS_DO_NOT_MATCH.format(
                yes=yes,
                no=no,
                abstain=abstain,
                yes_count=counts[0],
                no_count=counts[1],
                abstain_count=counts[2],
            )
        )
    if errors:
        raise ValidationError(errors)
    order = (decision.votes.aggregate(m=Max("order"))["m"] or 0) + 1
    vote = Vote(
        decision=decision,
        order=order,
        question=question,
        yes_means=yes_means,
        no_means=no_means,
        yes_count=yes,
        no_count=no,
        abstain_count=abstain,
        appendix=appendix,
    )
    save_recorded(vote, user=user, reason=_("Votering antecknad"))
    party = dict(decision.participations.values_list("person_id", "party"))
    for i, (person, choice) in enumerate(ballots, start=1):
        b = Ballot(vote=vote, person=person, choice=choice, order=i, party=party.get(person.pk, ""))
        record_change(b, user=user, reason=_("Röst antecknad"))
        b.save()
    return vote


@transaction.atomic
def add_reservation(
    *, decision: Decision, person: Person, motivation: str = "", user=None
) -> Reservation:
    """A reservation only by a member who took part in the decision (rules 11, 13)."""
    decision = Decision.objects.select_for_update().select_related("meeting").get(pk=decision.pk)
    _refuse_if_approved(decision)
    if not decision.participations.filter(person=person).exists():
        raise ValidationError({"person": RESERVATION_NOT_PARTICIPANT.format(person=person)})
    order = (decision.reservations.aggregate(m=Max("order"))["m"] or 0) + 1
    reservation = Reservation(decision=decision, person=person, motivation=motivation, order=order)
    save_recorded(reservation, user=user, reason=_("Reservation antecknad"))
    return reservation


def check_minority_referral(*, decision: Decision, supporters: int, present: int) -> None:
    """Rule 16: only in fullmäktige, backed by at least a third of the members present, and at
    most once per ärende. A minority referral is recorded as a ``refers_back`` link whose note
    is ``MINORITY_REFERRAL_NOTE``."""
    if decision.organ.kind != decision.organ.Kind.ASSEMBLY:
        raise ValidationError(MINORITY_REFERRAL_ONLY_ASSEMBLY)
    required = -(-present // 3)
    if supporters < required:
        raise ValidationError(MINORITY_REFERRAL_TOO_FEW.format(required=required, present=present))
    if (
        decision.case_id
        and Decision.objects.filter(
            case_id=decision.case_id,
            links_out__kind="refers_back",
            links_out__note=MINORITY_REFERRAL_NOTE,
        )
        .exclude(pk=decision.pk)
        .exists()
    ):
        raise ValidationError(MINORITY_REFERRAL_ONCE)


# --- justering, anslag, rättelse --------------------------------------------------------------


def approval_problems(meeting: Meeting, decisions=None) -> list[str]:
    """What stops the protocol from being justerat (rule 11).

    ``decisions``: the meeting's §§ already loaded with
    ``DecisionQuerySet.with_approval_checks`` (the meeting page has them), so no query is
    made again."""
    problems = []
    if decisions is None:
        decisions = meeting.decisions.with_approval_checks().order_by("number", "id")
    for d in decisions:
        if d.kind in (Decision.Kind.DECISION, Decision.Kind.PROPOSAL):
            if not d.decision_text.strip():
                problems.append(DECISION_WITHOUT_TEXT.format(label=d.label))
            if not d.has_participants:
                problems.append(DECISION_WITHOUT_PARTICIPANTS.format(label=d.label))
        if d.vote_count and not d.procedure.strip():
            problems.append(f"{d.label}: {VOTE_WITHOUT_PROCEDURE}")
    return problems


@transaction.atomic
def approve_minutes(
    *,
    meeting: Meeting,
    approved_on: dt.date,
    approvers: Sequence[Person],
    place: str = "",
    user=None,
) -> list[str]:
    """Justera the protocol. Returns warnings (a late justering, rule 1); from now on its §§,
    participants and votes are immutable (rule 9)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_meeting_approved(meeting)
    if meeting.held_on and approved_on < meeting.held_on:
        raise ValidationError({"approved_on": APPROVAL_BEFORE_MEETING})
    # Under the lock, so that närvaro (set_attendance, which takes the same lock) cannot
    # change between this check and the commit (rule 37: the justerare serve at the meeting).
    serving = set(meeting.attendances.serving().values_list("person_id", flat=True))
    not_serving = [APPROVER_NOT_SERVING.format(person=p) for p in approvers if p.pk not in serving]
    if not_serving:
        raise ValidationError({"approvers": not_serving})
    problems = approval_problems(meeting)
    if problems:
        raise ValidationError(APPROVAL_INCOMPLETE.format(problems="; ".join(problems)))
    warnings = []
    if meeting.held_on:
        deadline = date_rules.justering_deadline(held_on=meeting.held_on)
        if approved_on > deadline:
            warnings.append(JUSTERING_LATE_WARNING.format(approved=approved_on, deadline=deadline))
    meeting.approvers.set(list(approvers))
    meeting.approved_on = approved_on
    meeting.approval_place = place or meeting.approval_place
    save_recorded(meeting, user=user, reason=_("Protokollet justerat"))
    # Rule 38: the names as they stand now, in the same transaction; the sealed originals
    # are rendered from them once the justering has committed.
    originals.take_snapshot(meeting)
    originals.freeze_after_commit(meeting.pk)
    return warnings


@transaction.atomic
def approve_immediately(*, decision: Decision, user=None) -> Decision:
    """Omedelbar justering of one § on the meeting day (rule 7). The meeting row is locked
    first (as by ``approve_minutes`` and ``set_attendance``), then the §, and the rules are
    checked again under the locks."""
    meeting = Meeting.objects.select_for_update().get(
        pk=Decision.objects.values("meeting_id").get(pk=decision.pk)["meeting_id"]
    )
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=decision.pk)
    )
    decision.meeting = meeting  # as locked: is_justerad reads whether it is justerat
    _refuse_if_approved(decision)
    problems = approval_problems(
        meeting, meeting.decisions.with_approval_checks().filter(pk=decision.pk)
    )
    if problems:
        raise ValidationError(APPROVAL_INCOMPLETE.format(problems="; ".join(problems)))
    decision.approved_immediately = True
    save_recorded(decision, user=user, reason=_("Paragrafen omedelbart justerad"))
    return decision


@transaction.atomic
def post_minutes(*, meeting: Meeting, posted_on: dt.date, user=None) -> list[str]:
    """Anslå the protocol on the digital anslagstavla. Returns a warning when it is posted
    later than two days after justering (rule 2). A date after today is "anslås <datum>"
    until that day; once posted, the date is fixed (rule 39): only ``correct_posting`` moves
    it."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.posted_on:
        raise ValidationError({"posted_on": POSTING_FIXED.format(posted=meeting.posted_on)})
    if meeting.approved_date_unknown:
        raise ValidationError(POSTING_APPROVAL_DATE_UNKNOWN)
    if not meeting.approved_on:
        raise ValidationError(POSTING_BEFORE_APPROVAL)
    if posted_on < meeting.approved_on:
        raise ValidationError({"posted_on": POSTING_BEFORE_JUSTERING_DATE})
    warnings = []
    deadline = date_rules.posting_deadline(approved_on=meeting.approved_on)
    if posted_on > deadline:
        warnings.append(POSTING_LATE_WARNING.format(posted=posted_on, deadline=deadline))
    meeting.posted_on = posted_on
    save_recorded(meeting, user=user, reason=_("Protokollet anslaget"))
    return warnings


@transaction.atomic
def remove_posting(*, meeting: Meeting, removed_on: dt.date, user=None) -> Meeting:
    """Take the anslag down, never before the last appeal day has passed (rule 5)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.posted_on:
        raise ValidationError(REMOVAL_NOT_POSTED)
    if meeting.removed_on:
        raise ValidationError({"removed_on": REMOVAL_FIXED.format(removed=meeting.removed_on)})
    today = date_rules.today()
    if removed_on > today:
        raise ValidationError({"removed_on": REMOVAL_IN_FUTURE.format(today=today.isoformat())})
    last_day = date_rules.last_appeal_day(posted_on=meeting.posted_on)
    if removed_on <= last_day:
        raise ValidationError(
            {"removed_on": REMOVAL_TOO_EARLY.format(day=last_day + dt.timedelta(days=1))}
        )
    meeting.removed_on = removed_on
    save_recorded(meeting, user=user, reason=_("Anslaget nedtaget"))
    return meeting


@dataclass(frozen=True)
class PostingCorrected:
    """What ``correct_posting`` did: the correction, and the appeal window before and after
    (KL 13 kap. 5 §)."""

    correction: PostingCorrection
    old_last_appeal_day: dt.date
    last_appeal_day: dt.date

    @property
    def may_remove_from(self) -> dt.date:
        return self.last_appeal_day + dt.timedelta(days=1)


@transaction.atomic
def correct_posting(
    *, meeting: Meeting, posted_on: dt.date, reason: str, user=None
) -> PostingCorrected:
    """Rule 39: mend a wrong anslag date by a recorded correction (from, to, why, who, when),
    which recomputes the appeal window (rule 3). The correction is written first; the database
    lets ``posted_on`` move only to what the latest correction says."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    reason = reason.strip()
    if not meeting.posted_on:
        raise ValidationError(CORRECTION_NOT_POSTED)
    if not reason:
        raise ValidationError({"reason": CORRECTION_WITHOUT_REASON})
    if posted_on == meeting.posted_on:
        raise ValidationError({"posted_on": CORRECTION_SAME_DATE.format(posted=posted_on)})
    if posted_on < meeting.approved_on:
        raise ValidationError({"posted_on": POSTING_BEFORE_JUSTERING_DATE})
    last_day = date_rules.last_appeal_day(posted_on=posted_on)
    if meeting.removed_on and meeting.removed_on <= last_day:
        raise ValidationError(
            {
                "posted_on": CORRECTION_AFTER_REMOVAL.format(
                    removed=meeting.removed_on, posted=posted_on, last_day=last_day
                )
            }
        )
    old = meeting.posted_on
    correction = PostingCorrection(
        meeting=meeting,
        old_posted_on=old,
        new_posted_on=posted_on,
        reason=reason,
        made_by=history_user(user),
    )
    correction.full_clean()
    correction.save()
    meeting.posted_on = posted_on
    save_recorded(
        meeting,
        user=user,
        reason=_("Anslagsdatum rättat från %(old)s till %(new)s: %(reason)s")
        % {"old": old.isoformat(), "new": posted_on.isoformat(), "reason": reason},
    )
    return PostingCorrected(
        correction=correction,
        old_last_appeal_day=date_rules.last_appeal_day(posted_on=old),
        last_appeal_day=last_day,
    )


@transaction.atomic
def correct_decision(
    *, decision: Decision, what: str, why: str, made_by: str, made_on: dt.date, user=None
) -> Correction:
    """A rättelse of a justerad § (rule 9): recorded beside the text, never in it."""
    correction = Correction(decision=decision, what=what, why=why, made_by=made_by, made_on=made_on)
    save_recorded(correction, user=user, reason=_("Rättelse"))
    originals.seal_correction_after_commit(correction.pk)  # its own sealed record (rule 38)
    return correction


# --- added for the secretary pages (helper 2) -----------------------------------------------

MINORITY_REFERRAL_MOTION = "Minoritetsåterremiss: {motivation}"


@transaction.atomic
def post_minutes_kept_at(
    *, meeting: Meeting, posted_on: dt.date, minutes_kept_at: str = "", user=None
) -> list[str]:
    """Anslå the protocol (``post_minutes``) and record where it is kept (förvaringsplats),
    which the anslag names. Returns the same warnings as ``post_minutes``."""
    warnings = post_minutes(meeting=meeting, posted_on=posted_on, user=user)
    place = minutes_kept_at.strip()
    if place:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.minutes_kept_at != place:
            meeting.minutes_kept_at = place
            save_recorded(meeting, user=user, reason=_("Förvaringsplats antecknad"))
    return warnings


@transaction.atomic
def record_minority_referral(
    *, decision: Decision, supporters: int, present: int, motivation: str, user=None
):
    """Rule 16: a minority återremiss in fullmäktige, checked by ``check_minority_referral``
    and recorded as a ``refers_back`` link (note ``MINORITY_REFERRAL_NOTE``) to the proposal
    the § decided on, or to the ärende when no proposal is linked; the minority's motivation
    is recorded as a yrkande."""
    from decisions.models import DecisionLink

    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("meeting", "organ", "case")
        .get(pk=decision.pk)
    )
    _refuse_if_approved(decision)
    check_minority_referral(decision=decision, supporters=supporters, present=present)
    proposal = (
        Decision.objects.filter(links_out__target=decision, links_out__kind="proposes")
        .order_by("-id")
        .first()
    )
    reference = ""
    if proposal is None:
        reference = (
            _("Ärende %(number)s") % {"number": decision.case.number}
            if decision.case_id
            else decision.title[:300]
        )
    link = DecisionLink(
        source=decision,
        target=proposal,
        target_reference=reference,
        kind=DecisionLink.Kind.REFERS_BACK,
        note=MINORITY_REFERRAL_NOTE,
    )
    save_recorded(link, user=user, reason=_("Minoritetsåterremiss"))
    add_motion(
        decision=decision,
        text=MINORITY_REFERRAL_MOTION.format(motivation=motivation.strip()),
        mover=None,
        user=user,
    )
    return link
