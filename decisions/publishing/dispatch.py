"""Expediering (rule 31): sending a justerad decision to each recipient in "skickas till" is
registered as an outgoing (utgående) handling in the decision's ärende, dated the day it was
sent (rule 26: an outgoing handling's date is its expediering date).

The handling is written by ``cases.services.add_document`` (löpnummer, history, closed-case
check); this module only decides what is sent, to whom and when, and refuses what rule 30/31
do not allow: an unjusterad §, a § without ärende, a date before the justering, and sending
the same § to the same recipient twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from cases import services as case_services
from cases.models import Case, Document
from decisions import rules as date_rules
from decisions.models import Decision

DISPATCH_NOT_APPROVED = (
    "{label} är inte justerad och kan inte expedieras; expediera efter justeringen."
)
DISPATCH_WITHOUT_CASE = (
    "{label} hör inte till något ärende; expedieringen registreras som handling i ärendet "
    "(TF 2 kap. 10 §)."
)
DISPATCH_BEFORE_APPROVAL = "Expedieringsdatumet kan inte ligga före justeringsdatumet {approved}."
DISPATCH_BEFORE_MEETING = (
    "Expedieringsdatumet kan inte ligga före sammanträdesdatumet {held} "
    "(protokollet är justerat, datum okänt)."
)
DISPATCH_NO_RECIPIENTS = "Ange minst en mottagare."
DISPATCH_ALREADY_SENT = "{label} är redan expedierad till {recipient}."
DISPATCH_DESCRIPTION = "Expediering av protokollsutdrag {organ} {date} {label}: {title}"


def _prefix(decision: Decision) -> str:
    meeting = decision.meeting
    date = meeting.held_on.isoformat() if meeting.held_on else "datum okänt"
    return DISPATCH_DESCRIPTION.format(
        organ=decision.organ.code, date=date, label=decision.label, title=""
    )


def description_for(decision: Decision) -> str:
    """The handling's description: the extract and the § it is of, e.g.
    "Expediering av protokollsutdrag KS 2024-01-24 § 9: Budget 2025"."""
    text = _prefix(decision) + decision.title
    max_length = Document._meta.get_field("description").max_length
    return text[:max_length]


def dispatches_of(decision: Decision) -> list[Document]:
    """The outgoing handlings that record the expediering of ``decision``, oldest first (one
    query; none without an ärende)."""
    if not decision.case_id:
        return []
    return list(
        Document.objects.filter(
            case_id=decision.case_id,
            direction=Document.Direction.OUTGOING,
            description__startswith=_prefix(decision),
        ).order_by("serial")
    )


@transaction.atomic
def dispatch_decision(
    *,
    decision: Decision,
    recipients: Sequence[str],
    sent_on: dt.date,
    user=None,
) -> list[Document]:
    """Record that the justerad ``decision`` was sent to each of ``recipients`` on ``sent_on``:
    one utgående handling per recipient in the decision's ärende (rule 31). All or nothing."""
    decision = Decision.objects.select_related("meeting", "organ", "case").get(pk=decision.pk)
    approved = decision.approval_date
    date_unknown = approved is None and decision.is_justerad
    if not decision.is_justerad:
        raise ValidationError(DISPATCH_NOT_APPROVED.format(label=decision.label))
    if not decision.case_id:
        raise ValidationError(DISPATCH_WITHOUT_CASE.format(label=decision.label))
    if approved is not None and sent_on < approved:
        raise ValidationError(
            {"sent_on": DISPATCH_BEFORE_APPROVAL.format(approved=approved.isoformat())}
        )
    # Justerat, datum okänt: the justering was on or after the meeting day, nothing more is
    # known, so that is the only bound.
    held_on = decision.meeting.held_on
    if date_unknown and held_on and sent_on < held_on:
        raise ValidationError({"sent_on": DISPATCH_BEFORE_MEETING.format(held=held_on.isoformat())})
    if sent_on > date_rules.today():
        outgoing = case_services.FUTURE_DATE[Document.Direction.OUTGOING]
        raise ValidationError({"sent_on": outgoing % {"date": sent_on.isoformat()}})
    cleaned = list(dict.fromkeys(" ".join(r.split()) for r in recipients if r and r.strip()))
    if not cleaned:
        raise ValidationError({"recipients": DISPATCH_NO_RECIPIENTS})
    # Lock the case so that two requests cannot both pass the duplicate check.
    Case.objects.select_for_update().get(pk=decision.case_id)
    already = {d.counterpart.casefold() for d in dispatches_of(decision)}
    duplicates = [r for r in cleaned if r.casefold() in already]
    if duplicates:
        raise ValidationError(
            {
                "recipients": [
                    DISPATCH_ALREADY_SENT.format(label=decision.label, recipient=r)
                    for r in duplicates
                ]
            }
        )
    author = ""
    if user is not None and getattr(user, "is_authenticated", False):
        author = user.get_full_name() or user.get_username()
    description = description_for(decision)
    return [
        case_services.add_document(
            case=decision.case,
            date=sent_on,
            direction=Document.Direction.OUTGOING,
            description=description,
            counterpart=recipient,
            author=author,
            user=user,
        )
        for recipient in cleaned
    ]
