"""Writing membership events: every path that stores one (these services, the admin, the
data-file import) refuses an event the law makes impossible (RULES.md 34, 36;
``members.rules.impossible_at_entry``) before anything is saved, naming the record and the law.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from insjoriket.history import record_change
from members import rules
from members.models import Membership, MembershipEvent


def rule_event(event: MembershipEvent, *, label: str) -> rules.Event:
    """A stored or unsaved ``MembershipEvent`` as the rules see it."""
    return rules.Event(
        kind=event.kind,
        occurred_on=event.occurred_on,
        occurred_not_after=event.occurred_not_after,
        decision_id=event.decision_id,
        label=label,
    )


def event_record(event: MembershipEvent, membership: Membership | None = None) -> str:
    """How a refusal names the event: member, förbund, kind and date."""
    membership = membership or event.membership
    return f"{membership}: {event}"


def impossible_events(
    membership: Membership,
    events: Iterable[tuple[str, MembershipEvent]],
) -> list[tuple[str, rules.Refusal]]:
    """The events among ``events`` (label, event: every event of the membership as it would
    be stored) that the law makes impossible for ``membership`` as it would be stored
    (its ``may_leave`` and ``notice_years``), each with its label."""
    by_label = {label: rule_event(event, label=label) for label, event in events}
    refused = rules.impossible_at_entry(
        events=by_label.values(),
        may_leave=membership.may_leave,
        notice_years=membership.notice_years,
    )
    return [(r.event.label, r) for r in refused]


def check_membership(
    membership: Membership,
    events: Iterable[tuple[str, MembershipEvent]],
    *,
    records: dict[str, str] | None = None,
) -> None:
    """Raise ``ValidationError`` (every message naming its record and the law) when any of
    ``events`` is impossible. ``records`` names each label's record (default: the event)."""
    events = list(events)
    named = {label: event_record(event, membership) for label, event in events}
    named |= records or {}
    errors = [
        rules.entry_message(refusal, record=named[label])
        for label, refusal in impossible_events(membership, events)
    ]
    if errors:
        raise ValidationError(errors)


def stored_events(membership: Membership, *, exclude_pk: int | None = None):
    """The stored events of ``membership`` as (label, event), labelled by pk."""
    if membership.pk is None:
        return []
    qs = MembershipEvent.objects.filter(membership_id=membership.pk)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return [(str(e.pk), e) for e in qs.order_by("pk")]


def check_stored(membership: Membership) -> None:
    """Raise ``ValidationError`` when the stored events of ``membership`` (as it is now,
    saved or not) hold an impossible one (the import's check after writing, the admin's after
    a change of ``may_leave``)."""
    check_membership(membership, stored_events(membership))


@transaction.atomic
def record_membership_event(
    *,
    membership: Membership,
    kind: str,
    occurred_on: dt.date | None = None,
    occurred_not_after: dt.date | None = None,
    decision=None,
    note: str = "",
    user=None,
    reason: str = "",
) -> MembershipEvent:
    """Store a new event of ``membership``; an event the law makes impossible (RULES.md 34:
    a notice or exit of Försäkringskassan or Arbetsförmedlingen; 36: a withdrawal dated after
    the exit took effect) raises ``ValidationError`` and nothing is saved. The membership's
    row is locked so that two events entered at once are judged one after the other."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    event = MembershipEvent(
        membership=membership,
        kind=kind,
        occurred_on=occurred_on,
        occurred_not_after=occurred_not_after,
        decision=decision,
        note=note,
    )
    event.full_clean()
    check_membership(membership, [*stored_events(membership), ("new", event)])
    record_change(event, user=user, reason=reason)
    event.save()
    return event


@transaction.atomic
def change_membership_event(event: MembershipEvent, *, user=None, reason: str = "", **values):
    """Change a stored event (``values``: field names); refused like a new one."""
    membership = Membership.objects.select_for_update().get(pk=event.membership_id)
    for name, value in values.items():
        setattr(event, name, value)
    event.full_clean()
    check_membership(
        membership, [*stored_events(membership, exclude_pk=event.pk), (str(event.pk), event)]
    )
    record_change(event, user=user, reason=reason)
    event.save()
    return event
