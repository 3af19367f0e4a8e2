"""Membership of a förbund over time, as the member pages, the förbund page and the members
API show it. It lives with the chains, not in ``members``, because a membership's status
follows the decisions behind its events (layers: members ← cases ← decisions).

Each membership's status is derived from its events and the force of the decisions behind
them (RULES.md 34–36; ``members.rules`` on top of ``decisions.chains.rules.in_force``). That force
is computed by the project's one chain loader, ``decisions.chains.graph.force_of``, for all
memberships of a page at once: one recursive query over the event decisions' whole chains,
however long, so a page costs the same number of queries for 1 and for 20 members
(STYLE.md: never one query per hop).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse

from decisions import rules as date_rules
from decisions.chains import graph as chain_graph
from decisions.chains import rules as chain_rules
from decisions.models import Decision
from members import rules
from members.models import Membership, MembershipEvent, Organisation

# --------------------------------------------------------------------------------------------
# Decisions behind the events
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRef:
    """A decision as the member pages show it. ``title`` is None when the caller may not
    read it yet (a § of a protocol not justerat, for visitors: cases.access)."""

    id: int
    organ_code: str
    organ_name: str
    organisation: str
    held_on: dt.date | None
    year: int | None
    number: int | None
    kind: str
    title: str | None
    approved: bool  # taken: justerad, or known from other documents (RULES.md 45)
    known_from_sources: str = ""

    @property
    def label(self) -> str:
        return f"§ {self.number}" if self.number else "§ ?"

    @property
    def url(self) -> str | None:
        """The decision page, when the caller may open it (the history app shows visitors
        only §§ of justerade protocols)."""
        return decision_url(self.id) if self.title is not None else None


def decision_url(decision_id: int) -> str:
    """The decision page (history app); a plain path if that URL is not named."""
    for name in ("history:decision-detail", "history:decision"):
        try:
            return reverse(name, args=[decision_id])
        except NoReverseMatch:
            continue
    return f"/beslut/{decision_id}/"


@dataclass
class DecisionForces:
    """The decisions of a page, each with its force (``decisions.rules.ForceStatus``)."""

    refs: dict[int, DecisionRef]
    force: dict[int, chain_rules.ForceStatus]


def load_decision_forces(
    decision_ids: Iterable[int], *, on: dt.date, may_see_unapproved: bool
) -> DecisionForces:
    """The force on ``on`` of ``decision_ids`` (``decisions.chains.graph.force_of``: one query over
    their whole chains) and the decisions the pages show, those and the decisions that
    ended them (one more query), whatever their number."""
    ids = set(decision_ids)
    if not ids:
        return DecisionForces({}, {})
    force = chain_graph.force_of(sorted(ids), on=on, cycle_as_unlinked=True)
    ids.update(f.ended_by for f in force.values() if isinstance(f.ended_by, int))
    rows = (
        Decision.objects.filter(id__in=ids)
        .with_taken()
        .values(
            "id",
            "organ__code",
            "organ__name",
            "organ__organisation__name",
            "organ__organisation__short_name",
            "meeting__held_on",
            "taken",
            "meeting__known_from_sources",
            "year",
            "number",
            "kind",
            "title",
        )
    )
    refs: dict[int, DecisionRef] = {}
    for row in rows:
        approved = row["taken"]
        refs[row["id"]] = DecisionRef(
            id=row["id"],
            organ_code=row["organ__code"],
            organ_name=row["organ__name"],
            organisation=row["organ__organisation__short_name"] or row["organ__organisation__name"],
            held_on=row["meeting__held_on"],
            year=row["year"],
            number=row["number"],
            kind=row["kind"],
            title=row["title"] if (approved or may_see_unapproved) else None,
            approved=approved,
            known_from_sources=row["meeting__known_from_sources"],
        )
    return DecisionForces(refs, force)


# --------------------------------------------------------------------------------------------
# Memberships with status and timeline
# --------------------------------------------------------------------------------------------

ENDED_REVOKED = "revoked"
ENDED_WITHDRAWN = "withdrawn"
ENDED_ANNULLED = "annulled"


@dataclass
class EventRow:
    """A membership event on the member page: the event, the decision behind it and that
    decision's force, and the rules' reason if the event does not count."""

    event: MembershipEvent
    decision: DecisionRef | None
    force: chain_rules.ForceStatus | None
    ended_by: DecisionRef | None = None
    refused: str = ""
    notice_effective_on: dt.date | None = None


@dataclass
class PeriodRow:
    """A stretch of a membership timeline. For a notice period that did not lead to an
    exit, ``ended_how`` says why (revoked / withdrawn / annulled) and ``would_have_left_on``
    the exit date the notice set."""

    status: str
    start: dt.date | None
    end: dt.date | None
    start_is_latest: bool = False
    ended_how: str = ""
    would_have_left_on: dt.date | None = None
    exit_on: dt.date | None = None
    end_is_latest: bool = False

    @property
    def kind(self) -> str:
        if self.status == rules.STATUS_NOTICE_GIVEN:
            return "notice-ended" if self.ended_how else "notice"
        if self.status == rules.STATUS_LEFT:
            return "left"
        if self.status == rules.STATUS_NOT_MEMBER:
            return "none"
        return "member"


@dataclass
class MemberState:
    """One membership as the pages and the API show it on the date ``on``."""

    membership: Membership
    on: dt.date
    status: rules.MembershipStatus
    periods: list[PeriodRow]
    events: list[EventRow]
    behind: list[DecisionRef] = field(default_factory=list)
    withdrawn_notice_how: str = ""
    withdrawn_notice_effective_on: dt.date | None = None

    @property
    def member(self) -> Organisation:
        return self.membership.member

    @property
    def since(self) -> dt.date | None:
        if self.status.since is None and self.status.status == rules.STATUS_MEMBER:
            return self.membership.joined_on
        return self.status.since

    @property
    def status_key(self) -> str:
        return {
            rules.STATUS_MEMBER: "member",
            rules.STATUS_NOTICE_GIVEN: "notice",
            rules.STATUS_LEFT: "left",
            rules.STATUS_NOT_MEMBER: "none",
        }.get(self.status.status, "member")


def memberships_for_pages() -> QuerySet[Membership]:
    """Memberships with their member, förbund and events (two queries)."""
    return Membership.objects.select_related("member", "federation").prefetch_related(
        Prefetch(
            "events",
            queryset=MembershipEvent.objects.order_by("occurred_on", "occurred_not_after", "id"),
        )
    )


def _ended_how(force: chain_rules.ForceStatus | None) -> str:
    if force is None or force.in_force:
        return ""
    return {
        chain_rules.REVOKES: ENDED_REVOKED,
        chain_rules.WITHDRAWS: ENDED_WITHDRAWN,
        chain_rules.ENDED_BY_ANNULMENT: ENDED_ANNULLED,
    }.get(force.how or "", "")


def member_states(
    memberships: Sequence[Membership], *, on: dt.date, may_see_unapproved: bool = False
) -> list[MemberState]:
    """Status on ``on``, timeline and events of each membership (prefetched with
    ``memberships_for_pages``), with the decisions behind them: two more queries.

    The force of each decision is taken as the register knows it (on ``on`` or today,
    whichever is later); the rules then place each change on its own date, so that a
    notice later revoked still shows its notice period before the revocation.

    A notice ended by a decision of unknown date behind a withdrawal event ends where that
    withdrawal is placed (``rules.with_ending_dates_from_withdrawals``).
    """
    force_on = max(on, date_rules.today())
    decision_ids = {e.decision_id for m in memberships for e in m.events.all() if e.decision_id}
    forces = load_decision_forces(decision_ids, on=force_on, may_see_unapproved=may_see_unapproved)
    return [_member_state(m, on=on, forces=forces) for m in memberships]


def _member_state(membership: Membership, *, on: dt.date, forces: DecisionForces) -> MemberState:
    events = list(membership.events.all())
    rule_events: list[rules.Event] = []
    rows: list[EventRow] = []
    for e in events:
        force = forces.force.get(e.decision_id) if e.decision_id else None
        ended_by = force.ended_by if force else None
        rule_events.append(
            rules.Event(
                kind=e.kind,
                occurred_on=e.occurred_on,
                occurred_not_after=e.occurred_not_after,
                decision_id=e.decision_id,
                decision_in_force=True if force is None else force.in_force,
                decision_ended_on=force.ended_on if force else None,
                decision_ended_by=ended_by if isinstance(ended_by, int) else None,
                label=str(e.pk),
            )
        )
        rows.append(
            EventRow(
                event=e,
                decision=forces.refs.get(e.decision_id) if e.decision_id else None,
                force=force,
                ended_by=forces.refs.get(ended_by) if isinstance(ended_by, int) else None,
                notice_effective_on=(
                    rules.notice_effective_on(
                        notice_on=e.occurred_on or e.occurred_not_after,
                        notice_years=membership.notice_years,
                    )
                    if e.kind == MembershipEvent.Kind.NOTICE
                    and membership.may_leave
                    and (e.occurred_on or e.occurred_not_after)
                    else None
                ),
            )
        )

    kwargs = {"may_leave": membership.may_leave, "notice_years": membership.notice_years}
    status = rules.membership_status(events=rule_events, on=on, **kwargs)
    refused = {r.event.label: r.message for r in status.refused}
    for row in rows:
        row.refused = refused.get(str(row.event.pk), "")

    by_label = {str(row.event.pk): row for row in rows}
    periods = _periods(
        rules.membership_timeline(events=rule_events, **kwargs),
        notice_years=membership.notice_years,
        rows=rows,
    )

    behind: list[DecisionRef] = []
    for ev in status.events:
        row = by_label.get(ev.label)
        ref = row.decision if row else forces.refs.get(ev.decision_id or 0)
        if ref is not None and ref not in behind:
            behind.append(ref)

    state = MemberState(
        membership=membership,
        on=on,
        status=status,
        periods=periods,
        events=rows,
        behind=behind,
    )
    if status.withdrawn_notice is not None and status.withdrawn_notice.placed_on:
        notice_row = by_label.get(status.withdrawn_notice.label)
        state.withdrawn_notice_how = _how_notice_ended(notice_row, rows)
        state.withdrawn_notice_effective_on = rules.notice_effective_on(
            notice_on=status.withdrawn_notice.placed_on, notice_years=membership.notice_years
        )
    return state


def _how_notice_ended(notice_row: EventRow | None, rows: list[EventRow]) -> str:
    """Revoked (upphävd), withdrawn (återkallad) or annulled: from the notice decision's
    force if it ended, else from the link kind of a withdrawal event's decision."""
    how = _ended_how(notice_row.force if notice_row else None)
    return how or ENDED_WITHDRAWN


def _periods(
    periods: list[rules.Period], *, notice_years: int, rows: list[EventRow]
) -> list[PeriodRow]:
    notices = [r for r in rows if r.event.kind == MembershipEvent.Kind.NOTICE]
    result: list[PeriodRow] = []
    for i, p in enumerate(periods):
        row = PeriodRow(p.status, p.start, p.end, p.start_is_latest)
        if i + 1 < len(periods) and periods[i + 1].start_is_latest:
            row.end_is_latest = True
        if p.status == rules.STATUS_NOTICE_GIVEN and p.start is not None:
            effective = rules.notice_effective_on(notice_on=p.start, notice_years=notice_years)
            following = periods[i + 1] if i + 1 < len(periods) else None
            if following is not None and following.status == rules.STATUS_MEMBER:
                notice_row = next(
                    (
                        r
                        for r in notices
                        if (r.event.occurred_on or r.event.occurred_not_after) == p.start
                    ),
                    None,
                )
                row.ended_how = _how_notice_ended(notice_row, rows)
                row.would_have_left_on = effective
            else:
                row.exit_on = effective
        result.append(row)
    return result
